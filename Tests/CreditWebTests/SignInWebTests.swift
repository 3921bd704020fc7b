import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLKit
import Testing

/// A browser's cookie jar, as far as these tests need one.
struct Jar {
    var cookies: [String: String] = [:]

    mutating func take(_ response: TestResponse) {
        for line in response.headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = pair.count > 1 ? String(pair[1]) : ""
            cookies[String(pair[0])] = value.isEmpty ? nil : value
        }
    }

    var header: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
}

/// The value of a hidden `csrf` field in a page.
func csrfField(_ html: String) -> String? {
    guard let range = html.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression) else { return nil }
    return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
}

func form(_ fields: [String: String]) -> ByteBuffer {
    ByteBuffer(string: fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(q($0.value))" }.joined(separator: "&"))
}

@Suite("Signing in on the pages, CSRF and the audit log over HTTP")
struct SignInWebTests {
    static let password = TestApp.password
    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test("sign in, see the account page, sign out: the session ends on the server", arguments: TestEngine.available)
    func signInAndOut(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            var jar = Jar()
            // The sign-in page sets the visitor's CSRF cookie and puts the same token in the form.
            let token = try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                jar.take(response)
                #expect(response.headers[values: .setCookie].first?.contains("HttpOnly") == true)
                return csrfField(response.body.text)
            }
            #expect(token != nil && token == jar.cookies["credit_csrf"])

            var headers = Self.formType
            headers[.cookie] = jar.header
            // Wrong password: 401, the form again with a message, no session.
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: headers,
                body: form(["csrf": token!, "login": "office", "password": "wrong password!"])
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.text.contains("登录名、密码或动态口令不正确"))
                #expect(response.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("credit_session=") })
            }
            // Right password: a session cookie (HttpOnly, SameSite=Lax; not Secure over plain HTTP) and a redirect.
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: headers,
                body: form(["csrf": token!, "login": "office", "password": Self.password, "next": "/account"])
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/account")
                let cookie = response.headers[values: .setCookie].first { $0.hasPrefix("credit_session=crs_") }
                #expect(cookie?.contains("HttpOnly") == true)
                #expect(cookie?.contains("SameSite=Lax") == true)
                #expect(cookie?.contains("Secure") == false)
                jar.take(response)
            }
            headers[.cookie] = jar.header
            let sessionCSRF = try await client.execute(uri: "/account", method: .get, headers: [.cookie: jar.header]) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("信用办 王五"))
                #expect(response.body.text.contains("id=\"logout-form\""))
                return csrfField(response.body.text)
            }
            #expect(sessionCSRF != nil && sessionCSRF != token)
            // Signing out without the session's CSRF token is refused and ends nothing.
            for wrong in [token!, String(repeating: "0", count: 64)] {
                try await client.execute(uri: "/logout", method: .post, headers: headers, body: form(["csrf": wrong])) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.body.text.contains("表单已过期或来源不明"))
                }
            }
            try await client.execute(uri: "/account", method: .get, headers: [.cookie: jar.header]) { #expect($0.status == .ok) }
            let session = jar.cookies["credit_session"]!
            try await client.execute(uri: "/logout", method: .post, headers: headers, body: form(["csrf": sessionCSRF!])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login?ended=1")
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("credit_session=;") && $0.contains("Max-Age=0") })
            }
            // The old cookie, replayed, no longer works: the session ended on the server.
            #expect(try await fixture.accounts.session(token: session) == nil)
            try await client.execute(uri: "/account", method: .get, headers: [.cookie: "credit_session=\(session)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("credit_session=;") })
            }
            // Sign-in, its failure and sign-out are in the audit log.
            let actions = try await SQLAuditTrail(database: fixture.db).search(AuditQuery(), page: 1, size: 50).items.map(\.action)
            #expect(actions.contains(.signIn) && actions.contains(.signInFailed) && actions.contains(.signOut))
            #expect(actions.filter { $0 == .refused }.count == 3)  // two forged sign-outs, one dead session
        }
    }

    @Test("an API change without any credentials is 401 unauthenticated; with a session cookie it still needs the CSRF token")
    func apiWithoutCredentials() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, app in
            let batch = ByteBuffer(string: #"{"records": []}"#)
            let json: HTTPFields = [.contentType: "application/json"]
            try await client.execute(uri: "/api/v1/records", method: .post, headers: json, body: batch) { response in
                #expect(response.status == .unauthorized)
                let error = try errorBody(response.body)
                #expect(error.code == "unauthenticated")
            }
            // A signed-in browser's cookie is ambient: without the session's CSRF token the change is refused.
            let (session, _) = try await app.accounts.startSession(accountID: app.office.id)
            var cookie = json
            cookie[.cookie] = "credit_session=\(session)"
            try await client.execute(uri: "/api/v1/records", method: .post, headers: cookie, body: batch) { response in
                #expect(response.status == .forbidden)
                let error = try errorBody(response.body)
                #expect(error.code == "csrf_failed")
            }
            #expect(try await app.stores.records.departmentRecords(DemoCity.departments[2].code, .init(), page: 1, size: 10).total == 0)
        }
    }

    @Test("a form posted without the CSRF token is refused, audited, and signs no one in", arguments: TestEngine.available)
    func csrf(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let credentials = ["login": "office", "password": Self.password]
            // No cookie at all (a form on another site), a cookie without the field, and a mismatch.
            let attempts: [(String?, String?)] = [
                (nil, nil), (String(repeating: "a", count: 64), nil), (String(repeating: "a", count: 64), String(repeating: "b", count: 64)),
            ]
            for (cookie, field) in attempts {
                var headers = Self.formType
                if let cookie { headers[.cookie] = "credit_csrf=\(cookie)" }
                var fields = credentials
                fields["csrf"] = field
                try await client.execute(uri: "/login", method: .post, headers: headers, body: form(fields)) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("credit_session=") })
                }
            }
            let audit = try await SQLAuditTrail(database: fixture.db).search(AuditQuery(action: .refused), page: 1, size: 10)
            #expect(audit.total == 3)
            #expect(audit.items.allSatisfy { $0.outcome == "csrf_failed" && $0.status == 403 })
            // The header works as well as the field (for scripts on our own pages).
            let cookie = String(repeating: "c", count: 64)
            var headers = Self.formType
            headers[.cookie] = "credit_csrf=\(cookie)"
            headers[HTTPField.Name("X-CSRF-Token")!] = cookie
            try await client.execute(uri: "/login", method: .post, headers: headers, body: form(credentials)) { response in
                #expect(response.status == .seeOther)
            }
        }
    }

    @Test("a forged or ended session cookie gets 401 everywhere, clears itself, and is audited", arguments: TestEngine.available)
    func forgedSession(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let (ended, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            _ = try await fixture.accounts.endSession(token: ended)
            for cookie in ["crs_" + String(repeating: "1", count: 64), ended, "'; DROP TABLE sessions; --"] {
                try await client.execute(uri: "/api/v1/departments", method: .get, headers: [.cookie: "credit_session=\(cookie)"]) { response in
                    #expect(response.status == .unauthorized)
                    let error = try errorBody(response.body)
                    #expect(error.code == "invalid_session")
                    #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("credit_session=;") })
                }
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "credit_session=\(ended)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.text.contains("会话无效或已过期"))
            }
            let refused = try await SQLAuditTrail(database: fixture.db).search(AuditQuery(action: .refused), page: 1, size: 10)
            #expect(refused.total == 4)
            #expect(refused.items.allSatisfy { $0.outcome == "invalid_session" })
            #expect(
                try await fixture.db.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM sessions").first()!.decode(column: "n", as: Int.self)
                } == 1
            )
        }
    }

    @Test("behind TLS the session cookie is Secure")
    func secureCookies() async throws {
        let configuration = AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: nil, secureCookies: true)
        try await withTestApp(.sqlite, entities: 5, configuration: configuration) { client, _ in
            let cookie = String(repeating: "d", count: 64)
            var headers = Self.formType
            headers[.cookie] = "credit_csrf=\(cookie)"
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: headers,
                body: form(["csrf": cookie, "login": "office", "password": Self.password])
            ) { response in
                let session = response.headers[values: .setCookie].first { $0.hasPrefix("credit_session=") }
                #expect(session?.contains("Secure") == true)
            }
        }
    }

    @Test("an address outside the site is never a redirect target after sign-in")
    func openRedirect() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, _ in
            let cookie = String(repeating: "e", count: 64)
            var headers = Self.formType
            headers[.cookie] = "credit_csrf=\(cookie)"
            // An SQL-injection attempt in the login name is just a wrong login name.
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: headers,
                body: form(["csrf": cookie, "login": "' OR '1'='1' --", "password": "' OR '1'='1' --"])
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("credit_session=") })
            }
            for next in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
                try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: headers,
                    body: form(["csrf": cookie, "login": "office", "password": Self.password, "next": next])
                ) { response in
                    #expect(response.headers[.location] == "/", "\(next)")
                }
            }
        }
    }

    @Test("a page that needs signing in, asked for without, is 401 with a link to sign in that comes back to it")
    func signInAndComeBack() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, _ in
            let asked = "/timeliness?from=2026-01-01&to=2026-11-26"
            let link = try await client.execute(uri: asked, method: .get) { response in
                #expect(response.status == .unauthorized)
                let html = response.body.text
                let prefix = #"id="error-sign-in" href=""#
                return html.range(of: prefix + #"[^"]+""#, options: .regularExpression).map { String(html[$0].dropFirst(prefix.count).dropLast()) }
            }
            #expect(link == "/login?next=%2Ftimeliness%3Ffrom%3D2026-01-01%26to%3D2026-11-26")
            var jar = Jar()
            let (token, next) = try await client.execute(uri: link ?? "/login", method: .get) { response in
                jar.take(response)
                let html = response.body.text
                let next = html.range(of: #"name="next" value="[^"]*""#, options: .regularExpression).map {
                    String(html[$0].dropFirst(#"name="next" value=""#.count).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
                }
                return (csrfField(html), next)
            }
            #expect(next == asked)
            var headers = Self.formType
            headers[.cookie] = jar.header
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: headers,
                body: form(["csrf": token ?? "", "login": "office", "password": Self.password, "next": next ?? ""])
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == asked)
            }
            // The API answers in JSON, and a form sent without a session is not offered a way back to an address it cannot GET.
            try await client.execute(uri: "/api/v1/departments/\(DemoCity.departments[2].code)/timeliness", method: .get) { response in
                #expect(response.status == .unauthorized && (try? errorBody(response.body).code) == "unauthenticated")
            }
            try await client.execute(uri: "/calendar", method: .post, headers: Self.formType, body: form(["year": "2027"])) { response in
                #expect(response.status == .unauthorized || response.status == .forbidden)
                #expect(!response.body.text.contains("error-sign-in"))
            }
        }
    }
}
