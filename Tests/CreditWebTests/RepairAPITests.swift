import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Sends JSON with a bearer token, as a linked system or an entity's account would; the status and the body.
struct Caller: Sendable {
    let client: any TestClientProtocol

    func call(
        _ uri: String,
        _ method: HTTPRequest.Method = .get,
        token: String? = nil,
        body: String? = nil
    ) async throws -> (
        status: HTTPResponse.Status, body: ByteBuffer
    ) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            ($0.status, $0.body)
        }
    }
}

@Suite("Credit repair over HTTP")
struct RepairAPITests {
    @Test(
        "an entity applies too early and is told the day; on that day its case goes to the tax bureau, which approves it, and the penalty leaves the public API",
        arguments: TestEngine.available
    )
    func repairOverHTTP(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let caller = Caller(client: client)
            let code = app.entityCode
            let entity = try await app.accounts.createAccount(name: "济南甲公司经办人", role: .entity, departmentCode: nil, entityCode: code)
            let entityToken = try await app.accounts.issueToken(accountID: entity.id, expiresAt: nil).token
            // The tax bureau (the app's clerk) reports a general penalty decided 2026-10-15.
            let results = try await RecordAPITests.submit(
                client,
                token: app.departmentToken,
                [RecordAPITests.penalty(code, "济税罚〔2026〕1015号", decidedOn: "2026-10-15")]
            )
            let stored = results.first?["id"]
            let recordID = try #require((stored as? String).flatMap { Int($0) } ?? stored as? Int)
            let application = "{\"items\": [{\"recordId\": \(recordID)}], \"commitment\": {\"accepted\": true}}"
            // The guidance notice served with the decision (两书同达) names the first day repair may be applied for.
            let notice = try await caller.call("/api/v1/records/\(recordID)/repair-notice", token: entityToken)
            #expect(notice.status == .ok)
            let served = try notice.body.json()
            #expect(served["repairFrom"] as? String == "2027-01-16" && served["fee"] as? String == "免费")
            #expect((served["text"] as? String)?.contains("自 2027-01-16 起") == true)
            #expect(try await caller.call("/api/v1/records/\(recordID)/repair-notice", token: app.officeToken).status == .ok)

            let early = try await caller.call("/api/v1/repairs", .post, token: entityToken, body: application)
            #expect(early.status == .unprocessableContent)
            let refusal = try errorBody(early.body)
            #expect(refusal.code == "repair_not_yet_eligible" && refusal.message.contains("2027-01-16"))
            #expect(try await caller.call("/api/v1/repairs", .post, token: app.departmentToken, body: application).status == .forbidden)
            #expect(
                try errorBody(try await caller.call("/api/v1/repairs", .post, token: entityToken, body: "{\"items\": []}").body).code
                    == "invalid_field"
            )
            #expect(try errorBody(try await caller.call("/api/v1/repairs", .post, token: entityToken, body: "{").body).code == "invalid_json")

            app.clock.set(LocalDate("2027-01-18")!)
            let accepted = try await caller.call("/api/v1/repairs", .post, token: entityToken, body: application)
            #expect(accepted.status == .created)
            let repair = try accepted.body.json()
            let id = try #require(repair["id"] as? Int)
            #expect(repair["status"] as? String == "accepted" && repair["fee"] as? String == "免费")
            #expect(repair["dueBy"] as? String == "2027-01-21", "Monday 18 January + 3 working days")
            #expect(try await caller.call("/api/v1/repairs", .post, token: entityToken, body: application).status == .conflict)
            // The applicant and the deciding department see it; another entity's account does not.
            let stranger = try await app.accounts.createAccount(
                name: "乙",
                role: .entity,
                departmentCode: nil,
                entityCode: app.items[1].entity.code.rawValue
            )
            let strangerToken = try await app.accounts.issueToken(accountID: stranger.id, expiresAt: nil).token
            #expect(try await caller.call("/api/v1/repairs/\(id)", token: strangerToken).status == .notFound)
            #expect(try await caller.call("/api/v1/records/\(recordID)/repair-notice", token: strangerToken).status == .notFound)
            #expect(try await caller.call("/api/v1/repairs/\(id)", token: app.departmentToken).status == .ok)
            let listed = try await caller.call("/api/v1/repairs", token: entityToken).body.json()["items"] as? [[String: Any]]
            #expect(listed?.map { $0["id"] as? Int } == [id])

            let publicRecords = "/api/v1/entities/\(code)/records"
            #expect((try await caller.call(publicRecords).body.json()["items"] as? [[String: Any]])?.count == 1)
            let decided = try await caller.call(
                "/api/v1/repairs/\(id)/decision",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"approved\", \"reason\": \"罚款已缴清\"}"
            )
            #expect(decided.status == .ok)
            #expect(try decided.body.json()["status"] as? String == "approved")
            #expect((try await caller.call(publicRecords).body.json()["items"] as? [[String: Any]])?.isEmpty == true)
            let again = try await caller.call(
                "/api/v1/repairs/\(id)/decision",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"rejected\", \"reason\": \"x\"}"
            )
            #expect(again.status == .conflict)
            #expect(try errorBody(again.body).code == "repair_closed")
        }
    }

    @Test(
        "an entity objects to a penalty: the public API marks it under objection at once; the source department unpublishes it with a remedy notice",
        arguments: TestEngine.available
    )
    func objectionOverHTTP(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let caller = Caller(client: client)
            let code = app.entityCode
            let entity = try await app.accounts.createAccount(name: "经办人", role: .entity, departmentCode: nil, entityCode: code)
            let entityToken = try await app.accounts.issueToken(accountID: entity.id, expiresAt: nil).token
            let results = try await RecordAPITests.submit(
                client,
                token: app.departmentToken,
                [RecordAPITests.penalty(code, "济税罚〔2026〕1120号", decidedOn: "2026-11-20")]
            )
            let stored = results.first?["id"]
            let recordID = try #require((stored as? String).flatMap { Int($0) } ?? stored as? Int)
            let publicRecords = "/api/v1/entities/\(code)/records"
            func marks() async throws -> [Bool] {
                (try await caller.call(publicRecords).body.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["underObjection"] as? Bool }
            }
            #expect(try await marks() == [false])

            let filed = try await caller.call(
                "/api/v1/objections",
                .post,
                token: entityToken,
                body: "{\"recordId\": \(recordID), \"grounds\": \"罚款已退还\"}"
            )
            #expect(filed.status == .created)
            let id = try #require(try filed.body.json()["id"] as? Int)
            #expect(try await marks() == [true])
            #expect(try await caller.call("/api/v1/objections", .post, token: entityToken, body: "{\"grounds\": \"x\"}").status == .badRequest)
            let decided = try await caller.call(
                "/api/v1/objections/\(id)/decision",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"unpublished\", \"reason\": \"原决定已撤销\"}"
            )
            #expect(decided.status == .ok)
            #expect((try decided.body.json()["remedy"] as? String)?.contains("济税罚〔2026〕1120号") == true)
            #expect(try await marks().isEmpty)
            let mine = try await caller.call("/api/v1/objections/\(id)", token: entityToken).body.json()
            #expect(mine["outcome"] as? String == "unpublished" && (mine["events"] as? [[String: Any]])?.count == 2)
        }
    }
}
