import CreditCore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Credit commitments over HTTP")
struct CommitmentAPITests {
    @Test(
        "an entity signs; the tax bureau signs at its window for another and finds it false; the breach is in the public file and the gate refuses the subject from then",
        arguments: TestEngine.available
    )
    func commitmentsOverHTTP(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 3) { client, app in
            let caller = Caller(client: client)
            app.clock.set(LocalDate("2026-11-26")!)
            let items = try await caller.call("/api/v1/commitments/items").body.json()["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["code"] as? String }.contains("business-premises"))
            #expect(items.first { $0["code"] as? String == "business-premises" }?["type"] as? String == "approval-substitute")

            let entityToken = try await RepairAPITests.entityToken(app, app.entityCode)
            let premises = "{\"item\": \"business-premises\", \"templateVersion\": \"2026-04-01\", \"fields\": {\"address\": \"济南市历下区泺源大街 1 号\"}}"
            let signed = try await caller.call("/api/v1/commitments", .post, token: entityToken, body: premises)
            #expect(signed.status == .created)
            let commitment = try signed.body.json()
            let id = try #require(commitment["id"] as? Int)
            #expect(commitment["verifyBy"] as? String == "2026-12-24" && (commitment["textHash"] as? String)?.count == 64)
            #expect((commitment["text"] as? String)?.contains("济南市历下区泺源大街 1 号") == true && commitment["onBehalf"] as? Bool == false)
            #expect(try errorBody(try await caller.call("/api/v1/commitments", .post, token: entityToken, body: "{}").body).code == "invalid_json")
            let superseded = try await caller.call(
                "/api/v1/commitments",
                .post,
                token: entityToken,
                body: premises.replacingOccurrences(of: "2026-04-01", with: "2025-01-01")
            )
            let supersededCode = try errorBody(superseded.body).code
            #expect(superseded.status == .unprocessableContent && supersededCode == "template_superseded")

            // The tax bureau (the app's clerk) signs at its window for the second entity; not for a market item.
            let other = app.items[1].entity.code.rawValue
            let tax =
                "{\"item\": \"tax-clearance-proof\", \"templateVersion\": \"2026-04-01\", \"fields\": {\"purpose\": \"投标\"}, \"subjectCode\": \"\(other)\"}"
            let atWindow = try await caller.call("/api/v1/commitments", .post, token: app.departmentToken, body: tax)
            #expect(atWindow.status == .created)
            let windowID = try #require(try atWindow.body.json()["id"] as? Int)
            let marketItem = premises.replacingOccurrences(of: "}}", with: "}, \"subjectCode\": \"\(other)\"}")
            #expect(try await caller.call("/api/v1/commitments", .post, token: app.departmentToken, body: marketItem).status == .forbidden)

            // Each reads its own.
            let mine = try await caller.call("/api/v1/commitments", token: entityToken).body.json()["items"] as? [[String: Any]]
            #expect(mine?.compactMap { $0["id"] as? Int } == [id])
            #expect(try await caller.call("/api/v1/commitments?overdue=maybe", token: entityToken).status == .badRequest)
            let strangerToken = try await RepairAPITests.entityToken(app, other, name: "乙")
            #expect(try await caller.call("/api/v1/commitments/\(id)", token: strangerToken).status == .notFound)
            #expect(try await caller.call("/api/v1/commitments/\(id)", token: app.officeToken).status == .ok)

            // Only the department it was made to verifies it.
            let notOurs = try await caller.call(
                "/api/v1/commitments/\(id)/verification",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"fulfilled\", \"reason\": \"x\"}"
            )
            #expect(notOurs.status == .forbidden)
            let found = try await caller.call(
                "/api/v1/commitments/\(windowID)/verification",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"false\", \"reason\": \"征管系统显示欠缴增值税 3.2 万元\"}"
            )
            #expect(found.status == .ok)
            let recordID = try #require(try found.body.json()["recordId"] as? Int)
            let again = try await caller.call(
                "/api/v1/commitments/\(windowID)/verification",
                .post,
                token: app.departmentToken,
                body: "{\"outcome\": \"fulfilled\", \"reason\": \"x\"}"
            )
            #expect(again.status == .conflict)
            let file = try await caller.call("/api/v1/entities/\(other)/records").body.json()["items"] as? [[String: Any]] ?? []
            #expect(file.contains { ($0["id"] as? String).flatMap { Int($0) } ?? $0["id"] as? Int == recordID })

            let approver = try await app.accounts.createAccount(name: "窗口", role: .approver, departmentCode: nil, entityCode: nil)
            let approverToken = try await app.accounts.issueToken(accountID: approver.id, expiresAt: nil).token
            let gate = try await caller.call("/api/v1/commitments/eligibility?code=\(other)&item=tax-clearance-proof", token: approverToken)
            #expect(gate.status == .ok)
            let answer = try gate.body.json()
            let reasons = answer["reasons"] as? [[String: Any]] ?? []
            #expect(answer["eligible"] as? Bool == false && reasons.first?["code"] as? String == "commitment_breach_unrepaired")
            #expect(reasons.first?["recordId"] as? Int == recordID && (answer["receipt"] as? [String: Any])?["signature"] as? String != nil)
            #expect(try await caller.call("/api/v1/commitments/eligibility?code=\(other)", token: approverToken).status == .badRequest)
            #expect(try await caller.call("/api/v1/commitments/eligibility?code=\(other)&item=x", token: entityToken).status == .forbidden)
        }
    }
}
