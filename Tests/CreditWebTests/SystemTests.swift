import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLKit
import Testing

@Suite("System routes")
struct SystemTests {
    @Test("/healthz answers when the database does, and names next year's missing calendar", arguments: TestEngine.available)
    func health(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect(body["status"] as? String == "ok")
                #expect(body["engine"] as? String == engine.rawValue)
                #expect(body["calendarMissingYears"] as? [Int] == [2027], "the clock says 2026 and 2027 has not been loaded")
            }
        }
    }

    @Test(
        "HEAD says what GET would: a page's length, and no length for a streamed export; over a socket no body follows and the connection goes on",
        arguments: TestEngine.available
    )
    func headFraming(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5, testing: .live) { client, _ in
            let length = try await client.execute(uri: "/api/v1/departments", method: .get) { $0.body.readableBytes }
            try await client.execute(uri: "/api/v1/departments", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(length))
                #expect(response.body.readableBytes == 0)
            }
            for format in ["csv", "json"] {
                try await client.execute(uri: "/api/v1/open-data/records?format=\(format)", method: .head) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentLength] == nil, "a streamed body's length is not known before it is sent (\(format))")
                    #expect(response.headers[.transferEncoding] == "chunked", "\(format)")
                    #expect(!response.headers.contains { $0.name.canonicalName.hasPrefix("x-credit") }, "the server's own mark is never sent")
                    #expect(response.body.readableBytes == 0)
                }
            }
            // The same connection answers the next request: nothing was sent after the HEAD's headers.
            try await client.execute(uri: "/api/v1/open-data/records?format=csv", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.text.hasPrefix("\u{FEFF}编号"))
            }
        }
    }

    @Test("/metrics is Prometheus text with request counts by route")
    func metrics() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, _ in
            try await client.execute(uri: "/api/v1/departments", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = response.body.text
                #expect(text.contains("# TYPE hb_requests counter"))
                #expect(text.contains("http_route=\"/api/v1/departments\""))
                #expect(text.contains("credit_database_up 1"))
                #expect(text.contains("http_server_request_duration_bucket"))
            }
        }
    }

    @Test("the OpenAPI document describes every /api route the router serves")
    func openAPICoversRoutes() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let dependencies = AppDependencies(stores: try await TestDatabase.stores(db))
            let router = try await buildRouter(dependencies: dependencies)
            let app = Application(router: router)
            let buffer = try await app.test(.router) { client in
                let json = try await client.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    return response.body
                }
                try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/yaml")
                }
                return json
            }
            let document = try buffer.json()
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = document["paths"] as? [String: [String: Any]] ?? [:]
            // HEAD is generated for every GET (the document names the GET, as HTTP implies the HEAD).
            let apiRoutes = router.routes.filter { $0.path.description.hasPrefix("/api") && $0.method != .head }
            #expect(!apiRoutes.isEmpty)
            for route in apiRoutes {
                let operations = paths[route.path.description]
                #expect(operations?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(route.path) is not in openapi.json")
            }
            #expect(
                paths.keys.allSatisfy { path in apiRoutes.contains { $0.path.description == path } },
                "openapi.json names a route that does not exist"
            )
        }
    }

    @Test("a method a served address does not take is 405 naming the methods it does (Allow), before sign-in and CSRF; an unknown address stays 404")
    func methodNotAllowed() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            let bearer: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)"]
            for (method, uri, allow) in [
                (HTTPRequest.Method(rawValue: "TRACE")!, "/api/v1/records", "GET, HEAD, POST"),
                (.delete, "/api/v1/entities/\(fixture.entityCode)", "GET, HEAD"),
                (.put, "/api/v1/records/17", "GET, HEAD"),
                (.post, "/healthz", "GET, HEAD"),
            ] {
                try await client.execute(uri: uri, method: method, headers: bearer) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    guard uri.hasPrefix("/api/") else {
                        // Outside the API the answer is a page.
                        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                        return
                    }
                    let error = try errorBody(response.body)
                    #expect(error.code == "method_not_allowed")
                    #expect(error.message.contains(allow))
                }
            }
            // Without a token or a CSRF token too: such a request reaches no handler, so nothing is asked of it.
            try await client.execute(uri: "/api/v1/catalog", method: HTTPRequest.Method(rawValue: "TRACE")!) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD, PUT")
            }
            // HEAD wherever GET: the GET's status and headers, no body.
            try await client.execute(uri: "/healthz", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/v1/entities/\(fixture.entityCode)", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            for (method, uri) in [(HTTPRequest.Method.put, "/api/v1/nothing"), (.get, "/api/v1/records/17/versions"), (.get, "/api/v1/records/17")] {
                try await client.execute(uri: uri, method: method, headers: bearer) { response in
                    #expect(response.status == .notFound, "\(method) \(uri)")
                }
            }
        }
    }

    @Test("request logs carry a request id and never the query string or an identity number")
    func logsHoldNoPersonalData() async throws {
        let logs = CollectingLogHandler()
        try await withTestApp(.sqlite, entities: 5, logs: logs) { client, app in
            let id = app.items[0].entity.legalRepresentative.idNumber.rawValue
            try await client.execute(uri: "/api/v1/entities?q=\(id)", method: .get) { response in
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/search?q=\(id)", method: .get) { _ in }
        }
        let lines = logs.lines
        #expect(lines.contains { $0.contains("http.path=/api/v1/entities") && $0.contains("hb.request.id=") })
        #expect(!lines.contains { $0.contains("11010519") || $0.range(of: #"\d{17}[\dX]"#, options: .regularExpression) != nil })
    }

    @Test("the latest checkpoint is public and its signature checks out", arguments: TestEngine.available)
    func checkpoint(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 30) { client, _ in
            try await client.execute(uri: "/api/v1/log/checkpoint", method: .get) { response in
                #expect(response.status == .notFound, "none signed yet")
                let error = try errorBody(response.body)
                #expect(error.code == "no_checkpoint")
            }
        }
        try await withTestApp(engine, entities: 30) { client, app in
            let signed = try await app.stores.log.signCheckpoint()
            let body = try await client.execute(uri: "/api/v1/log/checkpoint", method: .get) { $0.body }
            let json = try body.json()
            #expect(json["size"] as? Int == 30)
            #expect(json["rootHash"] as? String == signed.rootHash)
            #expect(json["keyId"] as? String == signed.keyID)
            let served = try JSONDecoder().decode(Checkpoint.self, from: Data(body.readableBytesView))
            #expect(served.signatureIsValid)
        }
    }

    @Test("anonymous callers are limited per minute, probes are not, and the limit refills with time")
    func rateLimit() async throws {
        let clock = FixedClock(date: LocalDate("2026-11-26")!)
        try await withTestApp(
            .sqlite,
            entities: 5,
            clock: clock,
            configuration: AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: 3)
        ) { client, _ in
            for _ in 0..<3 {
                try await client.execute(uri: "/api/v1/departments", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/v1/departments", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "20")
                let error = try errorBody(response.body)
                #expect(error.code == "rate_limited")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok, "probes are exempt") }
            clock.advance(by: 20)
            try await client.execute(uri: "/api/v1/departments", method: .get) { #expect($0.status == .ok, "one token back after 20 s") }
            try await client.execute(uri: "/api/v1/departments", method: .get) { #expect($0.status == .tooManyRequests) }
        }
    }

    @Test(
        "a request the database cannot serve — its session ended by the server's administrator on PostgreSQL, the file locked by another process on SQLite — is answered 503 database_unavailable with Retry-After; nothing of it is stored, and sent again it is",
        arguments: TestEngine.available
    )
    func databaseUnavailable(_ engine: TestEngine) async throws {
        // No look for calendar loads: its first look counts clocks again under every department's lock, a second
        // writer this test would have to tell from the batch.
        try await withTestApp(engine, entities: 5, configuration: ImportAPITests.noReloads) { client, fixture in
            let db = fixture.db
            let penalty = RecordAPITests.penalty(fixture.entityCode, "断线〔2026〕1号")
            let headers = RecordAPITests.bearer(fixture.departmentToken, json: true)
            let batch = try RecordAPITests.batch([penalty])
            let send = { @Sendable in
                Started {
                    try await client.execute(uri: "/api/v1/records", method: .post, headers: headers, body: batch) {
                        ($0.status, $0.headers[.retryAfter], $0.body)
                    }
                }
            }
            let answer: (status: HTTPResponse.Status, retryAfter: String?, body: ByteBuffer)
            switch engine {
            case .postgres:
                // The batch waits for the log's lock in its transaction; then its session is ended, as an
                // administrator's pg_terminate_backend (or a restart of the server) would. It is answered at once:
                // before, its ROLLBACK on the closing connection was sometimes never answered, and neither was it.
                answer = try await TestDatabase.holdingTheLog(db) { _ in
                    let sent = send()
                    try await TestDatabase.untilWaiting(db, count: 1, unlessEnded: [sent.ended])
                    #expect(try await TestDatabase.endWaitingSessions(db) == 1)
                    try await TestDatabase.untilEnded(sent, within: .seconds(20))
                    return try await sent.value
                }
            case .sqlite:
                // Another process holds the file's write lock longer than the platform waits for it (50 ms here).
                try await db.transaction { sql in try await sql.raw("PRAGMA busy_timeout=50").run() }
                let other = try await CreditDatabase.open(db.url, logger: TestDatabase.logger)
                do {
                    answer = try await TestDatabase.holding(other, { sql in try await sql.raw("SELECT 1").run() }) { _ in
                        try await send().value
                    }
                    await other.close()
                } catch {
                    await other.close()
                    throw error
                }
            }
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.retryAfter == "30")
            let error = try errorBody(answer.body)
            #expect(error.code == "database_unavailable")
            #expect(error.message.contains("数据库暂时无法访问") && error.message.contains("nothing was changed"))
            // Nothing of the batch was stored: sent again, it is accepted (not found unchanged), once.
            let again = try await RecordAPITests.submit(client, token: fixture.departmentToken, [penalty])
            #expect(again.map { $0["status"] as? String } == ["accepted"])
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("responses carry security headers")
    func securityHeaders() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, _ in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            }
        }
    }
}

