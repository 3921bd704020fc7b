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

    /// The credit office loads ``local(version:effectiveFrom:)`` as version "2026-12 本地", effective 2026-12-01.
    static func loadLocalVersion(_ client: any TestClientProtocol, _ fixture: TestApp) async throws {
        try await client.execute(
            uri: "/api/v1/catalog",
            method: .put,
            headers: [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"],
            body: try json(local(version: "2026-12 本地", effectiveFrom: "2026-12-01"))
        ) { #expect($0.status == .created) }
    }

    @Test("a new version takes effect on its date; records keep the version they were checked against", arguments: TestEngine.available)
    func versions(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            try await Self.loadLocalVersion(client, fixture)
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
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
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

    @Test(
        "the catalogue page shows what may be collected, in which columns, who sees it and for how long; a loaded version once in force",
        arguments: TestEngine.available
    )
    func page(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            func page(_ uri: String = "/catalog") async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .get) { ($0.status, $0.body.text) }
            }
            let (status, today) = try await page()
            #expect(status == .ok)
            #expect(today.contains("版本 2026-04-01，自 2026-04-01 起施行"))
            // The national standard's column names a department may put in its file's header.
            #expect(today.contains("行政处罚决定书文号、处罚决定书文号") && today.contains("处罚决定日期、处罚日期"))
            // The periods of the rule set in force (Order 36): serious records 1 to 3 years, general 3 months to 1 year.
            #expect(today.contains("<td>严重</td><td>1 年</td><td>3 年</td>") && today.contains("<td>一般</td><td>3 个月</td><td>1 年</td>"))
            // Order 36: a penalty of only 警告 or 通报批评 is minor and not published, whoever gave it; nor is a simple-procedure one.
            #expect(today.contains("任何部门作出的、仅为“警告”或“通报批评”的行政处罚不公示"))
            #expect(today.contains("简易程序作出的行政处罚不公示") && today.contains("处罚种类含“吊销许可证件”"))
            #expect(today.contains("轻微失信不公示") && today.contains("自决定日期起公示 3 年"))
            // Levies, payments and compensation: public about entities, shared among government about persons, and why.
            #expect(today.contains("法人和其他组织：向社会公开（在公示期内）；自然人：政务共享：政府部门可查，不向社会公开"))
            #expect(today.contains("按“行政补偿”归集") && today.contains("《政府信息公开条例》第十五条"))
            #expect(!today.contains("市级诚信荣誉"))

            try await Self.loadLocalVersion(client, fixture)
            let (_, announced) = try await page()
            #expect(announced.contains("新版本 2026-12 本地 将于 2026-12-01 起施行"))
            #expect(!announced.contains("市级诚信荣誉"))
            fixture.clock.set(LocalDate("2026-12-01")!)
            let (_, inForce) = try await page()
            #expect(inForce.contains("版本 2026-12 本地，自 2026-12-01 起施行") && !inForce.contains("将于"))
            #expect(inForce.contains("市级诚信荣誉") && inForce.contains("自决定日期起公示 1 年"))

            let (refused, message) = try await page("/catalog?on=2026-12-01")
            #expect(refused == .badRequest && message.contains("未知参数“on”，可用参数：purpose"))
        }
    }
}
