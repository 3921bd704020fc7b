import CreditCore
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
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
    /// An account for the app's entity, and a general penalty the tax bureau (the app's clerk) reports about it.
    /// A token of a new entity account of `code`.
    static func entityToken(_ app: TestApp, _ code: String, name: String = "经办人") async throws -> String {
        let account = try await app.accounts.createAccount(name: name, role: .entity, departmentCode: nil, entityCode: code)
        return try await app.accounts.issueToken(accountID: account.id, expiresAt: nil).token
    }

    static func penalised(
        _ client: any TestClientProtocol,
        _ app: TestApp,
        number: String,
        decidedOn: String
    ) async throws -> (token: String, recordID: Int) {
        let token = try await entityToken(app, app.entityCode)
        let results = try await RecordAPITests.submit(
            client,
            token: app.departmentToken,
            [RecordAPITests.penalty(app.entityCode, number, decidedOn: decidedOn)]
        )
        let stored = results.first?["id"]
        return (token, try #require((stored as? String).flatMap { Int($0) } ?? stored as? Int))
    }

    @Test(
        "an entity applies too early and is told the day; on that day its case goes to the tax bureau, which approves it, and the penalty leaves the public API",
        arguments: TestEngine.available
    )
    func repairOverHTTP(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let caller = Caller(client: client)
            let code = app.entityCode
            // The tax bureau (the app's clerk) reports a general penalty decided 2026-10-15.
            let (entityToken, recordID) = try await Self.penalised(client, app, number: "济税罚〔2026〕1015号", decidedOn: "2026-10-15")
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
            let strangerToken = try await Self.entityToken(app, app.items[1].entity.code.rawValue, name: "乙")
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
        "a tax-violator listing comes with its guidance notice: the listed entity, the tax bureau and the credit office read it, a stranger does not; the first day to apply is a year on",
        arguments: TestEngine.available
    )
    func listingNoticeOverHTTP(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let caller = Caller(client: client)
            app.clock.set(LocalDate("2026-12-07")!)
            let listing = """
                {"list": "major-tax-violator", "subjectCode": "\(app.entityCode)", "documentNumber": "济税稽罚〔2026〕9号", "reason": "偷税 120 万元，占应纳税额 15%",
                 "basis": "《重大税收违法失信主体信息公布管理办法》第六条", "startsOn": "2026-11-26", "noticeServedOn": "2026-11-20"}
                """
            let created = try await caller.call("/api/v1/listings", .post, token: app.departmentToken, body: listing)
            #expect(created.status == .created)
            let id = try #require(try created.body.json()["id"] as? Int)
            let entityToken = try await Self.entityToken(app, app.entityCode)
            let served = try await caller.call("/api/v1/listings/\(id)/repair-notice", token: entityToken)
            #expect(served.status == .ok)
            let notice = try served.body.json()
            // A serious-dishonesty entry may be left early after one year (国办发〔2025〕22号), counted from 26 November.
            #expect(notice["listingId"] as? Int == id && notice["recordId"] == nil && notice["repairFrom"] as? String == "2027-11-27")
            #expect(notice["publicUntil"] as? String == "2029-11-25" && (notice["text"] as? String)?.contains("济税稽罚〔2026〕9号") == true)
            #expect(try await caller.call("/api/v1/listings/\(id)/repair-notice", token: app.departmentToken).status == .ok)
            #expect(try await caller.call("/api/v1/listings/\(id)/repair-notice", token: app.officeToken).status == .ok)
            let strangerToken = try await Self.entityToken(app, app.items[1].entity.code.rawValue, name: "乙")
            #expect(try await caller.call("/api/v1/listings/\(id)/repair-notice", token: strangerToken).status == .notFound)
            #expect(try await caller.call("/api/v1/listings/\(id + 100)/repair-notice", token: entityToken).status == .notFound)
            #expect(try await caller.call("/api/v1/listings/x/repair-notice", token: entityToken).status == .notFound)
            #expect(try await caller.call("/api/v1/listings/\(id)/repair-notice?y=1", token: entityToken).status == .badRequest)
            // Once the bureau ends the entry there is nothing to repair.
            let ended = try await caller.call(
                "/api/v1/listings/\(id)/end",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"removed\", \"reason\": \"已补缴税款及滞纳金\"}"
            )
            #expect(ended.status == .ok)
            let after = try await caller.call("/api/v1/listings/\(id)/repair-notice", token: entityToken)
            #expect(after.status == .notFound)
            #expect(try errorBody(after.body).code == "no_repair_notice")
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
            let (entityToken, recordID) = try await Self.penalised(client, app, number: "济税罚〔2026〕1120号", decidedOn: "2026-11-20")
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

    @Test(
        "material files: a program named .exe is refused with 415, a PDF is kept with its SHA-256 and served only as an attachment; the department asks for more, the applicant supplies it; the overdue view is the department's",
        arguments: TestEngine.available
    )
    func materialsOverHTTP(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let caller = Caller(client: client)
            let (entityToken, recordID) = try await Self.penalised(client, app, number: "济税罚〔2026〕1016号", decidedOn: "2026-10-16")
            app.clock.set(LocalDate("2027-01-18")!)
            let pdf = Data("%PDF-1.7\n% 缴款凭证\n".utf8)
            func application(_ name: String, _ bytes: Data) -> String {
                """
                {"items": [{"recordId": \(recordID)}], "commitment": {"accepted": true},
                 "materials": [{"name": "\(name)", "content": "\(bytes.base64EncodedString())"}]}
                """
            }
            let program = try await caller.call("/api/v1/repairs", .post, token: entityToken, body: application("setup.exe", Data([0x4D, 0x5A])))
            #expect(try program.status == .unsupportedMediaType && errorBody(program.body).code == "material_type_not_allowed")
            #expect((try await caller.call("/api/v1/repairs", token: entityToken).body.json()["items"] as? [[String: Any]])?.isEmpty == true)

            let accepted = try await caller.call("/api/v1/repairs", .post, token: entityToken, body: application("缴款凭证.pdf", pdf))
            #expect(accepted.status == .created)
            let repair = try accepted.body.json()
            let id = try #require(repair["id"] as? Int)
            let listed = try #require((repair["materials"] as? [[String: Any]])?.first)
            // `printf '%PDF-1.7\n%% 缴款凭证\n' | sha256sum`
            #expect(listed["sha256"] as? String == "d847a0f87376021c75eec5694e3ff731ed0c09392c69c4dd61b6542fb875d353")
            let download = try await client.execute(
                uri: "/api/v1/repairs/\(id)/materials/1",
                method: .get,
                headers: [.authorization: "Bearer \(app.departmentToken)"]
            ) { ($0.status, $0.headers, Data($0.body.readableBytesView)) }
            #expect(download.0 == .ok && download.2 == pdf)
            #expect(download.1[.contentType] == "application/pdf" && download.1[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(download.1[.contentSecurityPolicy]?.contains("sandbox") == true)
            #expect(try await caller.call("/api/v1/repairs/\(id)/materials/2", token: entityToken).status == .notFound)

            let asked = try await caller.call(
                "/api/v1/repairs/\(id)/steps",
                .post,
                token: app.departmentToken,
                body: "{\"action\": \"request-material\", \"reason\": \"缺整改完成证明\"}"
            )
            #expect(try asked.status == .ok && asked.body.json()["status"] as? String == "awaitingMaterial")
            let twice = try await caller.call(
                "/api/v1/repairs/\(id)/steps",
                .post,
                token: app.departmentToken,
                body: "{\"action\": \"request-material\", \"reason\": \"再补\"}"
            )
            #expect(try twice.status == .conflict && errorBody(twice.body).code == "material_already_requested")
            let mismatch = try await caller.call(
                "/api/v1/repairs/\(id)/steps",
                .post,
                token: entityToken,
                body: "{\"action\": \"supply\", \"materials\": [{\"name\": \"整改证明.png\", \"content\": \"\(pdf.base64EncodedString())\"}]}"
            )
            #expect(try mismatch.status == .unprocessableContent && errorBody(mismatch.body).code == "material_content_mismatch")
            let supplied = try await caller.call(
                "/api/v1/repairs/\(id)/steps",
                .post,
                token: entityToken,
                body:
                    "{\"action\": \"supply\", \"reason\": \"整改完成证明\", \"materials\": [{\"name\": \"整改证明.pdf\", \"content\": \"\(pdf.base64EncodedString())\"}]}"
            )
            #expect(supplied.status == .ok)
            let after = try supplied.body.json()
            #expect(after["status"] as? String == "accepted" && (after["materials"] as? [[String: Any]])?.count == 2)

            #expect(try await caller.call("/api/v1/case-deadlines", token: entityToken).status == .forbidden)
            app.clock.set(LocalDate("2027-01-25")!)
            let view = try await caller.call("/api/v1/case-deadlines", token: app.departmentToken).body.json()
            // Supplied Monday 2027-01-18: due Thursday 01-21, so overdue on Monday 01-25.
            #expect((view["overdue"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            // A day's reminder is recorded once, however many looks (this one, the app's own service) run that day.
            let reminder = DeadlineReminder(deadlines: app.stores.deadlines, clock: app.clock, logger: Logger(label: "test"))
            func recorded() async throws -> [String] {
                let view = try await caller.call("/api/v1/case-deadlines", token: app.departmentToken).body.json()
                return (view["reminders"] as? [[String: Any]] ?? []).map { "\($0["day"] ?? "") \($0["level"] ?? "") \($0["id"] ?? "")" }
            }
            try await reminder.remindIfNewDay()
            try await reminder.remindIfNewDay()
            #expect(try await recorded() == ["2027-01-25 overdue \(id)"])
            app.clock.set(LocalDate("2027-01-26")!)
            try await reminder.remindIfNewDay()
            #expect(try await recorded() == ["2027-01-26 overdue \(id)", "2027-01-25 overdue \(id)"])
        }
    }
}
