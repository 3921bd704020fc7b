import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Personal data at rest")
struct PersonalDataTests {
    static func key(_ byte: UInt8) -> Data { Data(repeating: byte, count: 32) }

    @Test("a sealed identity number opens again, never shows the number, and differs every time")
    func sealAndOpen() throws {
        let keys = try PersonalDataKeys(encryptionKeys: [("k1", Self.key(1))], indexKey: Self.key(9))
        let a = try keys.seal("11010519491231002X")
        let b = try keys.seal("11010519491231002X")
        #expect(a.hasPrefix("k1:") && a != b)
        #expect(!a.contains("19491231"))
        #expect(try keys.open(a) == "11010519491231002X")
    }

    @Test("after rotation, values sealed under the old key still open and new ones use the new key")
    func rotation() throws {
        let old = try PersonalDataKeys(encryptionKeys: [("k1", Self.key(1))], indexKey: Self.key(9))
        let sealed = try old.seal("440524188001010014")
        let rotated = try PersonalDataKeys(encryptionKeys: [("k2", Self.key(2)), ("k1", Self.key(1))], indexKey: Self.key(9))
        #expect(try rotated.open(sealed) == "440524188001010014")
        #expect(try rotated.seal("x").hasPrefix("k2:"))
        #expect(rotated.index("440524188001010014") == old.index("440524188001010014"), "the index key does not rotate")
        let stranger = try PersonalDataKeys(encryptionKeys: [("k3", Self.key(3))], indexKey: Self.key(8))
        #expect(throws: (any Error).self) { try stranger.open(sealed) }
        #expect(stranger.index("440524188001010014") != old.index("440524188001010014"))
    }

