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

@Suite("A department's own records, in every state, on the API and its pages")
struct DepartmentRecordsTests {
    @Test(
        "public, late, not published and revoked records are all found by the department, the latest received first; one record shows its clock, window and versions",
        arguments: TestEngine.available
    )
    func ownRecords(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let token = fixture.departmentToken
            let code = fixture.entityCode
            // Received 2026-11-26 (Thursday): decided 11-20, on time; 09-28, late across the National Day holiday;
            // minor, so not published; and one revoked the day after it was sent.
            var minor = RecordAPITests.penalty(code, "济税罚〔2026〕3号")
            minor["severity"] = "minor"
            let sent = [
                RecordAPITests.penalty(code, "济税罚〔2026〕1号"), RecordAPITests.penalty(code, "济税罚〔2026〕2号", decidedOn: "2026-09-28"), minor,
                RecordAPITests.penalty(code, "济税罚〔2026〕4号"),
            ]
            #expect(try await RecordAPITests.submit(client, token: token, sent).allSatisfy { $0["status"] as? String == "accepted" })
            fixture.clock.set(LocalDate("2026-11-27")!)
            var revoke = RecordAPITests.penalty(code, "济税罚〔2026〕4号")
            revoke["revoked"] = true
            revoke["changeReason"] = "复议撤销"
            revoke["revokedOn"] = "2026-11-27"
            #expect(try await RecordAPITests.submit(client, token: token, [revoke]).first?["status"] as? String == "updated")

            let tax = DemoCity.departments[2].code
            func list(_ query: String, as who: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(
                    uri: "/api/v1/departments/\(tax)/records\(query)",
                    method: .get,
                    headers: RecordAPITests.bearer(who ?? token)
                ) { ($0.status, $0.status == .ok ? try $0.body.json() : [:]) }
            }
            let (status, all) = try await list("")
            #expect(status == .ok && all["total"] as? Int == 4)
            let items = all["items"] as? [[String: Any]] ?? []
            // The revoked one was received last (its second version); the rest in the batch's order, latest first.
            #expect(items.first?["documentNumber"] as? String == "济税罚〔2026〕4号" && items.first?["status"] as? String == "revoked")
            #expect(items.allSatisfy { $0["versions"] == nil })
            let late = try await list("?late=true").1["items"] as? [[String: Any]] ?? []
            #expect(late.map { $0["documentNumber"] as? String } == ["济税罚〔2026〕2号"])
            #expect(late.first?["dueBy"] as? String == "2026-10-13" && late.first?["delayWorkingDays"] as? Int == 32)
            let one = try await list("?documentNumber=%E6%B5%8E%E7%A8%8E%E7%BD%9A%E3%80%942026%E3%80%953%E5%8F%B7").1["items"] as? [[String: Any]]
            #expect(one?.count == 1 && one?.first?["notPublished"] as? String == "minor-not-published")
            let number = "%E6%B5%8E%E7%A8%8E%E7%BD%9A%E3%80%942026%E3%80%953%E5%8F%B7"
            #expect(try await list("?category=penalty&documentNumber=\(number)").1["total"] as? Int == 1)
            #expect(try await list("?category=license&documentNumber=\(number)").1["total"] as? Int == 0)
            #expect(try await list("?documentNumber=\(number)&late=true").1["total"] as? Int == 0)
            #expect(try await list("?from=2026-11-01&to=2026-11-30").1["total"] as? Int == 3)
            #expect(try await list("?page=2&size=3").1["items"].map { ($0 as? [[String: Any]])?.count } == 1)
            // Bad filters are refused; another department's records do not exist for a department; the office sees them.
            for bad in ["?late=maybe", "?from=2026-13-01", "?from=2026-11-30&to=2026-11-01", "?size=0"] {
                #expect(try await list(bad).0 == .badRequest, "\(bad)")
            }
            let (_, otherToken) = try await fixture.clerk("环保科员", department: DemoCity.departments[3].code)
            #expect(try await list("", as: otherToken).0 == .notFound)
            #expect(try await list("", as: fixture.officeToken).1["total"] as? Int == 4)

            // The pages: the list, late only, and one record with its versions (newest first).
            let (account, _) = try await fixture.clerk("税务报送员")
            let (session, _) = try await fixture.accounts.startSession(accountID: account.id)
            func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: "credit_session=\(session)"]) { ($0.status, $0.body.text) }
            }
            let (_, listed) = try await page("/department-records")
            #expect(listed.contains("共 4 条") && listed.contains("已撤销") && listed.contains("不公示") && listed.contains("公示中"))
            #expect(listed.contains("逾期 32 个工作日"))
            let (_, lateOnly) = try await page("/department-records?late=true")
            #expect(lateOnly.contains("共 1 条") && lateOnly.contains("济税罚〔2026〕2号") && !lateOnly.contains("济税罚〔2026〕1号"))
            let (badStatus, badPage) = try await page("/department-records?from=yesterday")
            #expect(badStatus == .badRequest && badPage.contains("应为 YYYY-MM-DD"))
            let revokedID = items.first?["id"] as? String ?? ""
            let (_, detail) = try await page("/department-records/\(revokedID)")
            #expect(detail.contains("第 2 版 · 撤销") && detail.contains("复议撤销") && detail.contains("第 1 版 · 有效"))
            #expect(detail.range(of: "第 2 版")!.lowerBound < detail.range(of: "第 1 版")!.lowerBound)
            #expect(detail.contains("决定已撤销，停止公示"))
            // Revoked on Friday 27 November: 3 working days are Monday 30 November to Wednesday 2 December; sent the same day.
            #expect(detail.contains("2026-11-27 撤销，应于 2026-12-02 前撤下（3 个工作日）") && !detail.contains("逾期 "))
            let minorID = one?.first?["id"] as? String ?? ""
            #expect(try await page("/department-records/\(minorID)").1.contains("轻微失信，该类别不公示"))
            // The credit office follows the late count on /timeliness to the late records, and opens one.
            let (officeSession, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            func officePage(_ uri: String) async throws -> String {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: "credit_session=\(officeSession)"]) {
                    #expect($0.status == .ok, "\(uri)")
                    return $0.body.text
                }
            }
            let timeliness = try await officePage("/timeliness?from=2026-09-01&to=2026-11-30")
            let lateLink = "/department-records?department=\(tax)&category=penalty&late=true&from=2026-09-01&to=2026-11-30"
            #expect(timeliness.contains(#"<a class="late-records" href="\#(lateLink.replacingOccurrences(of: "&", with: "&amp;"))">1</a>"#))
            let followed = try await officePage(lateLink)
            #expect(followed.contains("部门记录：\(DemoCity.departments[2].name)") && followed.contains("共 1 条") && followed.contains("济税罚〔2026〕2号"))
            #expect(try await officePage("/department-records").contains(#"href="/department-records?department=\#(tax)""#))
            #expect(
                try await officePage("/department-records/\(revokedID)").contains(#"id="record-back" href="/department-records?department=\#(tax)""#)
            )
            // Another department's record is not there for this department.
            let (otherSession, _) = try await fixture.accounts.startSession(
                accountID: try await fixture.accounts.createAccount(
                    name: "环保另一科员",
                    role: .department,
                    departmentCode: DemoCity.departments[3].code,
                    entityCode: nil
                ).id
            )
            try await client.execute(uri: "/department-records/\(revokedID)", method: .get, headers: [.cookie: "credit_session=\(otherSession)"]) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test(
        "a department exports its records of a category in the standard's columns, and the file reads back as its own",
        arguments: TestEngine.available
    )
    func standardExport(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let token = fixture.departmentToken
            let code = fixture.entityCode
            var minor = RecordAPITests.penalty(code, "济税罚〔2026〕32号")
            minor["severity"] = "minor"
            let sent = [RecordAPITests.penalty(code, "济税罚〔2026〕31号"), minor, RecordAPITests.penalty(code, "济税罚〔2026〕33号")]
            #expect(try await RecordAPITests.submit(client, token: token, sent).allSatisfy { $0["status"] as? String == "accepted" })
            var revoke = RecordAPITests.penalty(code, "济税罚〔2026〕33号")
            revoke["revoked"] = true
            revoke["changeReason"] = "复议撤销"
            revoke["revokedOn"] = "2026-11-26"
            #expect(try await RecordAPITests.submit(client, token: token, [revoke]).first?["status"] as? String == "updated")

            let tax = DemoCity.departments[2].code
            func export(_ query: String, as who: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/api/v1/departments/\(tax)/records/export\(query)", method: .get, headers: RecordAPITests.bearer(who))
                {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let (status, file) = try await export("?category=penalty", as: token)
            #expect(status == .ok)
            let lines = file.dropFirst().split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = try #require(lines.first)
            for column in ["行政相对人名称", "行政相对人代码_1（统一社会信用代码）", "行政处罚决定书文号", "罚款金额（万元）", "公示截止期", "失信程度"] {
                #expect(header.contains(column), "\(column)")
            }
            // In force: the general one (public) and the minor one (not published); not the revoked one.
            let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(rows.compactMap { $0["行政处罚决定书文号"] }.sorted() == ["济税罚〔2026〕31号", "济税罚〔2026〕32号"])
            let general = try #require(rows.first { $0["行政处罚决定书文号"] == "济税罚〔2026〕31号" })
            #expect(general["罚款金额（分）"] == "500000" && general["行政相对人代码_1（统一社会信用代码）"] == code)
            #expect(general["失信程度"] == "一般" && general["公示截止期"] == "2027-11-20", "decided 2026-11-20, general: a year")
            #expect(rows.first { $0["失信程度"] == "轻微" }?["公示截止期"] == "", "the minor one is not published")

            // Another platform reads it as it reads a department's: sent back, every row is found, none refused.
            let id = try await ImportAPITests.announce(client, fixture, #"{"category": "penalty", "filename": "export.csv"}"#)
            let job = try await client.execute(
                uri: "/api/v1/imports/\(id)/file",
                method: .put,
                headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: file)
            ) { try $0.body.json() }
            #expect(
                job["status"] as? String == "done" && job["rows"] as? Int == 2 && job["rejected"] as? Int == 0 && job["accepted"] as? Int == 0,
                "\(job)"
            )

            let other = try await fixture.clerk("市场局经办人", department: DemoCity.departments[1].code)
            #expect(try await export("?category=penalty", as: other.token).0 == .notFound)
            #expect(try await export("", as: token).0 == .badRequest)
            #expect(try await export("?category=gossip", as: token).0 == .badRequest)
        }
    }
}
