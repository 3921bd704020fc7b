import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Records over HTTP: submission, the record, the queue, disclosure")
struct RecordAPITests {
    static func bearer(_ token: String, json: Bool = false) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    static func batch(_ records: [[String: Any]]) throws -> ByteBuffer {
        ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: ["records": records])))
    }

    /// Posts a batch as a department (`POST /api/v1/records`, answered 200); its results, in order.
    static func submit(_ client: any TestClientProtocol, token: String, _ records: [[String: Any]]) async throws -> [[String: Any]] {
        try await client.execute(uri: "/api/v1/records", method: .post, headers: bearer(token, json: true), body: try batch(records)) { response in
            #expect(response.status == .ok)
            return try response.body.json()["results"] as? [[String: Any]] ?? []
        }
    }

    /// `GET /api/v1/records/{id}` as the holder of `token`, its JSON.
    static func record(_ client: any TestClientProtocol, _ id: String, token: String) async throws -> [String: Any] {
        try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: bearer(token)) { try $0.body.json() }
    }

    /// A penalty as a department's JSON sends it (``Builders/penalty(_:number:decidedOn:severity:kinds:content:basis:name:)``, with its fine).
    static func penalty(_ code: String, _ number: String, decidedOn: String = "2026-11-20") -> [String: Any] {
        let penalty = Builders.penalty(code, number: number, decidedOn: decidedOn, basis: "《食品安全法》第一百二十六条")
        return penalty.fields.mapValues { $0 as Any }.merging(["category": penalty.category, "amountFen": 500_000]) { $1 }
    }

    @Test("a credit code failing its position-17 check, typed into the API, is refused naming the field; nothing is stored")
    func legacyCodeTyped() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            // Position 17 is "0" where GB 11714 gives "7" (see PenaltyRulesTests); the same row from a file is stored.
            let results = try await Self.submit(client, token: fixture.departmentToken, [Self.penalty("91370102MA3C4D5E03", "济税罚〔2026〕9号")])
            #expect(results.compactMap { $0["status"] as? String } == ["rejected"])
            let errors = results.first?["errors"] as? [[String: Any]] ?? []
            #expect(errors.compactMap { $0["code"] as? String } == ["organization_code_check"])
            #expect(errors.compactMap { $0["field"] as? String } == ["subjectCode"])
            #expect(try await fixture.stores.records.unmatched(limit: 10).isEmpty)
        }
    }

    @Test(
        "a department submits a batch; every record gets its outcome; the record, the queue and the public view follow",
        arguments: TestEngine.available
    )
    func submitAndRead(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let department = Self.bearer(fixture.departmentToken, json: true)
            var bad = Self.penalty("91350100M000100Y4Z", "B-2")
            bad["decidedOn"] = "2026-02-30"
            bad["amountFen"] = true
            let body = try Self.batch([
                Self.penalty(fixture.entityCode, "济税罚〔2026〕1号"), bad, Self.penalty(fixture.entityCode, "济税罚〔2026〕1号"),
                ["category": "rumour", "subjectName": "x"],
            ])
            let results = try await client.execute(uri: "/api/v1/records", method: .post, headers: department, body: body) { response in
                #expect(response.status == .ok)
                return try response.body.json()["results"] as? [[String: Any]] ?? []
            }
            #expect(results.map { $0["status"] as? String } == ["accepted", "rejected", "rejected", "rejected"])
            // Every problem of the record at once: the type of amountFen, the impossible date, the wrong check character.
            let codes = (results[1]["errors"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
            #expect(Set(codes) == ["invalid_type", "invalid_date", "invalid_credit_code"])
            #expect((results[2]["errors"] as? [[String: Any]])?.first?["code"] as? String == "duplicate_in_batch")
            #expect((results[3]["errors"] as? [[String: Any]])?.first?["code"] as? String == "unknown_category")
            let id = try #require(results[0]["id"] as? String)

            // The same batch again: the accepted record is unchanged, nothing is duplicated.
            let again = try await client.execute(uri: "/api/v1/records", method: .post, headers: department, body: body) {
                try $0.body.json()["results"] as? [[String: Any]] ?? []
            }
            #expect(again.first?["status"] as? String == "unchanged" && again.first?["id"] as? String == id)

            // The record as the department and the credit office see it; to anyone else it does not exist.
            let record = try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: Self.bearer(fixture.departmentToken)) {
                response in
                #expect(response.status == .ok)
                return try response.body.json()
            }
            #expect(record["dueBy"] as? String == "2026-12-01")
            #expect(record["late"] as? Bool == false)
            #expect((record["publication"] as? [String: Any])?["until"] as? String == "2027-11-20")
            #expect(record["publicToday"] as? Bool == true)
            #expect((record["versions"] as? [Any])?.count == 1)
            #expect((record["fields"] as? [String: String])?["amountFen"] == "500000")
            try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: Self.bearer(fixture.officeToken)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/records/\(id)", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/records/99999", method: .get, headers: Self.bearer(fixture.departmentToken)) {
                #expect($0.status == .notFound)
            }

            // The queue keeps every refused record as it arrived, once: the batch sent again did not queue them twice.
            let queue = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: Self.bearer(fixture.departmentToken)) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(queue.count == 3)
            #expect((queue[0]["original"] as? String)?.contains("91350100M000100Y4Z") == true)
            // Each keeps the category it was sent as, when the catalogue has it, to be corrected as that category.
            #expect(queue.map { $0["category"] as? String } == ["penalty", "penalty", nil])

            // The public sees the accepted record on the entity's page and in the API.
            let items = try await client.execute(uri: "/api/v1/entities/\(fixture.entityCode)/records", method: .get) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(items.map { $0["documentNumber"] as? String } == ["济税罚〔2026〕1号"])
            #expect(items.first?["publicUntil"] as? String == "2027-11-20")
            try await client.execute(uri: "/entities/\(fixture.entityCode)", method: .get) { response in
                #expect(response.body.text.contains("济税罚〔2026〕1号"))
                #expect(response.body.text.contains("行政处罚（1）"))
            }
            // Script and SQL in a field are stored as text and shown as text.
            var hostile = Self.penalty(fixture.entityCode, "'; DROP TABLE records; --")
            hostile["content"] = "<script>alert('x')</script>"
            let hostileResult = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: department,
                body: try Self.batch([hostile])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            #expect(hostileResult.first?["status"] as? String == "accepted")
            try await client.execute(uri: "/entities/\(fixture.entityCode)", method: .get) { response in
                #expect(!response.body.text.contains("<script>alert"))
                #expect(response.body.text.contains("&lt;script&gt;"))
                #expect(response.body.text.contains("行政处罚（2）"))
            }
            // The submission is in the audit log as a change.
            let changes = try await SQLAuditTrail(database: fixture.db).search(AuditQuery(action: .change), page: 1, size: 10)
            #expect(changes.items.map(\.route) == ["/api/v1/records", "/api/v1/records", "/api/v1/records"])
        }
    }

    @Test(
        "a control character (a NUL byte) in what is sent is refused with its reason, never a 500; the rest of the batch is stored",
        arguments: TestEngine.available
    )
    func controlCharacters(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            var tabbed = Self.penalty(fixture.entityCode, "济税罚〔2026〕8号")
            tabbed["content"] = "罚款\t人民币\n五千元"
            var broken = Self.penalty(fixture.entityCode, "济税罚〔2026〕\u{0}7号")
            broken["content"] = "罚款\u{0}人民币"
            var named = Self.penalty(fixture.entityCode, "济税罚〔2026〕9号")
            named["subjectName"] = "某\u{1}公司"
            let results = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: Self.bearer(fixture.departmentToken, json: true),
                body: try Self.batch([tabbed, broken, named])
            ) { response in
                #expect(response.status == .ok)
                return try response.body.json()["results"] as? [[String: Any]] ?? []
            }
            // Tabs and line breaks are text; a NUL or another control character is the field's error.
            #expect(results.map { $0["status"] as? String } == ["accepted", "rejected", "rejected"])
            let problems = results.dropFirst().map { ($0["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? "") \($0["code"] ?? "")" } }
            #expect(problems == [["documentNumber control_character", "content control_character"], ["subjectName control_character"]])
            // Both are queued as sent; the one whose document number cannot be a document number keeps none.
            let queue = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: Self.bearer(fixture.departmentToken)) {
                response in
                #expect(response.status == .ok)
                return try response.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(queue.map { $0["documentNumber"] as? String } == [nil, "济税罚〔2026〕9号"])
            #expect((queue.first?["original"] as? String)?.contains("罚款\\u0000人民币") == true)
            // On the queue page the correction form is filled without the control characters (a browser would send a
            // NUL back as U+FFFD, to be stored): sent as filled, the row is stored and leaves the queue.
            let (clerk, _) = try await fixture.clerk("税务报送员")
            let (session, csrf) = try await fixture.accounts.startSession(accountID: clerk.id)
            let page = try await client.execute(uri: "/rejections", method: .get, headers: [.cookie: "credit_session=\(session)"]) {
                $0.body.text
            }
            #expect(page.contains("value=\"济税罚〔2026〕7号\"") && page.contains("value=\"罚款人民币\""))
            #expect(!page.contains("\u{0}") && !page.contains("\u{FFFD}"))
            let rejectionID = try #require(queue.first?["id"] as? String)
            var filled = Self.penalty(fixture.entityCode, "济税罚〔2026〕7号").compactMapValues { "\($0)" }
            filled["content"] = "罚款人民币"
            filled["csrf"] = csrf
            try await client.execute(
                uri: "/rejections/\(rejectionID)",
                method: .post,
                headers: [.cookie: "credit_session=\(session)", .contentType: "application/x-www-form-urlencoded"],
                body: form(filled)
            ) { response in
                #expect(response.status == .seeOther)
            }

            // A query string, a file's name: refused with the reason, nothing recorded.
            for (uri, token) in [
                ("/api/v1/audit/export?purpose=\(q("核查"))%00", fixture.officeToken), ("/api/v1/entities?q=\(q("济南"))%01", fixture.officeToken),
            ] {
                try await client.execute(uri: uri, method: .get, headers: Self.bearer(token)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    let error = try errorBody(response.body)
                    #expect(error.code == "control_character")
                }
            }
            // Signing in with one in the login name: wrong, as an unknown name is (on PostgreSQL the lookup failed with 500).
            let cookie = String(repeating: "a", count: 64)
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "credit_csrf=\(cookie)"],
                body: form(["csrf": cookie, "login": "off\u{0}ice", "password": SignInWebTests.password])
            ) { response in
                #expect(response.status == .unauthorized)
            }
            let announcement = ByteBuffer(
                bytes: Array(try JSONSerialization.data(withJSONObject: ["category": "penalty", "filename": "处罚\u{0}.csv"]))
            )
            try await client.execute(
                uri: "/api/v1/imports",
                method: .post,
                headers: Self.bearer(fixture.departmentToken, json: true),
                body: announcement
            ) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.message.contains("控制字符"))
                #expect(error.code == "control_character", "as the OpenAPI document says")
            }
        }
    }

    @Test(
        "another department's record is 404; malformed or oversized batches are refused whole and store nothing; a full batch of long texts is taken",
        arguments: TestEngine.available
    )
    func refusals(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let results = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: Self.bearer(fixture.departmentToken, json: true),
                body: try Self.batch([Self.penalty(fixture.entityCode, "X-1")])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            let id = try #require(results.first?["id"] as? String)
            let (_, otherToken) = try await fixture.clerk("环保科员", department: DemoCity.departments[3].code)
            try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: Self.bearer(otherToken)) { response in
                #expect(response.status == .notFound)
            }
            for body in ["not json", #"{"records": []}"#, #"{"items": [{}]}"#, #"{"records": {"a": 1}}"#] {
                try await client.execute(
                    uri: "/api/v1/records",
                    method: .post,
                    headers: Self.bearer(fixture.departmentToken, json: true),
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(body)")
                }
            }
            // A full batch of long texts (1,000 records of a thousand characters, over 3 MiB) is taken whole.
            let full = (0..<1_000).map { i -> [String: Any] in
                var record = Self.penalty(fixture.entityCode, "L-\(i)")
                record["content"] = String(repeating: "罚", count: 1_000)
                return record
            }
            let fullBody = try Self.batch(full)
            #expect(fullBody.readableBytes > 3 << 20)
            try await client.execute(uri: "/api/v1/records", method: .post, headers: Self.bearer(fixture.departmentToken, json: true), body: fullBody)
            {
                response in
                #expect(response.status == .ok)
                let results = try response.body.json()["results"] as? [[String: Any]] ?? []
                #expect(results.count == 1_000 && results.allSatisfy { $0["status"] as? String == "accepted" })
            }
            // A body over the limit (8 MiB) is refused with 413 and a way forward, not a server error.
            var long = Self.penalty(fixture.entityCode, "X-3")
            long["content"] = String(repeating: "罚", count: 3_000_000)
            try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: Self.bearer(fixture.departmentToken, json: true),
                body: try Self.batch([long])
            ) { response in
                #expect(response.status == .contentTooLarge)
                let error = try errorBody(response.body)
                #expect(error.code == "request_too_large" && error.message.contains("8 MiB"), "\(error)")
            }
            // The same for a form sent to a page: its error page says so.
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "login=" + String(repeating: "a", count: 2 << 20))
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("1 MiB"))
            }
            // The credit office may read records but not submit them.
            try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: Self.bearer(fixture.officeToken, json: true),
                body: try Self.batch([Self.penalty(fixture.entityCode, "X-2")])
            ) { #expect($0.status == .forbidden) }
            let queue = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: Self.bearer(fixture.departmentToken)) {
                try $0.body.json()["items"] as? [Any] ?? []
            }
            #expect(queue.isEmpty, "a refused batch leaves nothing behind")
        }
    }

    @Test(
        "a long queue is paged: a total, the next page's cursor on the API and a link on the page; a bad cursor is 400",
        arguments: TestEngine.available
    )
    func queuePages(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let bad = (0..<203).map { i -> [String: Any] in
                var record = Self.penalty(fixture.entityCode, "Q-\(i)")
                record["decidedOn"] = "2026-02-30"
                return record
            }
            let department = Self.bearer(fixture.departmentToken)
            try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: Self.bearer(fixture.departmentToken, json: true),
                body: try Self.batch(bad)
            ) {
                #expect($0.status == .ok)
            }
            var seen: [String] = []
            var after: String?
            var pages = 0
            repeat {
                let query = after.map { "&after=" + q($0) } ?? ""
                let page = try await client.execute(uri: "/api/v1/rejections?limit=100" + query, method: .get, headers: department) {
                    try $0.body.json()
                }
                #expect(page["total"] as? Int == 203)
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["documentNumber"] as? String }
                after = page["next"] as? String
                pages += 1
            } while after != nil && pages < 5
            #expect(pages == 3 && seen == (0..<203).map { "Q-\($0)" }, "every rejection once, in order")
            try await client.execute(uri: "/api/v1/rejections?after=nonsense", method: .get, headers: department) {
                #expect($0.status == .badRequest)
            }

            // The page shows 200 and links to the rest.
            let (clerk, _) = try await fixture.clerk("税务报送员")
            let (session, _) = try await fixture.accounts.startSession(accountID: clerk.id)
            let cookie: HTTPFields = [.cookie: "credit_session=\(session)"]
            let first = try await client.execute(uri: "/rejections", method: .get, headers: cookie) { $0.body.text }
            #expect(first.contains("共 203 条待改正，本页 200 条"))
            let link = try #require(first.range(of: #"id="rejections-next" href="([^"]+)""#, options: .regularExpression).map { String(first[$0]) })
            let href = String(link.split(separator: "\"")[3]).replacingOccurrences(of: "&amp;", with: "&")
            let second = try await client.execute(uri: href, method: .get, headers: cookie) { $0.body.text }
            #expect(second.contains("本页 3 条") && !second.contains("rejections-next"))
        }
    }
}

