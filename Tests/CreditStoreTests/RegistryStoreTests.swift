import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

/// The storage conformance suite of the registry: every test runs on each available engine.
@Suite("Registry storage")
struct RegistryStoreTests {
    static let clock = FixedClock(date: LocalDate("2026-11-26")!)

    @Test("migrations are recorded by name and running them again changes nothing", arguments: TestEngine.available)
    func migrations(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { db in
            let first = try await db.migrate()
            #expect(first.count == Migration.all.count - 1)
            #expect(first.contains("create the registry of persons, entities, their versions and roles"))
            #expect(try await db.migrate().isEmpty)
        }
    }

    @Test(
        "the same registration sent twice at the same moment is stored once; two new entities of one new person share the person",
        arguments: TestEngine.available
    )
    func simultaneousRegistrations(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: Self.clock)
            for round in 0..<10 {
                let person = Person(idNumber: IdentityNumber.completing("1101051980010101\(round)")!, name: "王\(round)")
                let a = try RegistryConformance.entity(CreditCode.completing("91370102MA7TA00\(round)0")!.rawValue, "甲\(round)有限公司", rep: person)
                let b = try RegistryConformance.entity(CreditCode.completing("91370102MA7TA00\(round)1")!.rawValue, "乙\(round)有限公司", rep: person)
                async let first = registry.register(a, reason: nil)
                async let second = registry.register(a, reason: nil)
                async let third = registry.register(b, reason: nil)
                let outcomes = try await [first, second, third]
                #expect(Set(outcomes[0...1]) == [.accepted, .unchanged] && outcomes[2] == .accepted, "round \(round): \(outcomes)")
            }
            let persons = try await db.read { sql in
                try await sql.raw("SELECT count(*) AS n FROM persons").first()!.decode(column: "n", as: Int.self)
            }
            #expect(persons == 10)
            #expect(try await TamperEvidentLog(database: db).verify().ok)
        }
    }

    @Test("Chinese substrings of 2, 3 and 4+ characters find the same names on both engines", arguments: TestEngine.available)
    func chineseSearch(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: Self.clock)
            let names = ["济南泉城食品有限公司", "济南历下泉水餐饮管理有限公司", "山东鲁能城建有限公司", "济南市历城区老王面馆"]
            let codes = ["9144030071526726XG", "91440300708461136T", "91330100799655058B", "91110108551385082Q"]
            for (code, name) in zip(codes, names) {
                _ = try await registry.register(try RegistryConformance.entity(code, name, rep: RegistryConformance.zhang), reason: nil)
            }
            func find(_ fragment: String) async throws -> [String] {
                try await registry.searchEntities(.init(term: .nameFragment(NameSearch.normalize(fragment)), page: 1, size: 20)).items.map(\.name)
            }
            #expect(try await find("泉城") == ["济南泉城食品有限公司"])
            #expect(try await find("历下泉") == ["济南历下泉水餐饮管理有限公司"])
            #expect(try await find("济南").count == 3)
            #expect(try await find("有限公司").count == 3)
            #expect(try await find("城建有限") == ["山东鲁能城建有限公司"])
            #expect(try await find("老王面馆") == ["济南市历城区老王面馆"])
            #expect(try await find("泉食").isEmpty, "not a substring, although both characters occur")
            #expect(try await find("面馆济南").isEmpty, "grams in the wrong order do not match")
        }
    }

    @Test("every search plan (probe, walk, index) gives the exact answer", arguments: TestEngine.available)
    func searchPlans(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            // A small probe and count limits make a 1,500-entity city exercise every branch of the PostgreSQL plan.
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: Self.clock, probeRows: 100)
            let items = try await TestDatabase.seedDemo(registry, count: 1500, seed: 21)
            try await registry.refreshStatistics()
            let rare = NameSearch.normalize(items[1234].entity.name)
            let fragments = ["有限", "济南", "有限责任", "合作社", "小吃", String(rare.dropFirst(2).prefix(3)), "不存在的名字"]
            for fragment in fragments {
                let expected = items.filter { NameSearch.normalize($0.entity.name).contains(fragment) }.map(\.entity.code)
                for limit in [5, 12, 25, 40, 70, 2000] {
                    for page in [1, 2, 8] {
                        let result = try await registry.searchEntities(
                            .init(term: .nameFragment(fragment), page: page, size: 10, countLimit: limit)
                        )
                        #expect(
                            result.items.map(\.code) == Array(expected.dropFirst((page - 1) * 10).prefix(10)),
                            "\(fragment) limit \(limit) page \(page)"
                        )
                        #expect(result.totalIsLowerBound == (expected.count > limit), "\(fragment) limit \(limit)")
                        #expect(result.total == min(expected.count, limit), "\(fragment) limit \(limit)")
                    }
                }
            }
        }
    }

    @Test("bulk registration stores persons once even when they represent several entities", arguments: TestEngine.available)
    func bulkSharedPersons(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: Self.clock)
            let items = try await TestDatabase.seedDemo(registry, count: 3000, seed: 11)
            let counts = Dictionary(grouping: items, by: \.entity.legalRepresentative.idNumber).mapValues(\.count)
            let serial = try #require(counts.first { $0.value > 1 })
            let theirs = items.filter { $0.entity.legalRepresentative.idNumber == serial.key }
            for item in theirs {
                #expect(try await registry.fetchEntity(code: item.entity.code)?.legalRepresentativeName == item.entity.legalRepresentative.name)
            }
            let persons = try await db.read { sql in try await sql.raw("SELECT count(*) AS n FROM persons").first()!.decode(column: "n", as: Int.self)
            }
            #expect(persons == Set(items.flatMap { $0.newPersons.map(\.idNumber) }).count)
        }
    }

    @Test(
        "registrations stored as one batch leave what storing them one by one leaves: outcomes, versions, roles, log",
        arguments: TestEngine.available
    )
    func batchEqualsOneByOne(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: Self.clock)
            func person(_ n: Int, _ name: String) -> Person { Person(idNumber: IdentityNumber.completing("3701021980020200\(n)")!, name: name) }
            let (p1, p2, p3, q1, q2) = (person(1, "孙一"), person(2, "周二"), person(3, "吴三"), person(4, "郑四"), person(5, "冯五"))
            // The same story twice, about two sets of codes: "A…" stored in one batch, "B…" one registration at a time.
            func story(_ prefix: String) throws -> (old: Entity, batch: [EntityRegistration]) {
                func code(_ n: Int) throws -> String { try #require(CreditCode.completing("91370102MA7\(prefix)0000\(n)")).rawValue }
                let x = try RegistryConformance.entity(code(1), "济南\(prefix)甲有限公司", rep: p1)
                let y = try RegistryConformance.entity(code(2), "济南\(prefix)乙有限公司", rep: p2)
                let z = try RegistryConformance.entity(code(3), "济南\(prefix)丙有限公司", rep: p2)
                var (x2, x3, y2, z2) = (x, x, y, z)
                x2.legalRepresentative = p3
                x3.legalRepresentative = p1
                y2.name = "济南\(prefix)乙更名有限公司"
                z2.legalRepresentative = p1
                return (
                    z,
                    [
                        EntityRegistration(entity: x, roles: [(.principal, q1)], reason: nil),  // new, with a principal
                        EntityRegistration(entity: y, roles: [], reason: nil),  // new
                        EntityRegistration(entity: x, roles: [(.principal, q1)], reason: nil),  // the same again
                        EntityRegistration(entity: x2, roles: [], reason: "法定代表人变更"),  // a representative of this batch ends
                        EntityRegistration(entity: x3, roles: [], reason: "法定代表人变更"),  // and the one just named ends too
                        EntityRegistration(entity: y2, roles: [(.actualController, q2)], reason: "名称变更"),
                        EntityRegistration(entity: z2, roles: [], reason: "法定代表人变更"),  // a stored representative ends
                        EntityRegistration(entity: z2, roles: [(.principal, q1)], reason: nil),  // same facts, a new role
                    ]
                )
            }
            let (a, b) = (try story("A"), try story("B"))
            #expect(try await registry.register(a.old, reason: nil) == .accepted)
            #expect(try await registry.register(b.old, reason: nil) == .accepted)
            let batched = try await registry.apply(a.batch)
            var oneByOne: [RegistrationOutcome] = []
            for registration in b.batch { oneByOne.append(try await registry.apply(registration)) }
            #expect(batched == [.accepted, .accepted, .unchanged, .updated, .updated, .updated, .updated, .updated])
            #expect(oneByOne == batched)

            for (codeA, codeB) in zip([a.batch[0], a.batch[1], a.batch[6]], [b.batch[0], b.batch[1], b.batch[6]]).map({
                ($0.entity.code, $1.entity.code)
            }) {
                let (versionsA, versionsB) = (try await registry.fetchVersions(code: codeA), try await registry.fetchVersions(code: codeB))
                #expect(versionsA.map(\.version) == versionsB.map(\.version))
                #expect(versionsA.map(\.legalRepresentativeName) == versionsB.map(\.legalRepresentativeName))
                #expect(versionsA.map(\.reason) == versionsB.map(\.reason))
                let (rolesA, rolesB) = (try await registry.fetchRoles(code: codeA), try await registry.fetchRoles(code: codeB))
                #expect(
                    rolesA.map { "\($0.role.rawValue) \($0.name) \($0.startsOn) \($0.endsOn?.description ?? "-")" }
                        == rolesB.map { "\($0.role.rawValue) \($0.name) \($0.startsOn) \($0.endsOn?.description ?? "-")" }
                )
            }
            // What a user of the entity file sees for the first code: P1 again, with P3's day in between.
            let roles = try await registry.fetchRoles(code: a.batch[0].entity.code)
            #expect(
                roles.map { "\($0.name) \($0.startsOn) \($0.endsOn?.description ?? "-")" } == [
                    "孙一 2015-06-01 2026-11-26", "郑四 2026-11-26 -", "吴三 2026-11-26 2026-11-26", "孙一 2026-11-26 -",
                ]
            )
            #expect(try await registry.fetchVersions(code: a.batch[0].entity.code).map(\.version) == [1, 2, 3])
            #expect(try await registry.fetchEntity(code: a.batch[1].entity.code)?.name == "济南A乙更名有限公司")
            #expect(try await registry.searchEntities(.init(term: .nameFragment(NameSearch.normalize("A乙更名")), page: 1, size: 10)).total == 1)
            // Another 郑四 (another identity number) may be named principal beside the first.
            let twin = Person(idNumber: IdentityNumber.completing("37010219800202009")!, name: "郑四")
            let x = a.batch[4].entity
            #expect(try await registry.apply(EntityRegistration(entity: x, roles: [(.principal, twin)], reason: nil)) == .updated)
            #expect(try await registry.fetchRoles(code: x.code).filter { $0.role == .principal && $0.endsOn == nil }.map(\.name) == ["郑四", "郑四"])
            // Every version is a leaf, in the order of the story (x1 y1 x2 x3 y2 z2 after each set's first z), and the log verifies.
            let versions = try await db.read { sql in
                try await sql.raw("SELECT version FROM log_entries ORDER BY seq").all().map { try $0.decode(column: "version", as: Int.self) }
            }
            #expect(versions == [1, 1] + [1, 1, 2, 3, 2, 2] + [1, 1, 2, 3, 2, 2])
            let log = try await TamperEvidentLog(database: db).verify()
            #expect(log.ok && log.size == 14, "\(log)")
        }
    }
}

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test("sqlite and postgres URLs parse; the password is hidden when printed")
    func parse() throws {
        #expect(try DatabaseURL(parsing: "sqlite:data/credit.sqlite") == .sqlite(path: "data/credit.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite:///tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
        let pg = try DatabaseURL(parsing: "postgres://credit:s3cret@127.0.0.1:5544/city")
        #expect(pg == .postgres(host: "127.0.0.1", port: 5544, username: "credit", password: "s3cret", database: "city"))
        #expect(!pg.description.contains("s3cret"))
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "mysql://x") }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL(parsing: "sqlite:") }
    }
}
