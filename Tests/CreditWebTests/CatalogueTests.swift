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

@Suite("Catalogue versions loaded by the credit office")
struct CatalogueTests {
    /// The shipped catalogue plus a local category, as a new version effective on a day.
    static func local(version: String, effectiveFrom: String) throws -> Catalogue {
        var catalogue = try Catalogue.bundled()
        catalogue.version = version
        catalogue.effectiveFrom = LocalDate(effectiveFrom)!
        var honour = catalogue.category("reward")!
        honour.code = "local-honour"
        honour.name = "市级诚信荣誉"
        honour.publication = .init(kind: .fixed, months: 12, publishMinor: nil)
        catalogue.categories.append(honour)
        return catalogue
    }

    static func json(_ catalogue: Catalogue) throws -> ByteBuffer { ByteBuffer(bytes: Array(try JSONEncoder().encode(catalogue))) }

    @Test("a new version takes effect on its date; records keep the version they were checked against", arguments: TestEngine.available)
    func versions(_ engine: TestEngine) async throws {
        try await withSignInApp(engine) { client, fixture in
            let office: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"]
            try await client.execute(
                uri: "/api/v1/catalog",
                method: .put,
                headers: office,
                body: try Self.json(Self.local(version: "2026-12 本地", effectiveFrom: "2026-12-01"))
            ) {
                response in
                #expect(response.status == .created)
            }
            let today = try await client.execute(uri: "/api/v1/catalog", method: .get) { try $0.body.json() }
            #expect(today["version"] as? String == "2026-04-01")
            #expect((today["versions"] as? [[String: Any]])?.count == 2)
            let later = try await client.execute(uri: "/api/v1/catalog?on=2026-12-01", method: .get) { try $0.body.json() }
            #expect(later["version"] as? String == "2026-12 本地")

            let honour: [String: Any] = [
                "category": "local-honour", "subjectCode": fixture.entityCode, "subjectName": "某公司", "documentNumber": "H-1",
                "decidedOn": "2026-11-20", "content": "诚信示范企业", "basis": "市信用办通知",
            ]
            func submit() async throws -> [String: Any] {
                try await client.execute(
                    uri: "/api/v1/records",
                    method: .post,
                    headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                    body: try RecordAPITests.batch([honour])
                ) { (try $0.body.json()["results"] as? [[String: Any]])?.first ?? [:] }
            }
            let before = try await submit()
            #expect(before["status"] as? String == "rejected")
            #expect((before["errors"] as? [[String: Any]])?.first?["code"] as? String == "unknown_category")
            fixture.clock.set(LocalDate("2026-12-01")!)
            let after = try await submit()
            #expect(after["status"] as? String == "accepted")
            let record = try await client.execute(
                uri: "/api/v1/records/\(after["id"] as? String ?? "")",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.officeToken)"]
            ) { try $0.body.json() }
            #expect(record["catalogVersion"] as? String == "2026-12 本地")
        }
    }

    @Test("a bad catalogue is refused with every problem; a version is never rewritten; departments may not load one")
    func refusals() async throws {
        try await withSignInApp(.sqlite) { client, fixture in
            let office: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"]
            var bad = try Self.local(version: "bad", effectiveFrom: "2026-01-01")
            bad.categories.append(bad.categories[0])
            bad.categories[1].fields.removeAll { $0.name == "severity" }
            try await client.execute(uri: "/api/v1/catalog", method: .put, headers: office, body: try Self.json(bad)) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.code == "invalid_catalog")
                #expect(error.message.contains("早于今天") && error.message.contains("重复") && error.message.contains("severity"))
            }
            let good = try Self.local(version: "v2", effectiveFrom: "2026-12-01")
            try await client.execute(uri: "/api/v1/catalog", method: .put, headers: office, body: try Self.json(good)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/api/v1/catalog", method: .put, headers: office, body: try Self.json(good)) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(
                uri: "/api/v1/catalog",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "application/json"],
                body: try Self.json(try Self.local(version: "v3", effectiveFrom: "2026-12-02"))
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/catalog", method: .put, headers: office, body: ByteBuffer(string: "{}")) {
                #expect($0.status == .badRequest)
            }
        }
    }
}
