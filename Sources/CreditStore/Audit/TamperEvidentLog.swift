import CreditCore
import Foundation
import SQLKit

/// The tamper-evident log: every change of credit data appends one leaf, in the same transaction as the
/// change, whose hash is computed from the stored row. ``verify()`` recomputes every leaf from the rows as
/// they are now and the Merkle root over all leaves: an edit made behind the platform's back (a direct
/// `UPDATE`) no longer matches its leaf.
///
/// Kinds of leaf so far: `entity-version` (a version of an entity's registered facts). Records, list
/// entries, decisions and checks join as their issues arrive.
public struct TamperEvidentLog: Sendable {
    let db: CreditDatabase

    public init(database: CreditDatabase) { self.db = database }

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
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(fields.reduce(2) { $0 + $1.utf8.count + 3 })
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for byte in field.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
                case 0x08: out += Array("\\b".utf8)
                case 0x09: out += Array("\\t".utf8)
                case 0x0A: out += Array("\\n".utf8)
                case 0x0C: out += Array("\\f".utf8)
                case 0x0D: out += Array("\\r".utf8)
                case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    static let logColumns = ["kind", "subject_id", "version", "leaf_hash", "recorded_at"]

    /// The `log_entries` row of an entity version.
    static func entityVersionEntry(entityID: Int, version: Int, leaf: Data, recordedAt: String) -> [any SQLExpression] {
        [
            SQLBind(entityVersionKind), SQLBind(entityID), SQLBind(version), SQLBind(MerkleTree.hex(MerkleTree.leafHash(leaf))),
            SQLBind(recordedAt),
        ]
    }

    /// What ``verify()`` found.
    public struct Verification: Sendable, CustomStringConvertible {
        /// Number of leaves.
        public var size: Int
        /// Merkle root over the stored leaf hashes, hexadecimal.
        public var rootHash: String
        /// The first entry whose data no longer matches, or a description of what is missing.
        public var firstMismatch: String?

        public var ok: Bool { firstMismatch == nil }
        public var description: String {
            firstMismatch.map { "不一致 / mismatch: \($0)" } ?? "ok (\(size) entries, root \(rootHash))"
        }
    }

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

    /// The leaf of a record version from a verification row, or nil when the version's row is gone.
    static func recordVersionLeaf(_ row: any SQLRow, version: Int) throws -> Data? {
        guard let department = try row.decode(column: "department_code", as: String?.self),
            let status = try row.decode(column: "rv_status", as: String?.self)
        else { return nil }
        let subject = try row.decode(column: "rv_subject_code", as: String?.self) ?? row.decode(column: "rv_person_hmac", as: String?.self) ?? ""
        return SQLRecordStore.versionLeaf(
            department: department,
            category: try row.decode(column: "category", as: String.self),
            documentNumber: try row.decode(column: "document_number", as: String.self),
            version: version,
            status: status,
            subject: subject,
            subjectName: try row.decode(column: "rv_subject_name", as: String.self),
            decidedOn: try row.decode(column: "rv_decided_on", as: String.self),
            severity: try row.decode(column: "rv_severity", as: String?.self),
            content: try row.decode(column: "rv_content", as: String.self),
            changeReason: try row.decode(column: "rv_change_reason", as: String?.self),
            recordedAt: try row.decode(column: "rv_recorded_at", as: String.self)
        )
    }

