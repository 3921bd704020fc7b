import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Account storage")
struct AccountStoreTests {
    static let department = try! CreditCode(validating: "11370100001042173U")

    /// A database with one department and one entity registered, for accounts to belong to.
    static func withRegistry(
        _ engine: TestEngine,
        _ body: (CreditDatabase, SQLAccountStore, FixedClock, [DemoCity.Item]) async throws -> Void
    )
        async throws
    {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-26")!)
            let items = try await TestDatabase.seedDemo(SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock), count: 5)
            try await body(db, SQLAccountStore(database: db, clock: clock), clock, items)
        }
    }

    @Test("each role is bound to what it must belong to, and only that", arguments: TestEngine.available)
    func bindings(_ engine: TestEngine) async throws {
        try await Self.withRegistry(engine) { _, store, _, items in
            let dept = DemoCity.departments[1].code
            let entity = items[0].entity.code.rawValue
            _ = try await store.createAccount(name: "管理员", role: .admin, departmentCode: nil, entityCode: nil)
            _ = try await store.createAccount(name: "科员", role: .department, departmentCode: dept, entityCode: nil)
            _ = try await store.createAccount(name: "企业", role: .entity, departmentCode: nil, entityCode: entity)
            let cases: [(Role, String?, String?, String)] = [
                (.department, nil, nil, "department_required"),
                (.inspector, nil, entity, "department_required"),
                (.entity, nil, nil, "entity_required"),
                (.admin, dept, nil, "no_binding_allowed"),
                (.department, "91350100M000100Y43", nil, "unknown_department"),
                (.entity, nil, "91350100M000100Y43", "unknown_entity"),
            ]
            for (role, d, e, code) in cases {
                await #expect(throws: AccountError.self) {
                    try await store.createAccount(name: "x", role: role, departmentCode: d, entityCode: e)
                }
                do {
                    _ = try await store.createAccount(name: "x", role: role, departmentCode: d, entityCode: e)
                } catch let error as AccountError {
                    #expect(error.code == code, "\(role)")
                }
            }
            let accounts = try await store.fetchAccounts()
            #expect(accounts.map(\.name) == ["管理员", "科员", "企业"], "refused requests created nothing")
        }
    }

    @Test("a token authenticates its account until it is revoked or expires", arguments: TestEngine.available)
    func tokens(_ engine: TestEngine) async throws {
        try await Self.withRegistry(engine) { _, store, clock, _ in
            let account = try await store.createAccount(
                name: "科员",
                role: .department,
                departmentCode: DemoCity.departments[1].code,
                entityCode: nil
            )
            let (token, info) = try await store.issueToken(accountID: account.id, expiresAt: nil)
            #expect(token.hasPrefix("crd_") && token.count == 68)
            #expect(token.hasPrefix(info.prefix))
            let principal = try await store.authenticate(token: token)
            #expect(principal == Principal(accountID: account.id, name: "科员", role: .department, departmentCode: DemoCity.departments[1].code))
            let altered = token.dropLast() + (token.hasSuffix("0") ? "1" : "0")  // one character different
            #expect(try await store.authenticate(token: String(altered)) == nil)
            #expect(try await store.authenticate(token: "crd_short") == nil)

            #expect(try await store.revokeToken(id: info.id))
            #expect(try await store.authenticate(token: token) == nil)
            #expect(try await store.revokeToken(id: info.id) == false, "revoking twice says so")

            let (expiring, _) = try await store.issueToken(accountID: account.id, expiresAt: clock.now().addingTimeInterval(3600))
            #expect(try await store.authenticate(token: expiring) != nil)
            clock.advance(by: 3601)
            #expect(try await store.authenticate(token: expiring) == nil)
            #expect(try await store.fetchTokens(accountID: account.id).count == 2)

            // A disabled account's tokens stop working at once; disabling twice says so.
            let (fresh, _) = try await store.issueToken(accountID: account.id, expiresAt: nil)
            #expect(try await store.authenticate(token: fresh) != nil)
            #expect(try await store.disableAccount(id: account.id))
            #expect(try await store.authenticate(token: fresh) == nil)
            #expect(try await store.disableAccount(id: account.id) == false)
            #expect(try await store.fetchAccounts().first { $0.id == account.id }?.disabledAt != nil)
        }
    }

    @Test("tokens are stored only as hashes", arguments: TestEngine.available)
    func storedAsHash(_ engine: TestEngine) async throws {
        try await Self.withRegistry(engine) { db, store, _, _ in
            let account = try await store.createAccount(name: "审批员", role: .approver, departmentCode: nil, entityCode: nil)
            let (token, _) = try await store.issueToken(accountID: account.id, expiresAt: nil)
            let secret = String(token.dropFirst(4))
            let rows = try await db.read { sql in
                try await sql.raw("SELECT token_hash, prefix FROM api_tokens").all().map {
                    try $0.decode(column: "token_hash", as: String.self) + " " + $0.decode(column: "prefix", as: String.self)
                }
            }
            #expect(rows.count == 1)
            #expect(!rows[0].contains(secret))
            #expect(!rows[0].contains(String(secret.suffix(56))), "at most the 8-character prefix is stored in clear")
        }
    }
}
