import CreditCore
import Foundation
import PostgresNIO
import SQLKit

/// The tamper-evident log: every change of credit data appends one leaf, in the same transaction as the
/// change, whose hash is computed from the stored row. ``verify()`` recomputes every leaf from the rows as
/// they are now and the Merkle root over all leaves: an edit made behind the platform's back (a direct
/// `UPDATE`) no longer matches its leaf.
///
/// Kinds of leaf so far: `entity-version` (a version of an entity's registered facts), `record-version`,
/// `listing-version` (a version of a list entry), `repair-event` and `objection-event` (a step of a case: applied,
/// decided, extended …), `commitment-version` (a commitment signed, then verified). Decisions of later areas join as their issues arrive.
public struct TamperEvidentLog: CreditLog {
    let db: CreditDatabase
    /// Signs the checkpoints of ``signCheckpoint()``; nil: only ``signCheckpoint(signer:clock:)`` signs.
    let signer: CheckpointSigner?
    let clock: any CreditClock

    public init(database: CreditDatabase, signer: CheckpointSigner? = nil, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.signer = signer
        self.clock = clock
    }

    public static let entityVersionKind = "entity-version"

    /// The canonical bytes of an entity version: a JSON array of its fields, the legal representative
    /// by the HMAC of the identity number (the log never holds personal data in clear).
    public static func entityVersionLeaf(
        code: String,
        version: Int,
        name: String,
        kind: String,
        status: String,
        region: String,
        division: String,
        established: String,
        representativeHMAC: String,
        recordedAt: String,
        reason: String?
    ) -> Data {
        Data(
            canonicalJSON([
                entityVersionKind, code, String(version), name, kind, status, region, division, established, representativeHMAC,
                recordedAt, reason ?? "",
            ])
        )
    }

