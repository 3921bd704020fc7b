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
import SQLKit
import Testing

@Suite("File uploads over HTTP, and correcting a rejected row on the page")
struct ImportAPITests {
    /// Announces a file as the fixture's department; returns the new job's id.
    static func announce(_ client: some TestClientProtocol, _ fixture: TestApp, _ body: String) async throws -> String {
        try await client.execute(
            uri: "/api/v1/imports",
            method: .post,
            headers: [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { response in
            #expect(response.status == .created)
            return try response.body.json()["id"] as? String ?? ""
        }
    }

    static func file(_ fixture: TestApp, badCode: Bool = true) -> String {
        let code = fixture.entityCode
        return """
            行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别
            甲公司,\(code),济税罚〔2026〕201号,2026-11-20,罚款人民币一万元,《税收征收管理法》第六十二条,一般,罚款
            乙公司,\(badCode ? String(code.dropLast()) + "0" : code),济税罚〔2026〕202号,2026-11-20,罚款,某法,一般,罚款

            """
    }

    @Test("an uploaded row with a legacy code failing position 17 is stored, and the job counts it as warned")
    func legacyCodeWarned() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            let id = try await Self.announce(client, fixture, #"{"category": "penalty"}"#)
            // Position 17 is "0" where GB 11714 gives "7" (see PenaltyRulesTests).
            let file =
                "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别\n"
                + "庚公司,91370102MA3C4D5E03,济税罚〔2026〕301号,2026-11-20,罚款,某法,一般,罚款\n"
            let job = try await client.execute(
                uri: "/api/v1/imports/\(id)/file",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"],
                body: ByteBuffer(string: file)
            ) { try $0.body.json() }
            #expect(job["status"] as? String == "done" && job["accepted"] as? Int == 1 && job["warned"] as? Int == 1, "\(job)")
        }
    }

    @Test(
        "announce, send a GB 18030 file, watch the job; a rejected row is corrected on the page and leaves the queue",
        arguments: TestEngine.available
    )
    func uploadAndCorrect(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let department: HTTPFields = [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "application/json"]
            let created = try await client.execute(
                uri: "/api/v1/imports",
                method: .post,
                headers: department,
                body: ByteBuffer(string: #"{"category": "penalty", "encoding": "auto", "filename": "十一月.csv"}"#)
            ) { response in
                #expect(response.status == .created)
                return try response.body.json()
            }
            let id = try #require(created["id"] as? String)
            #expect(created["status"] as? String == "waiting")
            let bytes = gb18030Bytes(Self.file(fixture))
            let done = try await client.execute(
                uri: "/api/v1/imports/\(id)/file",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "text/csv"],
                body: ByteBuffer(bytes: bytes)
            ) { response in
                #expect(response.status == .ok)
                return try response.body.json()
            }
            #expect(done["status"] as? String == "done")
            #expect(done["accepted"] as? Int == 1 && done["rejected"] as? Int == 1 && done["bytesDone"] as? Int == bytes.count)
            try await client.execute(uri: "/api/v1/imports/\(id)", method: .get, headers: [.authorization: "Bearer \(fixture.officeToken)"]) {
                #expect($0.status == .ok)
            }
            // A job takes its file once.
            try await client.execute(
                uri: "/api/v1/imports/\(id)/file",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"],
                body: ByteBuffer(bytes: bytes)
            ) { response in
                #expect(response.status == .conflict)
            }

            // The department's person corrects the rejected row on the queue page.
            let (account, _) = try await fixture.clerk("税务报送员")
            let (session, csrf) = try await fixture.accounts.startSession(accountID: account.id)
            let page = try await client.execute(uri: "/rejections", method: .get, headers: [.cookie: "credit_session=\(session)"]) { response in
                #expect(response.status == .ok)
                return response.body.text
            }
            #expect(page.contains("第 3 行") && page.contains("统一社会信用代码"))
            // The severity sent (一般) is chosen among the three; the kinds say how to write several.
            #expect(page.contains(#"<select name="severity"><option value="">请选择</option><option value="minor">轻微</option>"#))
            #expect(page.contains(#"<option value="general" selected>一般</option>"#))
            #expect(page.contains(#"placeholder="以“；”分隔，如：警告；罚款""#))
            let rejectionID = try #require(
                page.range(of: #"action="/rejections/(\d+)""#, options: .regularExpression).map {
                    String(page[$0].dropFirst(#"action="/rejections/"#.count).dropLast())
                }
            )
            var fields = [
                "csrf": csrf, "category": "penalty", "subjectName": "乙公司", "subjectCode": String(fixture.entityCode.dropLast()) + "0",
                "documentNumber": "济税罚〔2026〕202号", "decidedOn": "2026-11-20", "content": "罚款", "basis": "某法", "severity": "general",
                "punishmentKinds": "罚款",
            ]
            let formHeaders: HTTPFields = [.cookie: "credit_session=\(session)", .contentType: "application/x-www-form-urlencoded"]
            // A control character in an optional field (pasted from another system): named, not silently left out.
            var pasted = fields
            pasted["subjectCode"] = fixture.entityCode
            pasted["reason"] = "未按规定\u{B}申报"
            try await client.execute(uri: "/rejections/\(rejectionID)", method: .post, headers: formHeaders, body: form(pasted)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.text.contains("控制字符"))
            }
            // Still wrong: the page says why, and nothing changes.
            try await client.execute(uri: "/rejections/\(rejectionID)", method: .post, headers: formHeaders, body: form(fields)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.text.contains("校验码"))
            }
            fields["subjectCode"] = fixture.entityCode
            try await client.execute(uri: "/rejections/\(rejectionID)", method: .post, headers: formHeaders, body: form(fields)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/rejections?fixed=%E7%AC%AC%203%20%E8%A1%8C")  // 第 3 行
            }
            let queue = try await client.execute(
                uri: "/api/v1/rejections",
                method: .get,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"]
            ) {
                try $0.body.json()["items"] as? [Any] ?? []
            }
            #expect(queue.isEmpty)
            let records = try await client.execute(uri: "/api/v1/entities/\(fixture.entityCode)/records", method: .get) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(Set(records.compactMap { $0["documentNumber"] as? String }) == ["济税罚〔2026〕201号", "济税罚〔2026〕202号"])
        }
    }

    @Test("an Excel workbook is uploaded the same way", arguments: TestEngine.available)
    func workbook(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let id = try await Self.announce(client, fixture, #"{"category": "penalty", "filename": "十一月处罚.xlsx"}"#)
            let url = try TestWorkbook.penalties(codes: [fixture.entityCode, fixture.entityCode])
            defer { try? FileManager.default.removeItem(at: url) }
            let done = try await client.execute(
                uri: "/api/v1/imports/\(id)/file",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"],
                body: ByteBuffer(bytes: Array(try Data(contentsOf: url)))
            ) { response in
                #expect(response.status == .ok)
                return try response.body.json()
            }
            #expect(done["accepted"] as? Int == 1 && done["rejected"] as? Int == 1)
        }
    }

    /// Without the server's minute-by-minute look (which also fails abandoned uploads): these tests move the clock
    /// themselves and say when a server looks.
    static let noReloads = AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: nil, reloadInterval: nil)

    @Test(
        "an upload cut off by its server stopping is not left running: that server's next start fails it, saying to send the file again; another server's, touched every minute, is left alone until no one has touched it for 10 minutes",
        arguments: TestEngine.available
    )
    func interruptedByAStop(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5, configuration: Self.noReloads) { client, fixture in
            // Two files were arriving, on two servers sharing the database, when the first server stopped.
            let first = try await Self.announce(client, fixture, #"{"category": "penalty"}"#)
            let second = try await Self.announce(client, fixture, #"{"category": "penalty"}"#)
            let jobs = SQLImportJobStore(database: fixture.db, clock: fixture.clock)
            #expect(try await jobs.start(id: Int(first)!, server: "甲"))
            #expect(try await jobs.start(id: Int(second)!, server: "乙"))
            let waiting = try await jobs.create(
                departmentCode: DemoCity.departments[1].code,
                accountID: nil,
                category: "penalty",
                encoding: "auto",
                filename: "later.csv",
                sizeBytes: nil
            )
            func status(_ id: String) async throws -> (String?, String?) {
                try await client.execute(uri: "/api/v1/imports/\(id)", method: .get, headers: [.authorization: "Bearer \(fixture.departmentToken)"]) {
                    let job = try $0.body.json()
                    return (job["status"] as? String, job["error"] as? String)
                }
            }
            // 甲 starts again: its upload is failed, 乙's is left running.
            #expect(try await jobs.failInterrupted(restarting: "甲") == 1)
            let (failed, error) = try await status(first)
            #expect(failed == "failed" && error?.contains("请重新上传同一文件") == true)
            #expect(try await status(second).0 == "running")
            // 乙 touches its job every minute between batches; then 乙 stops too, and never comes back.
            fixture.clock.advance(by: 9 * 60)
            try await jobs.touch(id: Int(second)!)
            fixture.clock.advance(by: 9 * 60)
            #expect(try await jobs.failInterrupted(restarting: nil) == 0, "touched 9 minutes ago: still being run")
            fixture.clock.advance(by: 2 * 60)
            #expect(try await jobs.failInterrupted(restarting: nil) == 1, "untouched for 11 minutes: any server fails it")
            #expect(try await status(second).0 == "failed")
            #expect(try await jobs.fetch(id: waiting.id)?.status == .waiting, "a job still waiting for its file is left alone")
            // A job started before jobs named their server is failed by whichever server starts.
            let old = try await Self.announce(client, fixture, #"{"category": "penalty"}"#)
            #expect(try await jobs.start(id: Int(old)!, server: "甲"))
            try await fixture.db.transaction { sql in try await sql.raw("UPDATE import_jobs SET server = NULL WHERE id = \(bind: Int(old)!)").run() }
            #expect(try await jobs.failInterrupted(restarting: "丙") == 1)
        }
    }

    @Test(
        "while an upload runs, its job is touched at every beat, so no server takes it for abandoned; once it ends, the touching stops",
        arguments: TestEngine.available
    )
    func touchedWhileRunning(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5, configuration: Self.noReloads) { client, fixture in
            let id = Int(try await Self.announce(client, fixture, #"{"category": "penalty"}"#))!
            let jobs = SQLImportJobStore(database: fixture.db, clock: fixture.clock)
            #expect(try await jobs.start(id: id, server: "甲"))
            let started = try #require(try await jobs.fetch(id: id)?.updatedAt)
            // The server's beat, on the test's clock: advancing it past a beat wakes the heartbeat, which touches the
            // job and sleeps again.
            let heartbeat = UploadHeartbeat.touching(id, in: jobs, clock: fixture.clock)
            await fixture.clock.untilSleeping(1)
            fixture.clock.advance(by: 11 * 60)
            await fixture.clock.untilSleeping(1)
            #expect(try await jobs.fetch(id: id)?.updatedAt != started, "touched at the clock's new time")
            #expect(try await jobs.failInterrupted(restarting: nil) == 0, "touched just now: still being run")
            heartbeat.cancel()
            await heartbeat.value
            fixture.clock.advance(by: 11 * 60)
            #expect(try await jobs.failInterrupted(restarting: nil) == 1, "no longer touched: failed after 10 minutes")
        }
    }

    @Test("a running server, at its next look, fails an upload nobody has touched for 10 minutes", arguments: TestEngine.available)
    func abandonedFailedByTheNextLook(_ engine: TestEngine) async throws {
        let looking = AppConfiguration(
            port: 0,
            checkpointInterval: nil,
            anonymousRequestsPerMinute: nil,
            reloadInterval: .seconds(60)
        )
        try await withTestApp(engine, entities: 5, configuration: looking) { client, fixture in
            let id = Int(try await Self.announce(client, fixture, #"{"category": "penalty"}"#))!
            let jobs = SQLImportJobStore(database: fixture.db, clock: fixture.clock)
            // The server's first look is done: it sleeps on the test's clock until the next minute.
            await fixture.clock.untilSleeping(1)
            #expect(try await jobs.start(id: id, server: "已停止的服务器"))
            fixture.clock.advance(by: 11 * 60)
            await fixture.clock.untilSleeping(1)
            let job = try await jobs.fetch(id: id)
            #expect(job?.status == .failed && job?.error == ImportJob.interrupted)
        }
    }

    @Test("a file that cannot be read fails its job with the reason; another department's job does not exist")
    func failures() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            let department: HTTPFields = [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "application/json"]
            let id = try await Self.announce(client, fixture, #"{"category": "penalty"}"#)
            let failed = try await client.execute(
                uri: "/api/v1/imports/\(id)/file",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)"],
                body: ByteBuffer(string: "名称,经办人\n甲,乙\n")
            ) { response in
                #expect(response.status == .unprocessableContent)
                return try response.body.json()
            }
            #expect(failed["status"] as? String == "failed" && (failed["error"] as? String)?.contains("经办人") == true)
            for body in [#"{"category": "gossip"}"#, #"{"category": "penalty", "encoding": "latin1"}"#, "{"] {
                try await client.execute(uri: "/api/v1/imports", method: .post, headers: department, body: ByteBuffer(string: body)) {
                    #expect($0.status == .badRequest, "\(body)")
                }
            }
            let (_, otherToken) = try await fixture.clerk("环保科员", department: DemoCity.departments[3].code)
            try await client.execute(uri: "/api/v1/imports/\(id)", method: .get, headers: [.authorization: "Bearer \(otherToken)"]) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test(
        "the newest uploads first: a department sees its own on the API and its page, with status, counts and progress; the office sees every department's",
        arguments: TestEngine.available
    )
    func recentUploads(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let tax = DemoCity.departments[2].code
            let market = DemoCity.departments[1].code
            func list(_ token: String, _ query: String = "") async throws -> (HTTPResponse.Status, [[String: Any]]) {
                try await client.execute(uri: "/api/v1/imports\(query)", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                    ($0.status, $0.status == .ok ? (try $0.body.json()["items"] as? [[String: Any]] ?? []) : [])
                }
            }
            // 十一月.csv: done, one row accepted and one rejected; 十二月.csv: still running, half of its 100 bytes read.
            let november = try await Self.announce(client, fixture, #"{"category": "penalty", "filename": "十一月.csv"}"#)
            try await client.execute(
                uri: "/api/v1/imports/\(november)/file",
                method: .put,
                headers: [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "text/csv"],
                body: ByteBuffer(string: Self.file(fixture))
            ) { #expect($0.status == .ok) }
            let december = try await Self.announce(client, fixture, #"{"category": "penalty", "filename": "十二月.csv", "size": 100}"#)
            let jobs = SQLImportJobStore(database: fixture.db, clock: fixture.clock)
            #expect(try await jobs.start(id: Int(december)!, server: "甲"))
            var progress = ImportSummary()
            progress.bytes = 50
            progress.rows = 20_010
            progress.accepted = 20_010
            try await jobs.update(id: Int(december)!, status: .running, summary: progress, error: nil)
            let (_, marketToken) = try await fixture.clerk("市场监管报送员", department: market)
            let other = try await client.execute(
                uri: "/api/v1/imports",
                method: .post,
                headers: [.authorization: "Bearer \(marketToken)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"category": "license", "filename": "许可.csv"}"#)
            ) { try $0.body.json()["id"] as? String ?? "" }

            let (status, own) = try await list(fixture.departmentToken)
            #expect(status == .ok)
            #expect(own.map { $0["id"] as? String } == [december, november])
            #expect(own.allSatisfy { $0["department"] as? String == tax })
            #expect(own.map { $0["status"] as? String } == ["running", "done"])
            #expect(own[1]["accepted"] as? Int == 1 && own[1]["rejected"] as? Int == 1)
            let (refused, _) = try await list(fixture.departmentToken, "?department=\(market)")
            #expect(refused == .forbidden)
            #expect(try await list(fixture.officeToken).1.map { $0["id"] as? String } == [other, december, november])
            #expect(try await list(fixture.officeToken, "?department=\(market)").1.map { $0["id"] as? String } == [other])
            #expect(try await list(fixture.officeToken, "?limit=1").1.map { $0["id"] as? String } == [other])
            #expect(try await list(fixture.officeToken, "?limit=0").0 == .badRequest)

            let (account, _) = try await fixture.clerk("税务报送员")
            let (session, _) = try await fixture.accounts.startSession(accountID: account.id)
            let page = try await client.execute(uri: "/imports", method: .get, headers: [.cookie: "credit_session=\(session)"]) {
                #expect($0.status == .ok)
                return $0.body.text
            }
            let rows = page.components(separatedBy: "<tr class=\"import-job\"").dropFirst()
            #expect(rows.count == 2)
            let running = rows.first ?? ""
            let done = rows.last ?? ""
            #expect(
                running.contains("十二月.csv") && running.contains("导入中") && running.contains(#"<progress class="job-progress" max="100" value="50">"#)
            )
            #expect(running.contains("20,010"))
            #expect(done.contains("十一月.csv") && done.contains("完成") && done.contains(#"<a href="/rejections">1</a>"#) && !done.contains("<progress"))
            #expect(!page.contains("许可.csv"))  // another department's
        }
    }
}