@Suite("Holiday years and catalogue versions loaded from the command line while the server runs")
struct ReloadTests {
    @Test(
        "the server puts a year loaded by credit calendar load in force without a restart, and counts again what it stored meanwhile",
        arguments: TestEngine.available
    )
    func reload(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2027-01-08")!)
            let items = try await TestDatabase.seedDemo(SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock), count: 3)
            let logger = Logger(label: "credit-web-test") { _ in CollectingLogHandler() }
            let server = try await AppDependencies.standard(database: db, keys: TestDatabase.keys, signer: .ephemeral(), clock: clock, logger: logger)
            let reloader = CalendarReloader(dependencies: server, logger: logger)
            #expect(try await reloader.reloadIfChanged()?.counted == 0, "the first look reads the calendar")
            #expect(try await reloader.reloadIfChanged() == nil, "nothing loaded since")
            let tax = DemoCity.departments[2].code
            let code = items[1].entity.code.rawValue
            func submit(_ number: String, decidedOn: String) async throws -> StoredRecord {
                let penalty = Builders.penalty(code, number: number, decidedOn: decidedOn, basis: "《中华人民共和国税收征收管理法》第六十四条")
                let results = try await server.records.submit(
                    departmentCode: tax,
                    items: TestDatabase.items([penalty], catalogue: server.catalogue, today: clock.today()),
                    source: "api"
                )
                let id = try #require(results.first?.id)
                return try #require(try await server.records.fetchRecord(id: id))
            }
            // Decided Monday 1 February 2027, received the 17th; with no 2027 arrangement, due the 16th by law: late.
            clock.set(LocalDate("2027-02-17")!)
            let before = try await submit("济税罚〔2027〕11号", decidedOn: "2027-02-01")
            #expect(before.timeliness?.estimated == true && before.timeliness?.late == true)

