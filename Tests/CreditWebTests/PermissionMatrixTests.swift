import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Permission on every route")
struct PermissionMatrixTests {
    @Test(
        "every route declares who may call it, and each route answers each role as the permission table says",
        arguments: TestEngine.available
    )
    func matrix(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            // setup: one account of each role, and an anonymous caller
            let clock = FixedClock(date: LocalDate("2026-11-26")!)
            let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock)
            let items = try await TestDatabase.seedDemo(registry, count: 5)
            let accounts = SQLAccountStore(database: db, clock: clock, passwordCost: 4)
            let department = DemoCity.departments[1].code
            let entity = items[0].entity.code.rawValue
            var callers: [(Principal?, String?)] = [(nil, nil)]
            for role in Role.allCases {
                let account = try await accounts.createAccount(
                    name: role.label,
                    role: role,
                    departmentCode: role.binding == .department ? department : nil,
                    entityCode: role.binding == .entity ? entity : nil
                )
                let token = try await accounts.issueToken(accountID: account.id, expiresAt: nil).token
                callers.append((try await accounts.authenticate(token: token), token))
            }
            let allCallers = callers
            // Anyone may sign in: the form posts the credentials of a real account.
            let signInForm = "login=matrix.admin&password=\(q("correct horse battery"))"
            try await accounts.setPassword(accountID: allCallers[1].0!.accountID, login: "matrix.admin", password: "correct horse battery")
            let csrf = String(repeating: "ab", count: 32)
            try await TamperEvidentLog(database: db).signCheckpoint(signer: .ephemeral(), clock: clock)
            let table = AccessTable()
            let dependencies = AppDependencies(stores: try await TestDatabase.stores(db, clock: clock))
            // A record of the department's own, for the routes that show one.
            let penalty = Builders.penalty(entity, number: "矩阵〔2026〕1号", content: "罚款", basis: "某法")
            let stored = try await dependencies.records.submit(
                departmentCode: department,
                items: [
                    SubmissionItem(
                        index: 0,
                        outcome: RecordValidator.validate(penalty, catalogue: dependencies.catalogue, today: clock.today()),
                        original: ""
                    )
                ],
                source: "api"
            )
            let recordID = try #require(stored.first?.id)
            let job = try await dependencies.imports.create(
                departmentCode: department,
                accountID: nil,
                category: "penalty",
                encoding: "auto",
                filename: "matrix.csv",
                sizeBytes: nil
            )
            let router = try await buildRouter(dependencies: dependencies, accessTable: table)
            let routes = router.routes.map { ($0.method, $0.path.description) }

            // validate: no route without a declaration
            for (method, path) in routes {
                #expect(table.access(method: method, path: path) != nil, "\(method) \(path) declares no access")
            }
            #expect(table.entries.count == routes.count)
            // validate: the router serves exactly the routes of the independent table
            let served = Set(routes.map { "\($0.0.rawValue) \($0.1)" })
            #expect(served.subtracting(PermissionTable.allowed.keys).sorted() == [], "routes missing from PermissionTable")
            #expect(Set(PermissionTable.allowed.keys).subtracting(served).sorted() == [], "PermissionTable names routes the router does not serve")

            // validate: each route × each caller
            let app = Application(router: router)
            try await app.test(.router) { client in
                for (method, path) in routes {
                    guard let allowed = PermissionTable.allowed["\(method.rawValue) \(path)"] else { continue }
                    // A valid request for each route: path parameters filled, required query parameters given.
                    let query =
                        [
                            "/api/v1/entities": "?q=\(q("济南"))", "/search": "?q=\(q("济南"))", "/api/v1/audit": "?purpose=matrix",
                            "/api/v1/audit/export": "?purpose=matrix", "/api/v1/log/consistency": "?from=1",
                        ][path] ?? ""
                    let uri =
                        path.replacingOccurrences(of: "{code}", with: entity).replacingOccurrences(of: "{file}", with: "site.css")
                        .replacingOccurrences(of: "{index}", with: "0").replacingOccurrences(
                            of: "{id}",
                            with: String(path.contains("imports") ? job.id : recordID)
                        ) + query
                    for (principal, token) in allCallers {
                        var headers: HTTPFields = [.cookie: "credit_csrf=\(csrf)", HTTPField.Name("X-CSRF-Token")!: csrf]
                        if let token { headers[.authorization] = "Bearer \(token)" }
                        var body = ByteBuffer()
                        if method == .post && path == "/login" {
                            headers[.contentType] = "application/x-www-form-urlencoded"
                            body = ByteBuffer(string: signInForm)
                        }
                        if method == .post && path == "/api/v1/records" {
                            headers[.contentType] = "application/json"
                            body = ByteBuffer(string: #"{"records": [{"category": "reward", "subjectName": "x"}]}"#)
                        }
                        let status = try await client.execute(uri: uri, method: method, headers: headers, body: body) { Int($0.status.code) }
                        let who = principal?.role.rawValue ?? "anonymous"
                        if allowed.contains(who) {
                            // Allowed: whatever the body's fate (these requests carry none or a dummy one), never refused.
                            #expect(status != 401 && status != 403 && status < 500, "\(method) \(path) as \(who): \(status)")
                        } else {
                            #expect(status == (principal == nil ? 401 : 403), "\(method) \(path) as \(who): \(status)")
                        }
                    }
                }
            }
        }
    }

    @Test("a wrong, malformed or revoked token is refused with 401 even where no token is needed")
    func badTokens() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, app in
            let account = try await app.accounts.createAccount(name: "订阅者", role: .subscriber, departmentCode: nil, entityCode: nil)
            let (token, info) = try await app.accounts.issueToken(accountID: account.id, expiresAt: nil)
            _ = try await app.accounts.revokeToken(id: info.id)
            for header in ["Bearer \(token)", "Bearer crd_" + String(repeating: "0", count: 64), "Basic dXNlcjpwYXNz", "Bearer"] {
                try await client.execute(uri: "/api/v1/departments", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header.prefix(12))")
                    let error = try errorBody(response.body)
                    #expect(error.code == "invalid_token")
                }
            }
            try await client.execute(uri: "/api/v1/accounts/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                let error = try errorBody(response.body)
                #expect(error.code == "unauthenticated")
            }
        }
    }

    @Test("/api/v1/accounts/me says who the token belongs to", arguments: TestEngine.available)
    func me(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 2) { client, app in
            let department = DemoCity.departments[2].code
            let (_, token) = try await app.clerk("税务科员", department: department)
            try await client.execute(uri: "/api/v1/accounts/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect(body["name"] as? String == "税务科员")
                #expect(body["role"] as? String == "department")
                #expect(body["departmentCode"] as? String == department)
                #expect(!response.body.text.contains(token))
            }
        }
    }
}
