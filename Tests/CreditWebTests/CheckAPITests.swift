import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("List entries and credit checks over HTTP")
struct CheckAPITests {
    @Test(
        "a department lists a subject; an approver checks it with a purpose and gets a signed receipt that verifies; bad input is a 4xx with its code",
        arguments: TestEngine.available
    )
    func listAndCheck(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let approver = try await app.accounts.createAccount(name: "采购审批员", role: .approver, departmentCode: nil, entityCode: nil)
            let approverToken = try await app.accounts.issueToken(accountID: approver.id, expiresAt: nil).token
            func call(
                _ uri: String,
                _ method: HTTPRequest.Method = .get,
                token: String? = nil,
                body: String? = nil
            ) async throws -> (status: HTTPResponse.Status, body: ByteBuffer) {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
                    ($0.status, $0.body)
                }
            }
            func code(_ buffer: ByteBuffer) -> String? { ((try? buffer.json())?["error"] as? [String: Any])?["code"] as? String }
            let subject = app.entityCode
            let listing = """
                {"list": "major-tax-violator", "subjectCode": "\(subject)", "documentNumber": "济税稽罚〔2026〕9号", "reason": "偷税 120 万元，占应纳税额 15%",
                 "basis": "《重大税收违法失信主体信息公布管理办法》第六条", "startsOn": "2026-11-26", "noticeServedOn": "2026-11-20"}
                """
            // The tax bureau (the test app's clerk) lists it; sent again, nothing is duplicated.
            let created = try await call("/api/v1/listings", .post, token: app.departmentToken, body: listing)
            #expect(created.status == .created)
            let entry = try created.body.json()
            #expect(entry["status"] as? String == "active" && entry["endsOn"] as? String == "2029-11-25")
            #expect(try await call("/api/v1/listings", .post, token: app.departmentToken, body: listing).status == .ok)
            let unnoticed = listing.replacingOccurrences(of: "\"noticeServedOn\": \"2026-11-20\"", with: "\"noticeServedOn\": \"2026-11-27\"")
            #expect(code(try await call("/api/v1/listings", .post, token: app.departmentToken, body: unnoticed).body) == "notice_after_start")
            #expect(code(try await call("/api/v1/listings", .post, token: app.departmentToken, body: "{").body) == "invalid_json")
            let badCode = listing.replacingOccurrences(of: subject, with: "91370100MA3C000000")
            #expect(code(try await call("/api/v1/listings", .post, token: app.departmentToken, body: badCode).body) == "invalid_code")
            #expect(try await call("/api/v1/listings", .post, token: approverToken, body: listing).status == .forbidden)
            // Disclosed on the entity: anyone reads it.
            let disclosed = try await call("/api/v1/entities/\(subject)/listings").body.json()["items"] as? [[String: Any]] ?? []
            #expect(disclosed.map { $0["list"] as? String } == ["major-tax-violator"])

            // The approver checks it before a procurement.
            let purpose = "purpose=%E5%BC%80%E6%A0%87%E8%B5%84%E6%A0%BC%E5%AE%A1%E6%9F%A5"  // 开标资格审查
            let checked = try await call("/api/v1/check?code=\(subject)&scenario=government-procurement&\(purpose)", token: approverToken)
            #expect(checked.status == .ok)
            let check = try checked.body.json()
            #expect(check["result"] as? String == "listed")
            #expect((check["listings"] as? [[String: Any]])?.map { $0["via"] as? String } == ["self"])
            #expect((check["measures"] as? [[String: Any]])?.map { $0["code"] as? String } == ["procurement-exclusion"])
            let receipt = try #require(check["receipt"] as? [String: Any])
            #expect(receipt["algorithm"] as? String == "Ed25519" && (receipt["signature"] as? String)?.isEmpty == false)
            let id = try #require(check["checkId"] as? String)
            // Read back byte for byte; verified by anyone; one byte changed fails.
            let stored = try await call("/api/v1/check/\(id)", token: approverToken)
            #expect(stored.body == checked.body)
            let text = String(buffer: checked.body)
            let verified = try await call("/api/v1/checks/verify", .post, body: text).body.json()
            #expect(verified["valid"] as? Bool == true && verified["matchesStoredCheck"] as? Bool == true)
            let altered = text.replacingOccurrences(of: "\"listed\"", with: "\"listee\"")
            #expect(try await call("/api/v1/checks/verify", .post, body: altered).body.json()["valid"] as? Bool == false)
            #expect(code(try await call("/api/v1/checks/verify", .post, body: "[1]").body) == "invalid_json")
            // The check is audited, with its purpose.
            let events = try await app.stores.audit.search(AuditQuery(accountID: approver.id), page: 1, size: 10).items
            #expect(events.contains { $0.route == "/api/v1/check" && $0.purpose == "开标资格审查" && $0.status == 200 })

