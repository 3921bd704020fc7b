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