    /// Calls `body` with every stored leaf hash in order, reading page by page by sequence number
    /// (never OFFSET, which rereads every earlier row for each page).
    func forEachLeafHash(pageSize: Int = 50_000, _ body: (Data) throws -> Void) async throws {
        var last = 0
        while true {
            let after = last
            let page = try await db.read { sql in
                try await sql.raw(
                    "SELECT seq, leaf_hash FROM log_entries WHERE seq > \(bind: after) ORDER BY seq LIMIT \(unsafeRaw: String(pageSize))"
                ).all().map { (try $0.decode(column: "seq", as: Int.self), try $0.decode(column: "leaf_hash", as: String.self)) }
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
    public func verify(pageSize: Int = 20_000, publicKey: Data? = nil) async throws -> Verification {
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
        @Sendable func page(after seq: Int) async throws -> [any SQLRow] {
            try await db.read { sql in
                try await sql.raw(
                    """
                    SELECT l.seq, l.kind, l.subject_id, l.version, l.leaf_hash, e.code, v.name, v.kind AS entity_kind, v.status, v.region_code,
                    v.industry_division, v.established_on, v.recorded_at, v.reason, p.id_number_hmac,
                    r.department_code, r.category, r.document_number, rv.status AS rv_status, rv.subject_code AS rv_subject_code,
                    rp.id_number_hmac AS rv_person_hmac, rv.subject_name AS rv_subject_name, rv.decided_on AS rv_decided_on,
                    rv.severity AS rv_severity, rv.content AS rv_content, rv.change_reason AS rv_change_reason, rv.recorded_at AS rv_recorded_at
                    FROM log_entries l
                    LEFT JOIN entity_versions v ON l.kind = 'entity-version' AND v.entity_id = l.subject_id AND v.version = l.version
                    LEFT JOIN entities e ON e.id = v.entity_id LEFT JOIN persons p ON p.id = v.legal_rep_id
                    LEFT JOIN record_versions rv ON l.kind = 'record-version' AND rv.record_id = l.subject_id AND rv.version = l.version
                    LEFT JOIN records r ON r.id = rv.record_id LEFT JOIN persons rp ON rp.id = rv.subject_person_id
                    WHERE l.seq > \(bind: seq) ORDER BY l.seq LIMIT \(unsafeRaw: String(pageSize))
                    """
                ).all()
            }
        }
        var next = Task { try await page(after: 0) }
        while mismatch == nil {
            let rows = try await next.value
            if rows.isEmpty { break }
            if rows.count == pageSize, let last = try rows.last?.decode(column: "seq", as: Int.self) {
                next = Task { try await page(after: last) }
            } else {
                next = Task { [] }
            }
            for row in rows {
                let seq = try row.decode(column: "seq", as: Int.self)
                let stored = try row.decode(column: "leaf_hash", as: String.self)
                guard let storedHash = Hex.decode(stored) else {
                    mismatch = "entry \(seq): stored leaf hash is malformed"
                    break
                }
                let kind = try row.decode(column: "kind", as: String.self)
                let subject = try row.decode(column: "subject_id", as: Int.self)
                let version = try row.decode(column: "version", as: Int.self)
                if kind == SQLRecordStore.versionKind {
                    guard let leaf = try Self.recordVersionLeaf(row, version: version) else {
                        mismatch = "entry \(seq) (\(kind) \(subject) v\(version)): the data it records is missing / 所记录的数据已不存在"
                        break
                    }
                    if MerkleTree.leafHash(leaf) != storedHash {
                        mismatch =
                            "entry \(seq) (record \(subject) v\(version)): the stored data no longer matches its leaf / 数据已被改动"
                        break
                    }
                    tree.append(storedHash)
                    checkCheckpoints()
                    if mismatch != nil { break }
                    continue
                }
                guard kind == Self.entityVersionKind, let code = try row.decode(column: "code", as: String?.self) else {
                    mismatch = "entry \(seq) (\(kind) \(subject) v\(version)): the data it records is missing / 所记录的数据已不存在"
                    break
                }
                let leaf = Self.entityVersionLeaf(
                    code: code,
                    version: version,
                    name: try row.decode(column: "name", as: String.self),
                    kind: try row.decode(column: "entity_kind", as: String.self),
                    status: try row.decode(column: "status", as: String.self),
                    region: try row.decode(column: "region_code", as: String.self),
                    division: try row.decode(column: "industry_division", as: String.self),
                    established: try row.decode(column: "established_on", as: String.self),
                    representativeHMAC: try row.decode(column: "id_number_hmac", as: String.self),
                    recordedAt: try row.decode(column: "recorded_at", as: String.self),
                    reason: try row.decode(column: "reason", as: String?.self)
                )
                if MerkleTree.leafHash(leaf) != storedHash {
                    mismatch = "entry \(seq) (\(kind) \(code) v\(version)): the stored data no longer matches its leaf / 数据已被改动"
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
                try await sql.raw("SELECT (SELECT count(*) FROM entity_versions) + (SELECT count(*) FROM record_versions) AS n").first()?
                    .decode(column: "n", as: Int.self) ?? 0
            }
            if versions != tree.count {
                mismatch = "\(versions) versions of entities and records but \(tree.count) log entries: a change was made without the log / 有变更未入日志"
            }
        }
        if mismatch == nil, let missing = pendingCheckpoints.first {
            mismatch =
                "checkpoint of \(missing.time) (size \(missing.size)): the log has only \(tree.count) entries; history was removed / 已签名的历史被删除"
        }
        return Verification(size: tree.count, rootHash: MerkleTree.hex(tree.root), firstMismatch: mismatch)
    }
}