@Suite("The 7-working-day clock, reported")
struct TimelinessAPITests {
    @Test(
        "an on-time rate never reads 100% beside a late record: 2,000 on time and 1 late is 99.9%",
        arguments: TestEngine.available
    )
    func rateNeverFullWithLate(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            // Received 2026-11-26: decided 2026-11-20 (on time) and, the last one, 2026-09-28 (late).
            for first in stride(from: 0, to: 2_000, by: 1_000) {
                let batch = (first..<first + 1_000).map { RecordAPITests.penalty(fixture.entityCode, "R-\($0)", decidedOn: "2026-11-20") }
                #expect(try await RecordAPITests.submit(client, token: fixture.departmentToken, batch).count == 1_000)
            }
            let late = [RecordAPITests.penalty(fixture.entityCode, "R-late", decidedOn: "2026-09-28")]
            #expect(try await RecordAPITests.submit(client, token: fixture.departmentToken, late).first?["status"] as? String == "accepted")
            let code = DemoCity.departments[2].code
            let total = try await client.execute(
                uri: "/api/v1/departments/\(code)/timeliness?from=2026-09-01&to=2026-11-30",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.officeToken)"]
            ) { try $0.body.json()["total"] as? [String: Any] ?? [:] }
            #expect(total["records"] as? Int == 2_001 && total["late"] as? Int == 1)
            #expect(total["onTimeRate"] as? Double == 0.999)
            let (session, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            try await client.execute(uri: "/timeliness?from=2026-09-01&to=2026-11-30", method: .get, headers: [.cookie: "credit_session=\(session)"])
            {
                let page = $0.body.text
                #expect(page.contains("99.9%") && !page.contains("100.0%"), "\(page)")
                #expect(page.contains("<td>2,001</td>"))  // counts in groups of three, as people read them
            }
        }
    }

    @Test("on-time rate, late count and average delay per department and category, on the API and the page", arguments: TestEngine.available)
    func report(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            // Received 2026-11-26: one decided 2026-11-20 (on time), one decided 2026-09-28 (due 2026-10-13 after the
            // National Day holiday, 32 working days late).
            let results = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                body: try RecordAPITests.batch([
                    RecordAPITests.penalty(fixture.entityCode, "T-1", decidedOn: "2026-11-20"),
                    RecordAPITests.penalty(fixture.entityCode, "T-2", decidedOn: "2026-09-28"),
                ])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            #expect(results.compactMap { $0["status"] as? String } == ["accepted", "accepted"])
            let code = DemoCity.departments[2].code
            let report = try await client.execute(
                uri: "/api/v1/departments/\(code)/timeliness?from=2026-09-01&to=2026-11-30",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.officeToken)"]
            ) { response in
                #expect(response.status == .ok)
                return try response.body.json()
            }
            let total = report["total"] as? [String: Any] ?? [:]
            #expect(total["records"] as? Int == 2 && total["late"] as? Int == 1)
            #expect(total["onTimeRate"] as? Double == 0.5)
            #expect(total["averageDelayWorkingDays"] as? Double == 16)
            #expect((report["categories"] as? [[String: Any]])?.first?["categoryName"] as? String == "行政处罚")
            // The department sees its own figures, not another's; a period before the records has none.
            try await client.execute(
                uri: "/api/v1/departments/\(code)/timeliness?from=2026-01-01&to=2026-08-31",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"]
            ) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect((body["total"] as? [String: Any])?["records"] as? Int == 0)
            }
            try await client.execute(
                uri: "/api/v1/departments/\(DemoCity.departments[3].code)/timeliness",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"]
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/api/v1/departments/\(code)/timeliness?from=2026-12-01&to=2026-11-01",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.officeToken)"]
            ) { #expect($0.status == .badRequest) }
            let (session, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            try await client.execute(uri: "/timeliness?from=2026-09-01&to=2026-11-30", method: .get, headers: [.cookie: "credit_session=\(session)"])
            {
                response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("国家税务总局济南市税务局") && response.body.text.contains("50.0%"))
            }
        }
    }

    @Test(
        "a due date counted into a year with no arrangement is marked an estimate on the record, the report and the page",
        arguments: TestEngine.available
    )
    func estimated(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            // Received 26 November 2026, decided the 20th: counted in 2026 alone.
            _ = try await RecordAPITests.submit(
                client,
                token: fixture.departmentToken,
                [RecordAPITests.penalty(fixture.entityCode, "E-0", decidedOn: "2026-11-20")]
            )
            // Received 8 January 2027, decided on Christmas Eve 2026: due 5 January (元旦 by law), with no 2027 arrangement shipped.
            fixture.clock.set(LocalDate("2027-01-08")!)
            let results = try await RecordAPITests.submit(
                client,
                token: fixture.departmentToken,
                [RecordAPITests.penalty(fixture.entityCode, "E-1", decidedOn: "2026-12-24")]
            )
            let id = try #require(results.first?["id"] as? String)
            let record = try await RecordAPITests.record(client, id, token: fixture.officeToken)
            #expect(record["dueBy"] as? String == "2027-01-05" && record["dueByEstimated"] as? Bool == true)
            #expect(record["late"] as? Bool == true && record["delayWorkingDays"] as? Int == 3)
            let code = DemoCity.departments[2].code
            let report = try await client.execute(
                uri: "/api/v1/departments/\(code)/timeliness?from=2026-12-01&to=2027-01-08",
                method: .get,
                headers: RecordAPITests.bearer(fixture.officeToken)
            ) {
                try $0.body.json()
            }
            #expect((report["total"] as? [String: Any])?["estimated"] as? Int == 1)
            let (session, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            let cookie: HTTPFields = [.cookie: "credit_session=\(session)"]
            let page = try await client.execute(uri: "/timeliness?from=2026-12-01&to=2027-01-08", method: .get, headers: cookie) { $0.body.text }
            #expect(page.contains(#"id="timeliness-estimated""#) && page.contains("（2027–2028）") && page.contains("<th>期限为估算</th>"))
            // A period that does not reach the estimate has no note.
            let autumn = try await client.execute(uri: "/timeliness?from=2026-09-01&to=2026-11-30", method: .get, headers: cookie) { $0.body.text }
            #expect(!autumn.contains("timeliness-estimated") && !autumn.contains("期限为估算") && autumn.contains("timeliness-table"))
        }
    }
}

