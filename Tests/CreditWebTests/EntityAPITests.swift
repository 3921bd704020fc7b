import CreditCore
import CreditDemo
import CreditTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Entity API")
struct EntityAPITests {
    @Test("searching a Chinese fragment returns matching entities with the interface's fields", arguments: TestEngine.available)
    func search(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, app in
            let target = app.items.first { $0.entity.kind == .enterprise }!.entity
            let fragment = String(target.name.dropFirst(2).prefix(3))
            try await client.execute(uri: "/api/v1/entities?q=\(q(fragment))&size=50", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                let found = body["items"] as! [[String: Any]]
                let expected = app.items.filter { NameSearch.normalize($0.entity.name).contains(NameSearch.normalize(fragment)) }
                #expect(body["total"] as? Int == expected.count)
                #expect(found.allSatisfy { ($0["name"] as! String).contains(fragment) })
                let entry = try #require(found.first { $0["code"] as? String == target.code.rawValue })
                #expect(entry["name"] as? String == target.name)
                #expect(entry["kind"] as? String == "enterprise")
                #expect(entry["establishedOn"] as? String == target.establishedOn.description)
                #expect((entry["legalRepresentative"] as? [String: Any])?["name"] as? String == target.legalRepresentative.name)
                #expect((entry["region"] as? [String: Any])?["code"] as? String == target.regionCode)
            }
        }
    }

    @Test("a whole credit code finds exactly its entity", arguments: TestEngine.available)
    func searchByCode(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, app in
            let code = app.items[42].entity.code.rawValue
            try await client.execute(uri: "/api/v1/entities?q=\(code.lowercased())", method: .get) { response in
                let body = try response.body.json()
                #expect(body["total"] as? Int == 1)
                #expect((body["items"] as? [[String: Any]])?.first?["code"] as? String == code)
            }
        }
    }

    @Test("one entity by code; an invalid code is 400 naming the position; an unknown one 404", arguments: TestEngine.available)
    func show(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, app in
            let e = app.items[7].entity
            try await client.execute(uri: "/api/v1/entities/\(e.code)", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                for key in ["code", "name", "kind", "status", "region", "industry", "establishedOn", "legalRepresentative"] {
                    #expect(body[key] != nil, "missing \(key)")
                }
                #expect(body["status"] as? String == e.status.rawValue)
                #expect(!response.body.text.contains(e.legalRepresentative.idNumber.rawValue), "no identity number in public JSON")
            }
            try await client.execute(uri: "/api/v1/entities/91350100M000100Y4Z", method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.code == "invalid_credit_code")
                #expect(error.message.contains("position 18"))
                #expect(error.message.contains("'3'"))
            }
            try await client.execute(uri: "/api/v1/entities/91350100M000100Y43", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try errorBody(response.body)
                #expect(error.code == "not_found")
                #expect(error.message == "未找到主体 91350100M000100Y43 / entity 91350100M000100Y43 not found")
            }
        }
    }

    @Test("paging returns the next results and no overlap", arguments: TestEngine.available)
    func paging(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            var pages: [[String]] = []
            for page in 1...2 {
                let body = try await client.execute(uri: "/api/v1/entities?q=\(q("济南"))&page=\(page)&size=10", method: .get) { $0.body }
                let items = try body.json()["items"] as! [[String: Any]]
                pages.append(items.map { $0["code"] as! String })
            }
            #expect(pages[0].count == 10 && pages[1].count == 10)
            #expect(Set(pages[0]).isDisjoint(with: pages[1]))
        }
    }

    @Test("departments are public", arguments: TestEngine.available)
    func departments(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            try await client.execute(uri: "/api/v1/departments", method: .get) { response in
                let items = try response.body.json()["items"] as! [[String: Any]]
                #expect(items.count == DemoCity.departments.count)
                #expect(items.contains { $0["name"] as? String == "济南市市场监督管理局" })
            }
        }
    }

    @Test(
        "bad input gets a 4xx JSON error with a stable code, never a 500",
        arguments: [
            ("/api/v1/entities?q=\(q("济"))", 400, "query_too_short"),
            ("/api/v1/entities", 400, "missing_parameter"),
            ("/api/v1/entities?q=\(q("济南"))&size=1000", 400, "invalid_parameter"),
            ("/api/v1/entities?q=\(q("济南"))&page=abc", 400, "invalid_parameter"),
            ("/api/v1/entities?q=\(q("济南"))&page=0", 400, "invalid_parameter"),
            ("/api/v1/entities?q=\(q("济南"))&sort=name", 400, "unknown_parameter"),
            ("/api/v1/entities?q=\(q("济南"))&q=x", 400, "duplicate_parameter"),
            ("/api/v1/entities?q=\(String(repeating: "a", count: 201))", 400, "parameter_too_long"),
            // 20 characters of 201 code points: long as the OpenAPI document (JSON Schema) counts.
            (
                "/api/v1/entities?q=\(q(String(repeating: "济\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}\u{0306}\u{0307}\u{0308}\u{0309}", count: 20) + "a"))",
                400, "parameter_too_long"
            ),
            ("/api/v1/entities?q=%FF%FE%E6", 400, "invalid_encoding"),
            ("/api/v1/entities?q=%E6%B5%8", 400, "invalid_encoding"),
            ("/api/v1/entities?q=914403001922038217", 400, "invalid_credit_code"),
            ("/api/v1/entities?q=\(q("'; DROP TABLE entities; --"))", 200, ""),
            ("/api/v1/entities/%E4%B8%AD", 400, "invalid_credit_code"),
            ("/api/v1/nothing-here", 404, "not_found"),
        ] as [(String, Int, String)]
    )
    func badInput(_ uri: String, _ status: Int, _ code: String) async throws {
        try await withTestApp(.sqlite, entities: 20) { client, _ in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(Int(response.status.code) == status, "\(uri)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                if !code.isEmpty {
                    let error = try errorBody(response.body)
                    #expect(error.code == code)
                    #expect(!error.message.isEmpty)
                }
            }
            // The registry is intact after a hostile query.
            try await client.execute(uri: "/api/v1/entities?q=\(q("济南"))", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
