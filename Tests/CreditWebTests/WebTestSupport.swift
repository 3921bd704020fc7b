import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// What a web test is given: the application's stores over a fresh database, the demo city's first entities, a
/// credit-office account that can sign in (`office` / `TestApp.password`) and a tax-bureau clerk with an API token.
struct TestApp: Sendable {
    /// The credit office's password in every test app.
    static let password = "correct horse battery"

    let db: CreditDatabase
    let stores: CreditStores
    let clock: FixedClock
    let items: [DemoCity.Item]
    let office: Account
    let officeToken: String
    let departmentToken: String

    var accounts: any AccountStore { stores.accounts }
    /// The first demo entity's credit code.
    var entityCode: String { items[0].entity.code.rawValue }

    /// A new clerk of a department (by default the tax bureau, the department of `departmentToken`) and an API
    /// token of theirs.
    func clerk(_ name: String, department: String = DemoCity.departments[2].code) async throws -> (account: Account, token: String) {
        let account = try await accounts.createAccount(name: name, role: .department, departmentCode: department, entityCode: nil)
        return (account, try await accounts.issueToken(accountID: account.id, expiresAt: nil).token)
    }
}

/// The one way a web test builds the platform: the real application over a fresh database seeded with the first
/// `entities` of the demo city and the accounts of ``TestApp``, run against `body` in process (no socket), or over
/// a real socket with `testing: .live`.
func withTestApp(
    _ engine: TestEngine,
    entities: Int = 300,
    clock: FixedClock = FixedClock(date: LocalDate("2026-11-26")!),
    logs: CollectingLogHandler? = nil,
    configuration: AppConfiguration = AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: nil),
    testing: TestingSetup = .router,
    _ body: @escaping @Sendable (any TestClientProtocol, TestApp) async throws -> Void
) async throws {
    try await TestDatabase.with(engine) { db in
        let stores = try await TestDatabase.stores(db, clock: clock)
        let items = try await TestDatabase.seedDemo(stores.registry, count: entities)
        let accounts = stores.accounts
        let office = try await accounts.createAccount(name: "信用办 王五", role: .creditOffice, departmentCode: nil, entityCode: nil)
        try await accounts.setPassword(accountID: office.id, login: "office", password: TestApp.password)
        let clerk = try await accounts.createAccount(
            name: "税务科员",
            role: .department,
            departmentCode: DemoCity.departments[2].code,
            entityCode: nil
        )
        let app = TestApp(
            db: db,
            stores: stores,
            clock: clock,
            items: items,
            office: office,
            officeToken: try await accounts.issueToken(accountID: office.id, expiresAt: nil).token,
            departmentToken: try await accounts.issueToken(accountID: clerk.id, expiresAt: nil).token
        )
        var logger = Logger(label: "credit-web-test") { _ in logs ?? CollectingLogHandler() }
        logger.logLevel = .trace
        let application = try await buildApplication(
            configuration: configuration,
            dependencies: AppDependencies(stores: stores),
            logger: logger
        )
        try await application.test(testing) { client in try await body(client, app) }
    }
}

extension ByteBuffer {
    /// The body decoded as JSON.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(self.readableBytesView)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }

    var text: String { String(buffer: self) }
}

/// The `error` object of a JSON error body.
func errorBody(_ buffer: ByteBuffer) throws -> (code: String, message: String) {
    let error = try buffer.json()["error"] as? [String: Any]
    return (error?["code"] as? String ?? "", error?["message"] as? String ?? "")
}

/// Percent-encodes a query value.
func q(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}