@Suite("Public search of records and open-data export")
struct OpenDataTests {
    @Test("open data of one category in the national standard's columns: its names and order, 万元, the rule's 公示截止期")
    func standardColumns() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            var penalty = RecordAPITests.penalty(fixture.entityCode, "济税罚〔2026〕401号", decidedOn: "2026-11-20")
            penalty["fine"] = "0.5"
            penalty["amountFen"] = "500000"
            penalty["subjectKind"] = "法人及非法人组织"
            penalty["legalRepresentative"] = "张三"
            penalty["legalRepresentativeIdNumber"] = "11010519491231002X"
            let stored = try await RecordAPITests.submit(client, token: fixture.departmentToken, [penalty])
            #expect(stored.first?["status"] as? String == "accepted", "\(stored)")
            let csv = try await client.execute(uri: "/api/v1/open-data/records?format=csv&category=penalty&columns=standard", method: .get) {
                response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/csv; charset=utf-8")
                return response.body.text
            }
            let lines = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = lines[0]
            #expect(header.first == "\u{FEFF}行政相对人名称" && header.contains("行政相对人代码_1（统一社会信用代码）") && header.contains("罚款金额（万元）"))
            let row = try #require(lines.dropFirst().first { $0.contains("济税罚〔2026〕401号") })
            func value(_ column: String) -> String? { header.firstIndex(of: column).map { row[$0] } }
            #expect(value("罚款金额（万元）") == "0.5" && value("行政相对人类别") == "法人及非法人组织" && value("失信程度") == "一般")
            #expect(value("公示截止期") == "2027-11-20", "the last public day of a general penalty decided 2026-11-20")
            #expect(value("法定代表人证件号码") == "110105********002X" && !csv.contains("11010519491231002X"))
            for bad in ["columns=standard", "columns=standard&category=penalty&format=json", "columns=nice&category=penalty"] {
                try await client.execute(uri: "/api/v1/open-data/records?\(bad)", method: .get) { #expect($0.status == .badRequest, "\(bad)") }
            }
        }
    }

    @Test("search by category, department and date; export the same as CSV and JSON, masked", arguments: TestEngine.available)
    func searchAndExport(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            var person: [String: Any] = [
                "category": "penalty", "subjectIdNumber": "11010519491231002X", "subjectName": "张三", "documentNumber": "O-3",
                "decidedOn": "2026-11-23", "content": "罚款五百元", "basis": "某法", "severity": "general", "punishmentKinds": "罚款",
            ]
            person["amountFen"] = 50_000
            var license = RecordAPITests.penalty(fixture.entityCode, "L-1", decidedOn: "2026-11-18")
            license["category"] = "license"
            license["content"] = "食品经营许可"
            license["basis"] = "《食品经营许可管理办法》"
            license.removeValue(forKey: "severity")
            license.removeValue(forKey: "punishmentKinds")
            license.removeValue(forKey: "amountFen")
            license.removeValue(forKey: "procedure")
            let results = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                body: try RecordAPITests.batch([
                    RecordAPITests.penalty(fixture.entityCode, "O-1", decidedOn: "2026-11-20"), license, person,
                ])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            #expect(results.compactMap { $0["status"] as? String } == ["accepted", "accepted", "accepted"])

            func search(_ query: String) async throws -> [String] {
                try await client.execute(uri: "/api/v1/records?\(query)", method: .get) { response in
                    #expect(response.status == .ok, "\(query)")
                    return (try response.body.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["documentNumber"] as? String }
                }
            }
            #expect(try await search("") == ["O-3", "O-1", "L-1"])
            // Each shows its window; an adverse record also the end of its shortest period (when repair may be asked).
            let windows = try await client.execute(uri: "/api/v1/entities/\(fixture.entityCode)/records", method: .get) { response in
                try (response.body.json()["items"] as? [[String: Any]] ?? []).map {
                    ["\($0["documentNumber"] ?? "")", "\($0["publicFrom"] ?? "-")", "\($0["earliestEnd"] ?? "-")", "\($0["publicUntil"] ?? "-")"]
                }
            }
            let received = fixture.clock.today().description
            #expect(windows.contains(["O-1", received, "2027-02-20", "2027-11-20"]), "a general penalty: 3 months to a year, \(windows)")
            #expect(windows.contains(["L-1", received, "-", "2029-11-18"]), "a licence: 36 months, no repair, \(windows)")
            try await client.execute(uri: "/entities/\(fixture.entityCode)", method: .get) { response in
                let page = response.body.text
                #expect(page.contains("\(received) 至 2027-11-20") && page.contains("<td class=\"record-earliest-end\">2027-02-20</td>"))
                #expect(page.contains("\(received) 至 2029-11-18") && page.contains("id=\"repair-note\""))
            }
            #expect(try await search("category=license") == ["L-1"])
            #expect(try await search("from=2026-11-19&to=2026-11-21") == ["O-1"])
            #expect(try await search("department=\(DemoCity.departments[2].code)").count == 3)
            #expect(try await search("department=\(DemoCity.departments[3].code)").isEmpty)
            for bad in ["category=complaint", "category=gossip", "from=2026-13-01", "department=123", "from=2026-11-30&to=2026-11-01"] {
                try await client.execute(uri: "/api/v1/records?\(bad)", method: .get) { #expect($0.status == .badRequest, "\(bad)") }
            }

            let csv = try await client.execute(uri: "/api/v1/open-data/records?format=csv&category=penalty", method: .get) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                return response.body.text
            }
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == 3 && lines[0].hasPrefix("\u{FEFF}编号,类别,决定文书号"))
            #expect(csv.contains("110105********002X") && !csv.contains("11010519491231002X"))
            // The window's three dates at the end of each line (added after 公示截止, so older readers keep their columns).
            #expect(lines[0].hasSuffix(",公示截止,公示起始,最短公示期满"))
            #expect(lines.contains { $0.contains(",O-1,") && $0.hasSuffix(",2027-11-20,\(fixture.clock.today()),2027-02-20") })
            let json = try await client.execute(uri: "/api/v1/open-data/records?format=json", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]] ?? []
            }
            #expect(json.count == 3 && json.allSatisfy { ($0["subjectIdNumber"] as? String).map { $0.contains("*") } ?? true })
            try await client.execute(uri: "/api/v1/open-data/records?format=xml", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/records?category=penalty", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.contains("O-1") && response.body.text.contains("张三 110105********002X"))
                #expect(!response.body.text.contains("L-1"))
            }
        }
    }

    @Test(
        "a text a spreadsheet would run as a formula (= + - @ first) is exported as text: the open-data CSV puts an apostrophe before it",
        arguments: TestEngine.available
    )
    func formulasExportedAsText(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            var record = RecordAPITests.penalty(fixture.entityCode, "+F-1")
            record["content"] = #"=HYPERLINK("http://example.com/","查看详情")"#
            record["basis"] = "@SUM(1,2)"
            record["subjectName"] = "-某公司"
            let results = try await RecordAPITests.submit(client, token: fixture.departmentToken, [record])
            #expect(results.compactMap { $0["status"] as? String } == ["accepted"])
            let csv = try await client.execute(uri: "/api/v1/open-data/records?format=csv", method: .get) { $0.body.text }
            let line = try #require(csv.split(separator: "\r\n").first { $0.contains("F-1") })
            #expect(line.contains(",'+F-1,'-某公司,"), "\(line)")
            #expect(line.contains(#","'=HYPERLINK(""http://example.com/"",""查看详情"")","'@SUM(1,2)","#), "\(line)")
            // The JSON keeps the values as sent.
            let json = try await client.execute(uri: "/api/v1/open-data/records?format=json", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]] ?? []
            }
            #expect(json.first?["content"] as? String == #"=HYPERLINK("http://example.com/","查看详情")"#)
        }
    }
}
