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

/// A department's files in its own columns: refused once with a proposal for each column, mapped through the API,
/// and read by the saved mapping from then on.
@Suite("Column mappings over HTTP")
struct ColumnMappingAPITests {
    static let header = "企业名称,信用代码,处罚决定书编号,违法行为,处罚依据,处罚种类,处罚结果,决定日期,失信程度,经办人"
    static let mapping = #"""
        {"columns": [{"column": "企业名称", "field": "subjectName"}, {"column": "信用代码", "field": "subjectCode"},
        {"column": "处罚决定书编号", "field": "documentNumber"}, {"column": "违法行为", "field": "reason"},
        {"column": "处罚结果", "field": "content"}, {"column": "决定日期", "field": "decidedOn"}, {"column": "经办人", "field": null}]}
        """#

    static func file(_ code: String, _ number: String) -> String {
        header + "\n甲公司,\(code),\(number),偷税,《税收征收管理法》第六十三条,罚款,罚款人民币一万元,2026-11-20,一般,赵六\n"
    }

    /// Announces and sends a penalty file as `token`'s department; the answer's status and body.
    static func upload(_ client: some TestClientProtocol, token: String, _ text: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let announced = try await client.execute(
            uri: "/api/v1/imports",
            method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(string: #"{"category": "penalty", "filename": "本局模板.csv"}"#)
        ) { try $0.body.json() }
        let id = try #require(announced["id"] as? String)
        return try await client.execute(
            uri: "/api/v1/imports/\(id)/file",
            method: .put,
            headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"],
            body: ByteBuffer(string: text)
        ) { ($0.status, try $0.body.json()) }
    }

    static func call(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        token: String,
        category: String = "penalty",
        _ body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: "/api/v1/column-mappings/\(category)",
            method: method,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        ) { response in (response.status, response.body.readableBytes == 0 ? [:] : try response.body.json()) }
    }

    @Test(
        "an unknown header is refused with a proposal per column; once the mapping is saved, the next files import without asking",
        arguments: TestEngine.available
    )
    func mapOnce(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let token = fixture.departmentToken
            let (status, refused) = try await Self.upload(client, token: token, Self.file(fixture.entityCode, "济税罚〔2026〕401号"))
            #expect(status == .unprocessableContent && refused["status"] as? String == "failed")
            #expect((refused["error"] as? String)?.contains("“企业名称”") == true)
            let header = try #require(refused["header"] as? [String: Any])
            let columns = try #require(header["columns"] as? [[String: Any]])
            #expect(columns.map { $0["column"] as? String } == Self.header.components(separatedBy: ","))
            let proposal = Dictionary(uniqueKeysWithValues: columns.map { ($0["column"] as? String ?? "", $0) })
            #expect(proposal["信用代码"]?["field"] as? String == "subjectCode" && proposal["信用代码"]?["basis"] as? String == "similar")
            #expect(proposal["信用代码"]?["label"] as? String == "统一社会信用代码")
            #expect(proposal["处罚依据"]?["basis"] as? String == "name" && proposal["经办人"]?["basis"] as? String == "none")
            let missing = (header["missing"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(Set(missing) == ["subjectName", "content"], "the required fields no column was proposed for")
            #expect(try await fixture.stores.records.departmentRecords(DemoCity.departments[2].code, .init(), page: 1, size: 5).total == 0)

            let (savedStatus, saved) = try await Self.call(client, .put, token: token, Self.mapping)
            #expect(savedStatus == .ok && (saved["columns"] as? [[String: Any]])?.count == 7)
            let (_, shown) = try await Self.call(client, .get, token: token)
            let ignored = (shown["columns"] as? [[String: Any]])?.last
            #expect(ignored?["column"] as? String == "经办人" && ignored?["field"] is NSNull, "the ignored column is shown as ignored")

            for number in ["济税罚〔2026〕401号", "济税罚〔2026〕402号"] {
                let (status, done) = try await Self.upload(client, token: token, Self.file(fixture.entityCode, number))
                #expect(status == .ok && done["status"] as? String == "done" && done["accepted"] as? Int == 1, "\(done)")
                #expect(done["mapped"] as? Bool == true && done["header"] == nil)
            }

            // Another department's files are not read by it.
            let other = try await fixture.clerk("市场局经办人", department: DemoCity.departments[1].code)
            #expect(try await Self.call(client, .get, token: other.token).0 == .notFound)
            #expect(try await Self.upload(client, token: other.token, Self.file(fixture.entityCode, "济市监罚〔2026〕9号")).0 == .unprocessableContent)

            #expect(try await Self.call(client, .delete, token: token).0 == .noContent)
            let (gone, error) = try await Self.call(client, .get, token: token)
            #expect(gone == .notFound && (error["error"] as? [String: Any])?["code"] as? String == "no_mapping")
        }
    }

    @Test("a bad mapping is refused with its code and changes nothing")
    func badMappings() async throws {
        try await withTestApp(.sqlite, entities: 1) { client, fixture in
            let token = fixture.departmentToken
            let cases: [(String, String)] = [
                (#"{"columns": [{"column": "企业名称", "field": "subjectName"}, {"column": "企业名称", "field": "content"}]}"#, "duplicate_mapping"),
                (#"{"columns": [{"column": "企业名称", "field": "licenceNumber"}]}"#, "unknown_field"),
                (#"{"columns": [{"column": "企业名称", "field": "subjectName"}, {"column": "单位", "field": "subjectName"}]}"#, "field_mapped_twice"),
                (#"{"columns": {"企业名称": "subjectName"}}"#, "invalid_mapping"),
                (#"{"columns": []}"#, "invalid_mapping"),
                ("企业名称=subjectName", "invalid_mapping"),
            ]
            for (body, code) in cases {
                let (status, answer) = try await Self.call(client, .put, token: token, body)
                #expect(status == .badRequest && (answer["error"] as? [String: Any])?["code"] as? String == code, "\(body)")
            }
            #expect(try await Self.call(client, .get, token: token).0 == .notFound, "nothing was saved")
            #expect(try await Self.call(client, .put, token: token, category: "gossip", Self.mapping).0 == .notFound)
        }
    }
}