            // The approval's feedback: once; the credit office counts it.
            let feedback = #"{"caseNumber": "济采〔2026〕12号", "items": [{"measure": "procurement-exclusion", "applied": true}]}"#
            #expect(try await call("/api/v1/check/\(id)/feedback", .post, token: approverToken, body: feedback).status == .created)
            #expect(code(try await call("/api/v1/check/\(id)/feedback", .post, token: approverToken, body: feedback).body) == "feedback_exists")
            let unknown = feedback.replacingOccurrences(of: "procurement-exclusion", with: "public-flogging")
            #expect(code(try await call("/api/v1/check/\(id)/feedback", .post, token: approverToken, body: unknown).body) == "measure_not_in_check")
            let summary = try await call("/api/v1/feedback", token: app.officeToken).body.json()
            #expect((summary["measures"] as? [[String: Any]])?.first?["applied"] as? Int == 1)
            #expect(try await call("/api/v1/feedback/overdue?workingDays=0", token: app.officeToken).status == .badRequest)

            // A batch: every bidder at once, in order, one receipt each.
            let other = app.items[1].entity.code.rawValue
            let batch = try await call(
                "/api/v1/checks",
                .post,
                token: approverToken,
                body: #"{"scenario": "public-resource-trading", "purpose": "开标", "subjects": [{"code": "\#(other)"}, {"code": "\#(subject)"}]}"#
            ).body.json()
            let items = batch["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["result"] as? String } == ["no-listings", "listed"])
            #expect(Set(items.compactMap { ($0["receipt"] as? [String: Any])?["checkId"] as? String }).count == 2)
            let subjects = Array(repeating: "{\"code\": \"\(other)\"}", count: 1001).joined(separator: ",")
            let tooMany = "{\"scenario\": \"subsidy\", \"purpose\": \"p\", \"subjects\": [\(subjects)]}"
            #expect(code(try await call("/api/v1/checks", .post, token: approverToken, body: tooMany).body) == "batch_too_large")

            // Bad checks: each a 4xx naming what is wrong; the department may not check.
            for (query, expected, status) in [
                ("code=\(subject)&scenario=subsidy", "purpose_required", HTTPResponse.Status.badRequest),
                ("code=\(subject)&scenario=lottery&purpose=x", "unknown_scenario", .badRequest),
                ("code=91370100MA3C000000&scenario=subsidy&purpose=x", "invalid_code", .badRequest),
                ("idNumber=11010119900101123&scenario=subsidy&purpose=x", "invalid_id_number", .badRequest),
                ("code=\(CreditCode.completing("91370102MA3CT0097")!.rawValue)&scenario=subsidy&purpose=x", "subject_not_found", .notFound),
                ("scenario=subsidy&purpose=x", "subject_required", .badRequest),
                ("code=\(subject)&scenario=subsidy&purpose=x&industry=99", "unknown_industry", .badRequest),
            ] {
                let answer = try await call("/api/v1/check?\(query)", token: approverToken)
                #expect(answer.status == status && code(answer.body) == expected, "\(query)")
            }
            #expect(try await call("/api/v1/check?code=\(subject)&scenario=subsidy&purpose=x", token: app.departmentToken).status == .forbidden)
            #expect(try await call("/api/v1/check/ck-none", token: approverToken).status == .notFound)
        }
    }
}
