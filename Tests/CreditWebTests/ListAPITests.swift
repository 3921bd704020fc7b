import CreditCore
import CreditTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("List types over HTTP")
struct ListAPITests {
    @Test(
        "anyone reads the list types in force; the credit office loads a version for a later day; a bad one is refused and changes nothing",
        arguments: TestEngine.available
    )
    func readAndLoad(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 1) { client, fixture in
            func get(_ query: String = "") async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/lists\(query)", method: .get) { response in
                    #expect(response.status == .ok)
                    return try response.body.json()
                }
            }
            let shipped = try await get()
            let items = shipped["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["code"] as? String }).isSuperset(of: ListTypes.fixedCodes))
            #expect(items.allSatisfy { ($0["basis"] as? String)?.isEmpty == false && $0["authority"] != nil && $0["kind"] != nil })

            var next = try ListTypes.bundled()
            next.version = "2027-lists"
            next.effectiveFrom = LocalDate("2027-01-01")!
            next.types[0].validityMonths = 36
            func put(_ types: ListTypes, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(
                    uri: "/api/v1/lists",
                    method: .put,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                    body: ByteBuffer(bytes: Array(try JSONEncoder().encode(types)))
                ) { ($0.status, try $0.body.json()) }
            }
            #expect(try await put(next, token: fixture.departmentToken).0 == .forbidden)
            var bad = next
            bad.version = "2027-bad"
            bad.types[2].basis = ""
            let (refused, error) = try await put(bad, token: fixture.officeToken)
            #expect(refused == .badRequest && (error["error"] as? [String: Any])?["code"] as? String == "invalid_list_types")
            #expect(try await get("?on=2027-01-01")["version"] as? String == "2026-04-01", "the refused version was not stored")
            let (created, loaded) = try await put(next, token: fixture.officeToken)
            #expect(created == .created && loaded["version"] as? String == "2027-lists")
            #expect(try await put(next, token: fixture.officeToken).0 == .conflict, "a version is never rewritten")

            #expect(try await get()["version"] as? String == "2026-04-01", "today the shipped version is in force")
            let later = try await get("?on=2027-01-01")
            #expect(later["version"] as? String == "2027-lists")
            #expect((later["items"] as? [[String: Any]])?.first?["validityMonths"] as? Int == 36)
            #expect(try await get("?on=2027-06-30")["version"] as? String == "2027-lists")
        }
    }
}
