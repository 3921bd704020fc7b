import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Tamper-evident log")
struct TamperEvidentLogTests {
    @Test("RFC 6962 hashing: the empty tree, one leaf, and an unbalanced tree")
    func hashing() {
        #expect(MerkleTree.hex(MerkleTree.root([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let empty = MerkleTree.leafHash(Data())
        #expect(MerkleTree.hex(empty) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let leaves = (0..<3).map { MerkleTree.leafHash(Data([UInt8($0)])) }
        // Three leaves split 2 + 1.
        #expect(MerkleTree.root(leaves) == MerkleTree.nodeHash(MerkleTree.nodeHash(leaves[0], leaves[1]), leaves[2]))
        #expect(MerkleTree.root([leaves[0]]) == leaves[0])
    }

    @Test("an inclusion proof proves every leaf of every tree size up to 40, and fails for anything else")
    func inclusionProofs() {
        let all = (0..<40).map { MerkleTree.leafHash(Data("entry \($0)".utf8)) }
        for size in 1...40 {
            let leaves = Array(all.prefix(size))
            let root = MerkleTree.root(leaves)
            for index in 0..<size {
                let proof = MerkleTree.inclusionProof(index: index, leafHashes: leaves)!
                #expect(MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, size: size, proof: proof, root: root), "\(index)/\(size)")
                // The same proof does not prove another leaf, another position, or another tree.
                let other = leaves[(index + 1) % size]
                if size > 1 {
                    #expect(!MerkleTree.verifyInclusion(leafHash: other, index: index, size: size, proof: proof, root: root))
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: (index + 1) % size, size: size, proof: proof, root: root))
                }
                if !proof.isEmpty {
                    var forged = proof
                    forged[0] = MerkleTree.leafHash(Data("forged".utf8))
                    #expect(!MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, size: size, proof: forged, root: root))
                }
            }
        }
        #expect(MerkleTree.inclusionProof(index: 3, leafHashes: Array(all.prefix(3))) == nil)
    }

    @Test("the streaming accumulator has the root of every prefix, as the whole-tree computation does")
    func accumulator() {
        var accumulator = MerkleTree.Accumulator()
        var leaves: [Data] = []
        #expect(accumulator.root == MerkleTree.root([]))
        for i in 0..<70 {
            let leaf = MerkleTree.leafHash(Data("entry \(i)".utf8))
            leaves.append(leaf)
            accumulator.append(leaf)
            #expect(accumulator.root == MerkleTree.root(leaves), "\(i + 1) leaves")
        }
        #expect(accumulator.count == 70)
    }

    @Test("leaf bytes are exactly what JSONEncoder writes, for any text the registry may hold")
    func canonicalJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var alphabet: [String] = (0..<0x80).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        alphabet += ["中", "（", "）", "·", "\u{2028}", "\u{FEFF}", "😀", "é", "\u{7F}"]
        var random = SplitMix64(seed: 35)
        for _ in 0..<2_000 {
            let fields = (0..<Int(random.next() % 5)).map { _ in
                String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
            }
            #expect(TamperEvidentLog.canonicalJSON(fields) == Array(try encoder.encode(fields)), "\(fields)")
            let object = Dictionary(fields.enumerated().map { ("k\($0.offset)" + $0.element, $0.element) }, uniquingKeysWith: { a, _ in a })
            let sorted = JSONEncoder()
            sorted.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(TamperEvidentLog.canonicalJSON(object: object) == Array(try sorted.encode(object)), "\(object)")
        }
    }

    @Test("a consistency proof links every pair of tree sizes up to 40, and fails for a rewritten history")
    func consistencyProofs() {
        let all = (0..<40).map { MerkleTree.leafHash(Data("entry \($0)".utf8)) }
        var rewritten = all
        rewritten[2] = MerkleTree.leafHash(Data("rewritten".utf8))
        for second in 1...40 {
            let tree = Array(all.prefix(second))
            let secondRoot = MerkleTree.root(tree)
            for first in 1...second {
                let firstRoot = MerkleTree.root(Array(all.prefix(first)))
                let proof = MerkleTree.consistencyProof(size: first, leafHashes: tree)!
                #expect(
                    MerkleTree.verifyConsistency(first: first, second: second, firstRoot: firstRoot, secondRoot: secondRoot, proof: proof),
                    "\(first)→\(second)"
                )
                // A smaller tree whose history was rewritten is not consistent with the real larger one.
                if first > 2 {
                    let forgedRoot = MerkleTree.root(Array(rewritten.prefix(first)))
                    #expect(
                        !MerkleTree.verifyConsistency(first: first, second: second, firstRoot: forgedRoot, secondRoot: secondRoot, proof: proof),
                        "forged \(first)→\(second)"
                    )
                }
                if !proof.isEmpty {
                    var forged = proof
                    forged[forged.count - 1] = MerkleTree.leafHash(Data("forged".utf8))
                    #expect(
                        !MerkleTree.verifyConsistency(first: first, second: second, firstRoot: firstRoot, secondRoot: secondRoot, proof: forged)
                    )
                }
            }
        }
        #expect(MerkleTree.consistencyProof(size: 0, leafHashes: all) == nil)
        #expect(MerkleTree.consistencyProof(size: 41, leafHashes: all) == nil)
    }

    @Test("every registration and change is logged, and the log verifies", arguments: TestEngine.available)
    func intact(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys)
            let items = try await TestDatabase.seedDemo(registry, count: 300)
            var renamed = items[5].entity
            renamed.name += "（变更）"
            _ = try await registry.register(renamed, reason: "名称变更")
            let log = TamperEvidentLog(database: db)
            let result = try await log.verify(pageSize: 64)  // several pages
            #expect(result.ok, "\(result)")
            #expect(result.size == 301)
            let again = try await log.verify()
            #expect(again.rootHash == result.rootHash, "the root does not depend on paging")
        }
    }

    @Test(
        "entries become visible in log order when transactions overlap: what a checkpoint saw stays a prefix",
        arguments: TestEngine.available,
        ["registration", "record"]
    )
    func overlappingAppends(_ engine: TestEngine, _ writer: String) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-05-11")!)
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock)
            let items = try await TestDatabase.seedDemo(registry, count: 3)
            try await registry.addDepartment(RecordStoreTests.tax)
            let records = try TestDatabase.recordStore(db, clock: clock)
            func entries() async throws -> [Int] {
                try await db.read { sql in
                    try await sql.raw("SELECT seq FROM log_entries ORDER BY seq").all().map { try $0.decode(column: "seq", as: Int.self) }
                }
            }
            // A registration change, or a record, starts after a first transaction that appended an entry and stays
            // open; it would commit first if nothing ordered them.
            var renamed = items[0].entity
            renamed.name += "（变更）"
            let penalty = RecordStoreTests.penalty(items[1].entity.code.rawValue, number: "济税罚〔2026〕9号", decidedOn: "2026-05-08")
            let outcome = RecordValidator.validate(penalty, catalogue: try Catalogue.bundled(), today: clock.today())
            let change = renamed
            let append: @Sendable (any SQLDatabase) async throws -> Void = { sql in
                try await WriterLock.log.take(sql)
                try await sql.raw(
                    """
                    INSERT INTO log_entries (kind, subject_id, version, leaf_hash, recorded_at)
                    VALUES ('entity', 999999, 1, \(bind: String(repeating: "ab", count: 32)), '2026-01-01T00:00:00.000Z')
                    """
                ).run()
            }
            let (second, seen) = try await TestDatabase.holding(db, append) { release in
                let second = Started {
                    writer == "registration"
                        ? try await registry.register(change, reason: "名称变更") == .updated
                        : try await records.submit(
                            departmentCode: RecordStoreTests.tax.code,
                            items: [SubmissionItem(index: 0, outcome: outcome, original: "")],
                            source: "api"
                        ).map(\.status) == [.accepted]
                }
                // Until the change waits for the log's lock (or, if nothing made it wait, has committed).
                try await TestDatabase.untilWaiting(db, count: 1, unlessEnded: [second.ended])
                let seen = try await entries()
                await release.open()
                return (second, seen)
            }
            #expect(try await second.value)
            let after = try await entries()
            #expect(after.count == 5)
            #expect(Array(after.prefix(seen.count)) == seen, "a checkpoint over \(seen) would not be a prefix of \(after)")
        }
    }

    @Test("an edit made directly in the database is caught and named", arguments: TestEngine.available)
    func tampered(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys)
            let items = try await TestDatabase.seedDemo(registry, count: 100)
            let victim = items[42].entity
            // MUT: someone with database access quietly renames a company's first registration.
            try await db.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE entity_versions SET name = '改过的名字有限公司'
                    WHERE entity_id = (SELECT id FROM entities WHERE code = \(bind: victim.code.rawValue)) AND version = 1
                    """
                ).run()
            }
            let result = try await TamperEvidentLog(database: db).verify()
            #expect(!result.ok)
            #expect(result.firstMismatch?.contains(victim.code.rawValue) == true, "\(result)")
            #expect(result.firstMismatch?.contains("entry 43") == true, "\(result)")
        }
    }

    @Test(
        "each step of a repair case is a leaf: the decision's reason rewritten in the database is caught and named",
        arguments: TestEngine.available
    )
    func caseStepTampered(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2027-01-18")!)
            let stores = try await TestDatabase.stores(db, clock: clock)
            let code = try #require(try await TestDatabase.seedDemo(stores.registry, count: 1).first).entity.code.rawValue
            let market = try #require(DemoCity.departments.first { $0.name.contains("市场监督管理") }).code
            let items = TestDatabase.items(
                [Builders.penalty(code, number: "济市监罚〔2026〕1015号", decidedOn: "2026-10-15")],
                catalogue: stores.catalogues.inForce(on: clock.today()),
                today: clock.today()
            )
            let recordID = try #require(try await stores.records.submit(departmentCode: market, items: items, source: "api").first?.id)
            let before = try await stores.log.size()
            let application = RepairApplication(items: [.init(recordId: recordID)], commitment: .init(accepted: true))
            let repair = try await stores.repairs.apply(entityCode: code, application, by: "申请人")
            _ = try await stores.repairs.decide(
                id: repair.id,
                RepairDecision(outcome: .rejected, reason: "罚款尚未缴清"),
                departmentCode: market,
                by: "审核员"
            )
            // Applied and decided: two leaves (the record's new version is not written by a rejection).
            #expect(try await stores.log.size() == before + 2)
            #expect(try await stores.log.verify(publicKey: nil).firstMismatch == nil)
            // MUT: someone with database access turns the rejection's reason into another.
            try await db.transaction { sql in
                try await sql.raw("UPDATE repair_events SET reason = '材料齐全，予以修复' WHERE case_id = \(bind: repair.id) AND seq = 2").run()
            }
            let result = try await stores.log.verify(publicKey: nil)
            #expect(result.firstMismatch?.contains("repair-event \(repair.id) v2") == true, "\(result)")
        }
    }

    @Test("a signed checkpoint catches a rewrite that also fixes up the leaf hash", arguments: TestEngine.available)
    func checkpointCatchesRewrite(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-26")!)
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock)
            let items = try await TestDatabase.seedDemo(registry, count: 50)
            let log = TamperEvidentLog(database: db)
            let signer = CheckpointSigner.ephemeral()
            let checkpoint = try await log.signCheckpoint(signer: signer, clock: clock)
            #expect(checkpoint.size == 50 && checkpoint.signatureIsValid)
            #expect(try await log.signCheckpoint(signer: signer, clock: clock) == checkpoint, "no new checkpoint while the log has not grown")
            #expect(try await log.verify(publicKey: signer.publicKey).ok)

            // A thorough forger edits the row and recomputes its leaf hash, so every leaf matches again…
            let victim = items[10].entity
            let forged = TamperEvidentLog.entityVersionLeaf(
                code: victim.code.rawValue,
                version: 1,
                name: "伪造的名字",
                kind: victim.kind.rawValue,
                status: victim.status.rawValue,
                region: victim.regionCode,
                division: victim.industryDivision,
                established: victim.establishedOn.description,
                representativeHMAC: TestDatabase.keys.index(victim.legalRepresentative.idNumber.rawValue),
                recordedAt: try await db.read { sql in
                    try await sql.raw("SELECT recorded_at FROM entity_versions WHERE version = 1 LIMIT 1").first()!
                        .decode(column: "recorded_at", as: String.self)
                },
                reason: "首次登记 / first registration"
            )
            try await db.transaction { sql in
                try await sql.raw("UPDATE entity_versions SET name = '伪造的名字' WHERE entity_id = 11 AND version = 1").run()
                try await sql.raw(
                    "UPDATE log_entries SET leaf_hash = \(bind: MerkleTree.hex(MerkleTree.leafHash(forged))) WHERE subject_id = 11"
                ).run()
            }
            // …but the signed root no longer matches.
            let result = try await log.verify(publicKey: signer.publicKey)
            #expect(result.firstMismatch?.contains("history was rewritten") == true, "\(result)")
            // A checkpoint signed by someone else's key is refused too.
            #expect(try await log.verify(publicKey: CheckpointSigner.ephemeral().publicKey).firstMismatch?.contains("unknown key") == true)
        }
    }

    @Test("a change made without the log, or a deleted row, is caught", arguments: TestEngine.available)
    func missing(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys)
            try await TestDatabase.seedDemo(registry, count: 20)
            try await db.transaction { sql in
                try await sql.raw("DELETE FROM log_entries WHERE seq = (SELECT max(seq) FROM log_entries)").run()
            }
            let unlogged = try await TamperEvidentLog(database: db).verify()
            #expect(unlogged.firstMismatch?.contains("without the log") == true, "\(unlogged)")

            try await db.transaction { sql in
                try await sql.raw("DELETE FROM entity_roles").run()
                try await sql.raw("DELETE FROM entity_versions WHERE version = 1 AND entity_id = (SELECT min(id) FROM entities)").run()
            }
            let deleted = try await TamperEvidentLog(database: db).verify()
            #expect(deleted.firstMismatch?.contains("entry 1 ") == true, "\(deleted)")
        }
    }
}