    @Test("re-encryption moves every sealed value to the active key, so the old key can be retired", arguments: TestEngine.available)
    func reencryption(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let old = try PersonalDataKeys(encryptionKeys: [("k1", Self.key(1))], indexKey: Self.key(9))
            let items = try await TestDatabase.seedDemo(SQLRegistryStore(database: db, keys: old), count: 40)
            let accounts = SQLAccountStore(database: db, keys: old, passwordCost: 4)
            let account = try await accounts.createAccount(name: "管理员", role: .admin, departmentCode: nil, entityCode: nil)
            _ = try await accounts.enableTOTP(accountID: account.id)

            // A rejected row sealed under k1, and one stored before rejected rows were sealed.
            let departments = SQLRegistryStore(database: db, keys: old)
            try await departments.addDepartment(DemoCity.departments[2])
            let records = try TestDatabase.recordStore(db, keys: old)
            _ = try await records.submit(
                departmentCode: DemoCity.departments[2].code,
                items: [
                    SubmissionItem(
                        index: 0,
                        outcome: .failure(
                            RecordProblems([FieldProblem(field: "decidedOn", value: "2099-01-01", code: "future_date", message: "晚于今天")])
                        ),
                        original: "张三,11010519491231002X,2099-01-01",
                        fields: ["subjectIdNumber": "11010519491231002X"]
                    )
                ],
                source: "file"
            )
            try await db.transaction { sql in
                try await sql.raw(
                    """
                    INSERT INTO rejections (department_code, received_at, source, position, original, problems, fields, sealed)
                    VALUES (\(bind: DemoCity.departments[2].code), '2026-01-01T00:00:00.000Z', 'file', 3, '李四,440524188001010014', '[]', '{}', 0)
                    """
                ).run()
            }

            let rotated = try PersonalDataKeys(encryptionKeys: [("k2", Self.key(2)), ("k1", Self.key(1))], indexKey: Self.key(9))
            let persons = try await db.read { sql in
                try await sql.raw("SELECT count(*) AS n FROM persons").first()!.decode(column: "n", as: Int.self)
            }
            let reports = ProgressLog()
            let count = try await PersonalDataReencryption(database: db, keys: rotated).run(batchSize: 7) { column, done in
                reports.add("\(column) \(done)")
            }
            #expect(count == 2 * persons + 1 + 4, "identity numbers, phone numbers, the TOTP secret, two rejected rows and their fields")
            #expect(reports.lines.count > 2)
            #expect(try await PersonalDataReencryption(database: db, keys: rotated).run() == 0, "a second run has nothing to do")

            // Every value is now under k2 and opens with k2 alone: k1 can go.
            let retired = try PersonalDataKeys(encryptionKeys: [("k2", Self.key(2))], indexKey: Self.key(9))
            let sealed = try await db.read { sql in
                try await sql.raw(
                    "SELECT id_number_enc AS v FROM persons UNION ALL SELECT phone_enc FROM persons UNION ALL SELECT totp_secret_enc FROM accounts"
                ).all()
                    .compactMap { try $0.decode(column: "v", as: String?.self) }
            }
            #expect(sealed.count == 2 * persons + 1)
            #expect(sealed.allSatisfy { PersonalDataKeys.keyID(of: $0) == "k2" })
            let numbers = Set(try sealed.map { try retired.open($0) })
            #expect(numbers.contains(items[0].newPersons[0].idNumber.rawValue))
            let queue = try await TestDatabase.recordStore(db, keys: retired).rejections(departmentCode: DemoCity.departments[2].code, limit: 5)
            #expect(Set(queue.map(\.original)) == ["张三,11010519491231002X,2099-01-01", "李四,440524188001010014"])
            let rows = try await db.read { sql in
                try await sql.raw("SELECT original || fields AS v FROM rejections WHERE sealed = 1").all().map {
                    try $0.decode(column: "v", as: String.self)
                }
            }
            #expect(rows.count == 2 && rows.allSatisfy { !$0.contains("11010519491231002X") && !$0.contains("440524188001010014") })
            // The index did not change: people are found as before, and the log still verifies.
            #expect(try await TamperEvidentLog(database: db).verify().ok)
        }
    }

    @Test("keys come from the environment in production; a half-set or malformed environment is refused")
    func environment() throws {
        let k = Self.key(5).base64EncodedString()
        let keys = try #require(try PersonalDataKeys(environment: ["CREDIT_DATA_KEYS": "new=\(k),old=\(k)", "CREDIT_INDEX_KEY": k]))
        #expect(keys.activeKeyID == "new")
        #expect(try PersonalDataKeys(environment: [:]) == nil)
        #expect(throws: PersonalDataKeys.Invalid.self) { try PersonalDataKeys(environment: ["CREDIT_DATA_KEYS": "k1=\(k)"]) }
        #expect(throws: PersonalDataKeys.Invalid.self) {
            try PersonalDataKeys(environment: ["CREDIT_DATA_KEYS": "k1=not-base64!", "CREDIT_INDEX_KEY": k])
        }
        #expect(throws: PersonalDataKeys.Invalid.self) {
            try PersonalDataKeys(environment: ["CREDIT_DATA_KEYS": "k1=\(Data(count: 16).base64EncodedString())", "CREDIT_INDEX_KEY": k])
        }
    }

    @Test("the development key file is created private and read back the same")
    func keyFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let (first, created) = try PersonalDataKeys.loadOrCreate(file: file)
        let (second, createdAgain) = try PersonalDataKeys.loadOrCreate(file: file)
        #expect(created && !createdAgain)
        #expect(try second.open(try first.seal("110105194912310020")) == "110105194912310020")
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test("a dump of every table reveals no identity or phone number", arguments: TestEngine.available)
    func dumpRevealsNothing(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            // setup: a city whose persons we know, and one registered by hand
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys)
            let items = try await TestDatabase.seedDemo(registry, count: 200)
            let known = Person(
                idNumber: try IdentityNumber(validating: "11010519491231002X"),
                name: "张三",
                phone: try PhoneNumber(validating: "+86 139-0531-7788")
            )
            _ = try await registry.register(
                Entity(
                    code: try CreditCode(validating: "91350100M000100Y43"),
                    name: "福州测试有限公司",
                    kind: .enterprise,
                    status: .operating,
                    regionCode: "370102",
                    industryDivision: "65",
                    establishedOn: LocalDate("2020-01-01")!,
                    legalRepresentative: known
                ),
                reason: nil
            )
            let numbers = Set(items.flatMap { $0.newPersons.map(\.idNumber.rawValue) } + [known.idNumber.rawValue])
            // A refused row about the known person, kept as sent (its number and phone in the text and the fields).
            try await registry.addDepartment(DemoCity.departments[2])
            let records = try TestDatabase.recordStore(db)
            let refused = try await records.submit(
                departmentCode: DemoCity.departments[2].code,
                items: [
                    SubmissionItem(
                        index: 2,
                        outcome: .failure(
                            RecordProblems([FieldProblem(field: "decidedOn", value: "2099-01-01", code: "future_date", message: "晚于今天")])
                        ),
                        original: "张三,\(known.idNumber.rawValue),13905317788,2099-01-01",
                        fields: ["subjectIdNumber": known.idNumber.rawValue, "phone": "13905317788"]
                    )
                ],
                source: "file"
            )
            #expect(refused.map(\.status) == [.rejected])

            // MUT: dump everything
            let dump = try await Self.dump(db)

            // validate
            #expect(dump.count > 10_000, "the dump holds the data")
            #expect(dump.contains("张三") && dump.contains(known.idNumber.masked), "names and masked numbers are there")
            let leaked = numbers.filter { dump.contains($0) || dump.contains(String($0.prefix(14))) }
            #expect(leaked.isEmpty, "\(leaked.count) identity numbers readable in a dump")
            let phones = Set(items.flatMap { $0.newPersons.compactMap(\.phone?.rawValue) } + ["13905317788"])
            #expect(phones.count > 100, "the demo persons have phone numbers")
            #expect(dump.contains("139****7788"), "the masked phone is there")
            let leakedPhones = phones.filter { dump.contains($0) || dump.contains(String($0.prefix(8))) }
            #expect(leakedPhones.isEmpty, "\(leakedPhones.count) phone numbers readable in a dump")
            // …and yet each stored number opens with the keys.
            let sealed = try await db.read { sql in
                try await sql.raw("SELECT id_number_enc FROM persons").all().map { try $0.decode(column: "id_number_enc", as: String.self) }
            }
            #expect(Set(try sealed.map { try TestDatabase.keys.open($0) }) == numbers)
            let sealedPhones = try await db.read { sql in
                try await sql.raw("SELECT phone_enc FROM persons WHERE phone_enc IS NOT NULL").all()
                    .map { try $0.decode(column: "phone_enc", as: String.self) }
            }
            #expect(Set(try sealedPhones.map { try TestDatabase.keys.open($0) }) == phones)
        }
    }

    /// Every row of every table as text: the database file itself for SQLite, JSON rows for PostgreSQL.
    static func dump(_ db: CreditDatabase) async throws -> String {
        switch db.url {
        case .sqlite(let path):
            // The main file and the write-ahead log together hold every page.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes.append(wal) }
            return String(decoding: bytes, as: UTF8.self)
        case .postgres:
            return try await db.read { sql in
                let tables = try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").all()
                    .map { try $0.decode(column: "tablename", as: String.self) }
                var text = ""
                for table in tables {
                    for row in try await sql.raw("SELECT row_to_json(t)::text AS j FROM \(ident: table) t").all() {
                        text += try row.decode(column: "j", as: String.self) + "\n"
                    }
                }
                return text
            }
        }
    }
}

/// Collects progress lines from a `@Sendable` callback.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func add(_ line: String) { lock.withLock { storage.append(line) } }
    var lines: [String] { lock.withLock { storage } }
}