            // The credit office loads an arrangement for 2027 (`HolidayYear.madeUp2027`: 春节 5–12 February, Sunday the 14th worked).
            let arrangement = HolidayYear.madeUp2027
            try await SQLCalendarStore(database: db, clock: clock).load(arrangement)
            // The server still counts with what it read: a record arriving now is an estimate.
            let meanwhile = try await submit("济税罚〔2027〕12号", decidedOn: "2027-02-01")
            #expect(meanwhile.timeliness?.estimated == true && meanwhile.timeliness?.late == true && !server.calendar.hasData(for: 2027))

            // Its next look finds the year, puts it in force and counts again the estimate it stored: due the 17th, on time.
            let recount = try #require(try await reloader.reloadIfChanged())
            #expect(recount.counted == 1 && recount.changed == 1 && recount.lateChanged == 1 && recount.stillEstimated == 0)
            #expect(server.calendar.hasData(for: 2027) && server.calendar.missingYears(from: 2027, through: 2027).isEmpty)
            for id in [before.id, meanwhile.id] {
                let record = try #require(try await server.records.fetchRecord(id: id))
                #expect(
                    record.timeliness?.dueBy == LocalDate("2027-02-17") && record.timeliness?.late == false && record.timeliness?.estimated == false
                )
            }
            let after = try await submit("济税罚〔2027〕13号", decidedOn: "2027-02-01")
            #expect(after.timeliness?.dueBy == LocalDate("2027-02-17") && after.timeliness?.estimated == false && after.timeliness?.late == false)
            #expect(try await reloader.reloadIfChanged() == nil)
        }
    }

    @Test("a catalogue version loaded from the command line is put in force by the running server", arguments: TestEngine.available)
    func catalogue(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-27")!)
            let logger = Logger(label: "credit-web-test") { _ in CollectingLogHandler() }
            let server = try await AppDependencies.standard(database: db, keys: TestDatabase.keys, signer: .ephemeral(), clock: clock, logger: logger)
            let reloader = CatalogueReloader(dependencies: server, logger: logger)
            #expect(try await reloader.reloadIfChanged().isEmpty)
            let shipped = server.catalogue.version
            var next = try Catalogue.bundled()
            next.version = "2026-12-test"
            next.effectiveFrom = LocalDate("2026-12-01")!
            try await SQLCatalogueStore(database: db, clock: clock).load(next, loadedBy: "cli")
            #expect(server.catalogues.all.count == 1, "the server does not know it yet")
            #expect(try await reloader.reloadIfChanged() == ["2026-12-test"])
            #expect(server.catalogue.version == shipped, "in force from 1 December, not before")
            clock.set(LocalDate("2026-12-01")!)
            #expect(server.catalogue.version == "2026-12-test")
            #expect(try await reloader.reloadIfChanged().isEmpty && server.catalogues.all.count == 2)
            // `PUT /api/v1/catalog` adds what it stored; the reloader may have added it first: it is there once.
            server.catalogues.add(next)
            #expect(server.catalogues.all.count == 2)
        }
    }
}

