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

@Suite("The audit log and the log's proofs over HTTP")
struct AuditWebTests {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test("non-public reads and refusals are audited with who, where and why; public reads are not", arguments: TestEngine.available)
    func recorded(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let office = Self.bearer(fixture.officeToken)
            // A public read: not audited.
            try await client.execute(uri: "/api/v1/entities/\(fixture.entityCode)", method: .get) { #expect($0.status == .ok) }
            // A department may not read the audit log or the account list: 403, audited.
            try await client.execute(uri: "/api/v1/audit?purpose=x", method: .get, headers: Self.bearer(fixture.departmentToken)) {
                #expect($0.status == .forbidden)
            }
            // A wrong token: 401, audited.
            try await client.execute(uri: "/api/v1/departments", method: .get, headers: Self.bearer("crd_" + String(repeating: "f", count: 64))) {
                #expect($0.status == .unauthorized)
            }
            // The credit office reads the account list (not public): audited with its purpose.
            try await client.execute(uri: "/api/v1/accounts?purpose=\(q("年度账户核查"))", method: .get, headers: office) {
                #expect($0.status == .ok)
            }
            // Reading the audit log needs a purpose.
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: office) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.code == "purpose_required")
            }
            let body = try await client.execute(uri: "/api/v1/audit?purpose=\(q("安全检查"))&size=10", method: .get, headers: office) { response in
                #expect(response.status == .ok)
                return try response.body.json()
            }
            let items = body["items"] as? [[String: Any]] ?? []
            // Newest first: the purpose-less attempt, the account list, the wrong token, the department's refusal.
            #expect(body["total"] as? Int == 4)
            #expect(items.map { $0["outcome"] as? String } == ["purpose_required", "ok", "invalid_token", "forbidden"])
            #expect(items[1]["route"] as? String == "/api/v1/accounts")
            #expect(items[1]["purpose"] as? String == "年度账户核查")
            #expect((items[1]["account"] as? [String: Any])?["name"] as? String == "信用办 王五")
            #expect(items[2]["action"] as? String == "refused" && items[2]["account"] == nil)
            #expect((items[3]["account"] as? [String: Any])?["departmentCode"] as? String == DemoCity.departments[2].code)
            #expect(items.allSatisfy { ($0["requestId"] as? String)?.isEmpty == false })
            // Filters; and the read just made is itself in the log now.
            let refused = try await client.execute(uri: "/api/v1/audit?purpose=x&action=refused", method: .get, headers: office) {
                try $0.body.json()
            }
            #expect(refused["total"] as? Int == 2)
            try await client.execute(uri: "/api/v1/audit?purpose=x&action=deleted", method: .get, headers: office) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.code == "invalid_parameter")
            }
            try await client.execute(uri: "/api/v1/audit?purpose=x&from=2026-11-27&to=2026-11-26", method: .get, headers: office) {
                #expect($0.status == .badRequest)
            }
            let today = try await client.execute(uri: "/api/v1/audit?purpose=x&from=2026-11-26&to=2026-11-26", method: .get, headers: office) {
                try $0.body.json()
            }
            // Eight requests so far were audited, the two refused searches among them; this one is recorded after it answers.
            #expect(today["total"] as? Int == 8)
        }
    }

    @Test("the export is a CSV of every matching event that a spreadsheet cannot be tricked by", arguments: TestEngine.available)
    func export(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let cookie = String(repeating: "a", count: 64)
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "credit_csrf=\(cookie)"]
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: headers,
                    body: form(["csrf": cookie, "login": "=HYPERLINK(\"http://x\")", "password": "whatever password"])
                ) { #expect($0.status == .unauthorized) }
            }
            let csv = try await client.execute(
                uri: "/api/v1/audit/export?purpose=\(q("导出核查"))&action=sign-in-failed",
                method: .get,
                headers: Self.bearer(fixture.officeToken)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                return response.body.text
            }
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("\u{FEFF}编号,时间,类型") == true)
            #expect(lines.count == 4)
            #expect(lines.dropFirst().allSatisfy { $0.contains(",sign-in-failed,") && $0.contains("\"'=HYPERLINK(\"\"http://x\"\")\"") })
        }
    }

    @Test("the audit page needs a signed-in credit office and a purpose")
    func page() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            let (session, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            let headers: HTTPFields = [.cookie: "credit_session=\(session)"]
            try await client.execute(uri: "/audit", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/audit", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("id=\"audit-filter\""))
                #expect(!response.body.text.contains("id=\"audit-table\""))
            }
            try await client.execute(uri: "/audit?purpose=\(q("例行检查"))", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                let html = response.body.text
                #expect(html.contains("id=\"audit-table\""))
                #expect(html.contains("/api/v1/audit/export?purpose="))
                #expect(html.contains("/audit"))  // the page's own earlier visit is listed
            }
            try await client.execute(uri: "/audit?purpose=x&from=bad", method: .get, headers: headers) { #expect($0.status == .badRequest) }
        }
    }

    @Test("inclusion and consistency proofs served over HTTP verify against the signed checkpoint", arguments: TestEngine.available)
    func proofs(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, app in
            _ = try await app.stores.log.signCheckpoint()
            let checkpoint = try await client.execute(uri: "/api/v1/log/checkpoint", method: .get) { try $0.body.json() }
            let size = checkpoint["size"] as! Int
            let root = Hex.decode(checkpoint["rootHash"] as! String)!
            #expect(size == 5)
            for index in 0..<size {
                let proof = try await client.execute(uri: "/api/v1/log/leaves/\(index)/proof", method: .get) { try $0.body.json() }
                let hashes = (proof["hashes"] as! [String]).compactMap(Hex.decode)
                let leaf = Hex.decode(proof["leafHash"] as! String)!
                #expect(proof["treeSize"] as? Int == size)
                #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: index, size: size, proof: hashes, root: root))
            }
            for from in 1...size {
                let proof = try await client.execute(uri: "/api/v1/log/consistency?from=\(from)", method: .get) { try $0.body.json() }
                let hashes = (proof["hashes"] as! [String]).compactMap(Hex.decode)
                let fromRoot = Hex.decode(proof["fromRootHash"] as! String)!
                #expect(MerkleTree.verifyConsistency(first: from, second: size, firstRoot: fromRoot, secondRoot: root, proof: hashes))
            }
            for (uri, status) in [
                ("/api/v1/log/leaves/5/proof", 404), ("/api/v1/log/leaves/-1/proof", 400), ("/api/v1/log/leaves/0/proof?size=6", 400),
                ("/api/v1/log/consistency", 400), ("/api/v1/log/consistency?from=0", 400), ("/api/v1/log/consistency?from=3&to=2", 400),
            ] {
                try await client.execute(uri: uri, method: .get) { #expect(Int($0.status.code) == status, "\(uri)") }
            }
        }
    }

    @Test("X-Forwarded-For is believed from a trusted proxy only")
    func trustedProxy() async throws {
        for (trusted, expected) in [(["127.0.0.1"], "203.0.113.9"), ([], "127.0.0.1")] {
            let configuration = AppConfiguration(
                port: 0,
                checkpointInterval: nil,
                anonymousRequestsPerMinute: nil,
                trustedProxies: Set(trusted)
            )
            try await withTestApp(.sqlite, entities: 5, configuration: configuration, testing: .live) { client, fixture in
                var headers = Self.bearer("crd_wrong")
                headers[HTTPField.Name("X-Forwarded-For")!] = "198.51.100.1, 203.0.113.9"
                try await client.execute(uri: "/api/v1/departments", method: .get, headers: headers) { #expect($0.status == .unauthorized) }
                let events = try await SQLAuditTrail(database: fixture.db).search(AuditQuery(), page: 1, size: 5).items
                #expect(events.map(\.address) == [expected])
            }
        }
    }
}
