import CreditCore
import CreditTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Public portal pages")
struct PortalTests {
    @Test("the home page has one search box and counts the registered entities", arguments: TestEngine.available)
    func home(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 123) { client, _ in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = response.body.text
                #expect(html.contains("<html lang=\"zh-CN\">"))
                #expect(html.contains("信用信息公示查询"))
                #expect(html.contains("id=\"entity-count\">123<"))
            }
        }
    }

    @Test("a search lists results with links to entity pages and pages on", arguments: TestEngine.available)
    func search(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, app in
            let matching = app.items.filter { $0.entity.name.contains("济南") }
            try await client.execute(uri: "/search?q=\(q("济南"))", method: .get) { response in
                #expect(response.status == .ok)
                let html = response.body.text
                #expect(html.contains("共找到 \(matching.count) 户主体"))
                #expect(html.contains("href=\"/entities/\(matching[0].entity.code)\""))
                #expect(html.contains(matching[0].entity.name))
                #expect(html.contains("id=\"next-page\""))
            }
        }
    }

    @Test("a one-character search explains what to type, with status 400")
    func tooShort() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, _ in
            try await client.execute(uri: "/search?q=\(q("济"))", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.text.contains("至少两个字"))
            }
        }
    }

    @Test("the entity page shows basic information, people and history, and no identity number", arguments: TestEngine.available)
    func entityPage(_ engine: TestEngine) async throws {
        try await withTestApp(engine) { client, app in
            let e = app.items[3].entity
            try await client.execute(uri: "/entities/\(e.code)", method: .get) { response in
                #expect(response.status == .ok)
                let html = response.body.text
                #expect(html.contains("id=\"entity-name\">\(e.name)"))
                #expect(html.contains("id=\"entity-code\">\(e.code)<"))
                #expect(html.contains(e.legalRepresentative.name))
                #expect(html.contains(e.establishedOn.description))
                #expect(html.contains("登记变更记录"))
                #expect(!html.contains(e.legalRepresentative.idNumber.rawValue))
            }
            try await client.execute(uri: "/entities/91350100M000100Y43", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.body.text.contains("未找到"))
            }
            try await client.execute(uri: "/entities/not-a-code", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("markup in a query is escaped, not executed")
    func escaping() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, _ in
            try await client.execute(uri: "/search?q=\(q("<script>alert(1)</script>"))", method: .get) { response in
                #expect(!response.body.text.contains("<script>alert(1)</script>"))
                #expect(response.body.text.contains("&lt;script&gt;"))
            }
        }
    }
}