    /// A JSON array of strings, byte for byte as `JSONEncoder` with `.withoutEscapingSlashes` writes it (the
    /// leaves logged so far were written that way), about ten times faster: `"` and `\` are escaped,
    /// control characters become `\b \t \n \f \r` or `\u00xx`, everything else is copied as UTF-8.
    public static func canonicalJSON(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(fields.reduce(2) { $0 + $1.utf8.count + 3 })
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(field, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A JSON object of strings with sorted keys, byte for byte as `JSONEncoder` with `.sortedKeys` and
    /// `.withoutEscapingSlashes` writes it.
    public static func canonicalJSON(object: [String: String]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in object.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSONString(object[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string as `JSONEncoder` escapes it: `"` and `\`, and control characters.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + 2)
            out.append(UInt8(ascii: "\""))
            // Runs of bytes that need no escape are copied whole.
            var start = 0
            for i in bytes.indices {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)],
                    ])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            out.append(UInt8(ascii: "\""))
        }
    }

    static let logColumns = ["kind", "subject_id", "version", "leaf_hash", "recorded_at"]

    /// The `log_entries` row of an entity version.
    static func entityVersionEntry(entityID: Int, version: Int, leaf: Data, recordedAt: String) -> [BulkValue] {
        [.text(entityVersionKind), .integer(entityID), .integer(version), .text(MerkleTree.hex(MerkleTree.leafHash(leaf))), .text(recordedAt)]
    }

    /// What ``verify()`` found.
    public typealias Verification = LogVerification

    /// A stored leaf hash that is not 32 bytes of hexadecimal: `credit verify` names it.
    public struct MalformedEntry: Error, CustomStringConvertible {
        public var seq: Int
        public var description: String { "entry \(seq): stored leaf hash is malformed / 第 \(seq) 条的叶哈希格式错误; run credit verify" }
    }

    /// The stored leaf hashes, in order (about 100 bytes of memory each: for proofs over HTTP).
    public func leafHashes(pageSize: Int = 50_000) async throws -> [Data] {
        var hashes: [Data] = []
        try await forEachLeafHash(pageSize: pageSize) { hashes.append($0) }
        return hashes
    }

    /// Calls `body` with every stored leaf hash in order, reading page by page by sequence number
    /// (never OFFSET, which rereads every earlier row for each page).
    func forEachLeafHash(pageSize: Int = 50_000, _ body: (Data) throws -> Void) async throws {
        var last = 0
        while true {
            let after = last
            let text = "SELECT seq, leaf_hash FROM log_entries WHERE seq > AFTER ORDER BY seq LIMIT \(pageSize)"
            let fast = try await db.withPostgresConnection { connection -> [(Int, String)] in
                var bindings = PostgresBindings(capacity: 1)
                bindings.append(after)
                var rows: [(Int, String)] = []
                for try await row in try await connection.query(
                    PostgresQuery(unsafeSQL: text.replacingOccurrences(of: "AFTER", with: "$1"), binds: bindings)
                ) {
                    rows.append(try row.decode((Int, String).self))
                }
                return rows
            }
            let page: [(Int, String)]
            if let fast {
                page = fast
            } else {
                page = try await db.read { sql in
                    try await sql.raw(SQLQueryString(text.replacingOccurrences(of: "AFTER", with: String(after)))).all().map {
                        (try $0.decode(column: "seq", as: Int.self), try $0.decode(column: "leaf_hash", as: String.self))
                    }
                }
            }
            for (seq, hex) in page {
                guard let hash = Hex.decode(hex), hash.count == 32 else { throw MalformedEntry(seq: seq) }
                try body(hash)
            }
            guard let tail = page.last?.0, page.count == pageSize else { return }
            last = tail
        }
    }

    /// Signs a checkpoint of the log as it is now and stores it; when the log has not grown since the
    /// latest checkpoint, returns that one instead.
    @discardableResult
    public func signCheckpoint(signer: CheckpointSigner, clock: any CreditClock) async throws -> Checkpoint {
        var tree = MerkleTree.Accumulator()
        try await forEachLeafHash { tree.append($0) }
        if let latest = try await latestCheckpoint(), latest.size == tree.count, latest.keyID == signer.keyID { return latest }
        let checkpoint = try signer.sign(size: tree.count, rootHash: MerkleTree.hex(tree.root), time: Timestamp.string(clock.now()))
        try await db.transaction { sql in
            try await sql.insert(into: "log_checkpoints").columns("size", "root_hash", "time", "signature", "key_id", "public_key")
                .values(
                    SQLBind(checkpoint.size),
                    SQLBind(checkpoint.rootHash),
                    SQLBind(checkpoint.time),
                    SQLBind(checkpoint.signature),
                    SQLBind(checkpoint.keyID),
                    SQLBind(checkpoint.publicKey)
                ).run()
        }
        return checkpoint
    }

    /// Signs with the key this log was made with (``init(database:signer:clock:)``).
    @discardableResult
    public func signCheckpoint() async throws -> Checkpoint {
        guard let signer else { preconditionFailure("a TamperEvidentLog made without a signer cannot sign") }
        return try await signCheckpoint(signer: signer, clock: clock)
    }

    public func size() async throws -> Int {
        try await db.read { sql in
            try await sql.raw("SELECT count(*) AS n FROM log_entries").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func inclusionProof(index: Int, size: Int) async throws -> InclusionProof? {
        let tree = Array(try await leafHashes().prefix(size))
        guard tree.count == size, let proof = MerkleTree.inclusionProof(index: index, leafHashes: tree) else { return nil }
        return InclusionProof(
            leafIndex: index,
            treeSize: size,
            leafHash: MerkleTree.hex(tree[index]),
            rootHash: MerkleTree.hex(MerkleTree.root(tree)),
            hashes: proof.map(MerkleTree.hex)
        )
    }

    public func consistencyProof(from: Int, to: Int) async throws -> ConsistencyProof {
        let tree = Array(try await leafHashes().prefix(to))
        let proof = MerkleTree.consistencyProof(size: from, leafHashes: tree) ?? []
        return ConsistencyProof(
            from: from,
            to: to,
            fromRootHash: MerkleTree.hex(MerkleTree.root(Array(tree.prefix(from)))),
            toRootHash: MerkleTree.hex(MerkleTree.root(tree)),
            hashes: proof.map(MerkleTree.hex)
        )
    }

    public func verify(publicKey: Data?) async throws -> LogVerification {
        try await verify(pageSize: 20_000, publicKey: publicKey)
    }

    /// The most recent checkpoint, or nil before the first.
    public func latestCheckpoint() async throws -> Checkpoint? {
        try await checkpoints(latestOnly: true).first
    }

    func checkpoints(latestOnly: Bool = false) async throws -> [Checkpoint] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT size, root_hash, time, signature, key_id, public_key FROM log_checkpoints ORDER BY time DESC, size DESC
                \(unsafeRaw: latestOnly ? "LIMIT 1" : "")
                """
            ).all().map { row in
                Checkpoint(
                    size: try row.decode(column: "size", as: Int.self),
                    rootHash: try row.decode(column: "root_hash", as: String.self),
                    time: try row.decode(column: "time", as: String.self),
                    signature: try row.decode(column: "signature", as: String.self),
                    keyID: try row.decode(column: "key_id", as: String.self),
                    publicKey: try row.decode(column: "public_key", as: String.self)
                )
            }
        }
    }

    /// Recomputes every leaf from the stored rows and the root over all leaves, reading in pages (the next
    /// page is read while this one is hashed) so that memory stays bounded whatever the log's size; checks
    /// every signed checkpoint against the root of the leaves it covers as the leaves stream past.
    /// - Parameter publicKey: the platform's own checkpoint key (a checkpoint signed by another key fails).
    public func verify(pageSize: Int = 20_000, publicKey: Data? = nil) async throws -> LogVerification {
        var tree = MerkleTree.Accumulator()
        var mismatch: String?
        var pendingCheckpoints = try await checkpoints().sorted { $0.size < $1.size }
        for checkpoint in pendingCheckpoints where mismatch == nil {
            if let publicKey, checkpoint.keyID != CheckpointSigner.keyID(publicKey: publicKey) {
                mismatch = "checkpoint of \(checkpoint.time) is signed by an unknown key \(checkpoint.keyID) / 检查点签名密钥未知"
            } else if !checkpoint.signatureIsValid {
                mismatch = "checkpoint of \(checkpoint.time): the signature is not valid / 检查点签名无效"
            }
        }
        /// Compares the root so far with each checkpoint of exactly this size.
        func checkCheckpoints() {
            while mismatch == nil, let next = pendingCheckpoints.first, next.size <= tree.count {
                pendingCheckpoints.removeFirst()
                if next.size < tree.count || MerkleTree.hex(tree.root) != next.rootHash {
                    mismatch =
                        "checkpoint of \(next.time) (size \(next.size)): the log's first \(next.size) entries no longer have the signed root; history was rewritten / 已签名的历史被改写"
                }
            }
        }
        checkCheckpoints()
        let db = self.db
        @Sendable func page(after seq: Int) async throws -> [VerificationRow] {
            try await Self.verificationPage(db: db, after: seq, pageSize: pageSize)
        }
        var next = Task { try await page(after: 0) }
        while mismatch == nil {
            let rows = try await next.value
            if rows.isEmpty { break }
            if rows.count == pageSize, let last = rows.last?.seq {
                next = Task { try await page(after: last) }
            } else {
                next = Task { [] }
            }
            for row in rows {
                let (seq, kind, subject, version) = (row.seq, row.kind, row.subjectID, row.version)
                guard let storedHash = Hex.decode(row.leafHash), storedHash.count == 32 else {
                    mismatch = "entry \(seq): stored leaf hash is malformed"
                    break
                }
                guard let leaf = row.leaf() else {
                    mismatch = "entry \(seq) (\(kind) \(subject) v\(version)): the data it records is missing / 所记录的数据已不存在"
                    break
                }
                if MerkleTree.leafHash(leaf) != storedHash {
                    let what = kind == SQLRecordStore.versionKind ? "record \(subject)" : "\(kind) \(row.code ?? String(subject))"
                    mismatch = "entry \(seq) (\(what) v\(version)): the stored data no longer matches its leaf / 数据已被改动"
                    break
                }
                tree.append(storedHash)
                checkCheckpoints()
                if mismatch != nil { break }
            }
        }
        next.cancel()
        if mismatch == nil {
            let versions = try await db.read { sql in
                try await sql.raw(
                    """
                    SELECT (SELECT count(*) FROM entity_versions) + (SELECT count(*) FROM record_versions) + (SELECT count(*) FROM listing_versions)
                    + (SELECT count(*) FROM repair_events) + (SELECT count(*) FROM objection_events) + (SELECT count(*) FROM commitment_versions) AS n
                    """
                ).first()?
                .decode(column: "n", as: Int.self) ?? 0
            }
            if versions != tree.count {
                mismatch =
                    "\(versions) versions of entities, records and listings and steps of cases but \(tree.count) log entries: a change was made without the log / 有变更未入日志"
            }
        }
        if mismatch == nil, let missing = pendingCheckpoints.first {
            mismatch =
                "checkpoint of \(missing.time) (size \(missing.size)): the log has only \(tree.count) entries; history was removed / 已签名的历史被删除"
        }
        return LogVerification(size: tree.count, rootHash: MerkleTree.hex(tree.root), firstMismatch: mismatch)
    }
}