@Suite("The credit office's calendar page")
struct CalendarPageTests {
    static let notice2027 = """
        国务院办公厅关于2027年部分节假日安排的通知（测试用，虚构）
        一、元旦：1月1日至3日放假，共3天。
        二、春节：2月5日至12日放假调休，共8天。2月14日（周日）上班。
        三、清明节：4月3日至5日放假，共3天。
        四、劳动节：5月1日至5日放假调休，共5天。
        五、端午节：6月9日放假。
        六、中秋节：9月15日放假。
        七、国庆节：10月1日至7日放假调休，共7天。
        """

    @Test(
        "from 1 November the office's pages remind it to load next year's holidays, until it does; the public and departments see no such line",
        arguments: TestEngine.available
    )
    func reminder(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            func reminded(_ uri: String, _ headers: HTTPFields = [:]) async throws -> Bool {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .ok, "\(uri)")
                    return response.body.text.contains("id=\"calendar-reminder\"")
                }
            }
            // Sessions last 12 hours: one for each day the clock is set to.
            func signIn(_ account: Account) async throws -> (cookie: HTTPFields, csrf: String) {
                let (session, csrf) = try await fixture.accounts.startSession(accountID: account.id)
                return ([.cookie: "credit_session=\(session)"], csrf)
            }
            fixture.clock.set(LocalDate("2026-10-31")!)
            #expect(try await !reminded("/timeliness", try await signIn(fixture.office).cookie))
            fixture.clock.set(LocalDate("2026-11-27")!)
            let (office, csrf) = try await signIn(fixture.office)
            for uri in ["/timeliness", "/unmatched", "/"] { #expect(try await reminded(uri, office), "\(uri)") }
            let page = try await client.execute(uri: "/calendar", method: .get, headers: office) { $0.body.text }
            #expect(page.contains("2027 年节假日安排尚未载入") && page.contains("<a href=\"/calendar\">前往工作日历</a>"))
            #expect(try await !reminded("/"), "the public")
            let (clerk, _) = try await fixture.clerk("报送员 钱七")
            #expect(try await !reminded("/imports", try await signIn(clerk).cookie), "a department")
            // Loaded: the line goes, on the next page.
            var post = office
            post[.contentType] = "application/x-www-form-urlencoded"
            let loaded = try await client.execute(
                uri: "/calendar",
                method: .post,
                headers: post,
                body: form(["notice": Self.notice2027, "action": "load", "csrf": csrf])
            ) { $0.status }
            #expect(loaded == .ok)
            #expect(try await !reminded("/timeliness", office))
        }
    }

    @Test(
        "the office previews a pasted notice, is stopped by one that makes 元旦 a working day, loads the right one: in force at once, the late record on time",
        arguments: TestEngine.available
    )
    func loadNotice(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            // A penalty decided 1 February 2027 received the 17th: by the law's holidays alone, due the 16th — late.
            fixture.clock.set(LocalDate("2027-02-17")!)
            let results = try await RecordAPITests.submit(
                client,
                token: fixture.departmentToken,
                [RecordAPITests.penalty(fixture.entityCode, "C-1", decidedOn: "2027-02-01")]
            )
            let id = try #require(results.first?["id"] as? String)
            func record() async throws -> [String: Any] { try await RecordAPITests.record(client, id, token: fixture.officeToken) }
            #expect(try await record()["late"] as? Bool == true)

            let (session, csrf) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            let cookie: HTTPFields = [.cookie: "credit_session=\(session)"]
            let page = try await client.execute(uri: "/calendar", method: .get, headers: cookie) { $0.body.text }
            #expect(page.contains("<td>2027</td>") && page.contains("估算"))
            let formHeaders: HTTPFields = [.cookie: "credit_session=\(session)", .contentType: "application/x-www-form-urlencoded"]
            func post(_ fields: [String: String]) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/calendar", method: .post, headers: formHeaders, body: form(fields.merging(["csrf": csrf]) { $1 })) {
                    ($0.status, $0.body.text)
                }
            }
            // Preview: read, shown, not stored.
            let (previewStatus, preview) = try await post(["notice": Self.notice2027, "action": "preview"])
            #expect(previewStatus == .ok && preview.contains("2027-02-05 至 2027-02-12") && preview.contains("2027-02-14"))
            #expect(try await record()["late"] as? Bool == true)
            // 元旦 left out: a statutory holiday would be a working day — refused, nothing stored.
            let slip = Self.notice2027.replacingOccurrences(of: "一、元旦：1月1日至3日放假，共3天。\n", with: "")
            let (slipStatus, refused) = try await post(["notice": slip, "action": "load"])
            #expect(slipStatus == .badRequest && refused.contains("calendar-contradictions") && refused.contains("2027-01-01"))
            func missing() async throws -> [Int]? {
                try await client.execute(uri: "/healthz", method: .get) { try $0.body.json()["calendarMissingYears"] as? [Int] }
            }
            #expect(try await missing() == [2027, 2028])  // this year and next, on the clock of February 2027
            // Not a notice at all.
            let (junkStatus, junk) = try await post(["notice": "会议纪要", "action": "load"])
            #expect(junkStatus == .badRequest && junk.contains("calendar-problems"))
            // The right one: stored, in force at once, the late record counted again — on time.
            let (loadStatus, loaded) = try await post(["notice": Self.notice2027, "action": "load"])
            #expect(loadStatus == .ok && loaded.contains("已载入 2027 年") && loaded.contains("迟报与否改变 1 条"))
            #expect(try await missing() == [2028])
            let now = try await record()
            #expect(now["late"] as? Bool == false && now["dueBy"] as? String == "2027-02-17" && now["dueByEstimated"] as? Bool == false)
        }
    }
}
