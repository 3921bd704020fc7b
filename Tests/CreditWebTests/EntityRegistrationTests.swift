import CreditCore
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Registering entities over the API")
struct EntityRegistrationTests {
    static let code = "91350100M000100Y43"

    static func body(name: String = "福州新登记有限公司", representative: String = "11010519491231002X", extra: [String: Any] = [:]) throws -> ByteBuffer {
        var object: [String: Any] = [
            "code": code, "name": name, "kind": "enterprise", "region": "370102", "industry": "65", "establishedOn": "2024-03-01",
            "legalRepresentative": ["idNumber": representative, "name": "张三"],
        ]
        for (k, v) in extra { object[k] = v }
        return ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    @Test("the registering department registers and changes an entity; versions, the log and earlier records follow", arguments: TestEngine.available)
    func register(_ engine: TestEngine) async throws {
        try await withSignInApp(engine) { client, fixture in
            let market = try await fixture.accounts.createAccount(
                name: "登记科员",
                role: .department,
                departmentCode: DemoCity.departments[1].code,
                entityCode: nil
            )
            let token = try await fixture.accounts.issueToken(accountID: market.id, expiresAt: nil).token
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            // A record about the code arrives before the entity is registered: kept, unmatched.
            let early = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                body: try RecordAPITests.batch([RecordAPITests.penalty(Self.code, "E-1")])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            let recordID = try #require(early.first?["id"] as? String)

            try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: try Self.body()) { response in
                #expect(response.status == .created)
                let body = try response.body.json()
                #expect(body["outcome"] as? String == "accepted" && body["version"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: try Self.body()) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect(body["outcome"] as? String == "unchanged")
            }
            let renamed = try Self.body(name: "福州更名有限公司", extra: ["reason": "名称变更", "principal": ["idNumber": "440524188001010014", "name": "李四"]])
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: renamed) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect(body["outcome"] as? String == "updated" && body["version"] as? Int == 2)
                #expect(body["formerNames"] as? [String] == ["福州新登记有限公司"])
            }
            try await client.execute(uri: "/entities/\(Self.code)", method: .get) { response in
                #expect(response.body.text.contains("福州更名有限公司") && response.body.text.contains("李四") && response.body.text.contains("名称变更"))
                #expect(!response.body.text.contains("11010519491231002X"))
            }
            try await client.execute(uri: "/api/v1/records/\(recordID)", method: .get, headers: [.authorization: "Bearer \(fixture.officeToken)"]) {
                let body = try $0.body.json()
                #expect(body["matched"] as? Bool == true)
            }
            #expect(try await TamperEvidentLog(database: fixture.db).verify().ok)
        }
    }

    @Test("another department may not register; bad fields are refused with every problem, and nothing is stored")
    func refusals() async throws {
        try await withSignInApp(.sqlite) { client, fixture in
            let tax: HTTPFields = [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "application/json"]
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: tax, body: try Self.body()) { response in
                #expect(response.status == .forbidden)
                let error = try errorBody(response.body)
                #expect(error.code == "not_registering_department")
            }
            let office: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"]
            var bad: [String: Any] = ["region": "110101", "establishedOn": "2099-01-01", "industry": "ZZ"]
            bad["code"] = "91350100M000100Y4Z"
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: try Self.body(extra: bad)) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                for field in ["code", "region", "industry", "establishedOn"] { #expect(error.message.contains(field), "\(field)") }
            }
            let noRepresentative = ByteBuffer(
                string:
                    #"{"code": "91350100M000100Y43", "name": "x", "kind": "enterprise", "region": "370102", "industry": "65", "establishedOn": "2024-01-01"}"#
            )
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: noRepresentative) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.message.contains("legalRepresentative"))
            }
            try await client.execute(uri: "/api/v1/entities/\(Self.code)", method: .get) { #expect($0.status == .notFound) }
            // The credit office may register any entity.
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: try Self.body()) {
                #expect($0.status == .created)
            }
        }
    }
}
