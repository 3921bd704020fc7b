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

@Suite("Registering entities over the API")
struct EntityRegistrationTests {
    static let code = "91350100M000100Y43"

    static func body(name: String = "福州新登记有限公司", representative: String = "11010519491231002X", extra: [String: Any] = [:]) throws -> ByteBuffer {
        var object: [String: Any] = [
            "code": code, "name": name, "kind": "enterprise", "region": "370102", "industry": "65", "establishedOn": "2024-03-01",
            "legalRepresentative": ["idNumber": representative, "name": "张三"],
        ]
        for (k, v) in extra { object[k] = v }
        return ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    /// A clerk of the market regulation department (the registering department of `9…` codes) and their API token.
    static func registrar(_ fixture: TestApp) async throws -> (account: Account, token: String) {
        try await fixture.clerk("登记科员", department: DemoCity.departments[1].code)
    }

    @Test("the registering department registers and changes an entity; versions, the log and earlier records follow", arguments: TestEngine.available)
    func register(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let (_, token) = try await Self.registrar(fixture)
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            // A record about the code arrives before the entity is registered: kept, unmatched.
            let early = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                body: try RecordAPITests.batch([RecordAPITests.penalty(Self.code, "E-1")])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            let recordID = try #require(early.first?["id"] as? String)
            // The credit office's unmatched page lists it until the entity is registered.
            let (session, _) = try await fixture.accounts.startSession(accountID: fixture.office.id)
            let office: HTTPFields = [.cookie: "credit_session=\(session)"]
            try await client.execute(uri: "/unmatched", method: .get, headers: office) { response in
                #expect(response.status == .ok)
                let row = response.body.text.components(separatedBy: "<tr>").first { $0.contains(Self.code) } ?? ""
                #expect(row.contains("E-1") && row.contains("行政处罚"), "the record's row: \(row)")
            }

            try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: try Self.body()) { response in
                #expect(response.status == .created)
                let body = try response.body.json()
                #expect(body["outcome"] as? String == "accepted" && body["version"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: try Self.body()) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect(body["outcome"] as? String == "unchanged")
            }
            let renamed = try Self.body(name: "福州更名有限公司", extra: ["reason": "名称变更", "principal": ["idNumber": "440524188001010014", "name": "李四"]])
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: renamed) { response in
                #expect(response.status == .ok)
                let body = try response.body.json()
                #expect(body["outcome"] as? String == "updated" && body["version"] as? Int == 2)
                #expect(body["formerNames"] as? [String] == ["福州新登记有限公司"])
            }
            try await client.execute(uri: "/entities/\(Self.code)", method: .get) { response in
                #expect(response.body.text.contains("福州更名有限公司") && response.body.text.contains("李四") && response.body.text.contains("名称变更"))
                #expect(!response.body.text.contains("11010519491231002X"))
            }
            try await client.execute(uri: "/api/v1/records/\(recordID)", method: .get, headers: [.authorization: "Bearer \(fixture.officeToken)"]) {
                let body = try $0.body.json()
                #expect(body["matched"] as? Bool == true)
            }
            try await client.execute(uri: "/unmatched", method: .get, headers: office) { response in
                #expect(!response.body.text.contains(Self.code) && response.body.text.contains("没有未匹配的记录"))
            }
            #expect(try await TamperEvidentLog(database: fixture.db).verify().ok)
        }
    }

    @Test(
        "which entities a department registers is the city's configuration: a 行政审批服务局 set to register 9… codes may, its name alone would not; a market bureau set to none may not",
        arguments: TestEngine.available
    )
    func configuredRegistrars(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let registry = SQLRegistryStore(database: fixture.db, keys: TestDatabase.keys, clock: fixture.clock)
            let approvals = Department(code: CreditCode.completing("11370100MB1234567")!, name: "济南市行政审批服务局")
            try await registry.addDepartment(approvals)
            let (_, token) = try await fixture.clerk("审批科员", department: approvals.code)
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            func post(_ expected: HTTPResponse.Status, _ why: String) async throws {
                try await client.execute(uri: "/api/v1/entities", method: .post, headers: headers, body: try Self.body()) { response in
                    #expect(response.status == expected, "\(why)")
                    if expected == .forbidden {
                        let code = try errorBody(response.body).code
                        #expect(code == "not_registering_department")
                    }
                }
            }
            // By its name, the approvals bureau registers nothing.
            try await post(.forbidden, "by name")
            var configured = approvals
            configured.registers = "9"
            try await registry.addDepartment(configured)
            #expect(try await registry.fetchDepartments().first { $0.code == approvals.code }?.registers == "9")
            try await post(.created, "configured to register 9")
            try await client.execute(uri: "/api/v1/departments", method: .get) { response in
                let items = try response.body.json()["items"] as? [[String: Any]] ?? []
                #expect(items.first { $0["code"] as? String == approvals.code }?["registers"] as? String == "9")
            }
            // The market bureau, configured to register none, may no longer.
            var market = try #require(try await registry.fetchDepartments().first { $0.code == DemoCity.departments[1].code })
            let nine = try CreditCode(validating: Self.code)
            #expect(market.registers == nil && market.mayRegister(nine))
            market.registers = ""
            try await registry.addDepartment(market)
            let (_, marketToken) = try await Self.registrar(fixture)
            try await client.execute(
                uri: "/api/v1/entities",
                method: .post,
                headers: [.authorization: "Bearer \(marketToken)", .contentType: "application/json"],
                body: try Self.body(name: "福州再更名有限公司")
            ) { #expect($0.status == .forbidden) }
        }
    }

    @Test("another department may not register; bad fields are refused with every problem, and nothing is stored")
    func refusals() async throws {
        try await withTestApp(.sqlite, entities: 5) { client, fixture in
            let tax: HTTPFields = [.authorization: "Bearer \(fixture.departmentToken)", .contentType: "application/json"]
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: tax, body: try Self.body()) { response in
                #expect(response.status == .forbidden)
                let error = try errorBody(response.body)
                #expect(error.code == "not_registering_department")
            }
            let office: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"]
            var bad: [String: Any] = ["region": "110101", "establishedOn": "2099-01-01", "industry": "ZZ"]
            bad["code"] = "91350100M000100Y4Z"
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: try Self.body(extra: bad)) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                for field in ["code", "region", "industry", "establishedOn"] { #expect(error.message.contains(field), "\(field)") }
            }
            let noRepresentative = ByteBuffer(
                string:
                    #"{"code": "91350100M000100Y43", "name": "x", "kind": "enterprise", "region": "370102", "industry": "65", "establishedOn": "2024-01-01"}"#
            )
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: noRepresentative) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.message.contains("legalRepresentative"))
            }
            try await client.execute(uri: "/api/v1/entities/\(Self.code)", method: .get) { #expect($0.status == .notFound) }
            // The credit office may register any entity.
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: try Self.body()) {
                #expect($0.status == .created)
            }
        }
    }

    @Test(
        "a control character in a name (a NUL byte) is refused with its reason on both engines, and nothing is stored",
        arguments: TestEngine.available
    )
    func controlCharacters(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let office: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"]
            var body = try Self.body(name: "福州\u{0}新登记有限公司")
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: body) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.message.contains("name") && error.message.contains("控制字符"))
            }
            body = ByteBuffer(
                bytes: Array(
                    try JSONSerialization.data(withJSONObject: [
                        "code": Self.code, "name": "福州新登记有限公司", "kind": "enterprise", "region": "370102", "industry": "65",
                        "establishedOn": "2024-03-01", "legalRepresentative": ["idNumber": "11010519491231002X", "name": "张\u{1}三"],
                    ])
                )
            )
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: body) { response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.message.contains("legalRepresentative.name") && error.message.contains("控制字符"))
            }
            try await client.execute(uri: "/api/v1/entities/\(Self.code)", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test(
        "U+FFFD in what is sent (text lost in a conversion upstream) is refused like a file's unreadable row: a record's field and a registration's name, on both engines",
        arguments: TestEngine.available
    )
    func replacementCharacters(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let office: HTTPFields = [.authorization: "Bearer \(fixture.officeToken)", .contentType: "application/json"]
            try await client.execute(uri: "/api/v1/entities", method: .post, headers: office, body: try Self.body(name: "福州\u{FFFD}\u{FFFD}登记有限公司")) {
                response in
                #expect(response.status == .badRequest)
                let error = try errorBody(response.body)
                #expect(error.message.contains("name") && error.message.contains("U+FFFD"))
            }
            try await client.execute(uri: "/api/v1/entities/\(Self.code)", method: .get) { #expect($0.status == .notFound) }

            var garbled = RecordAPITests.penalty(fixture.entityCode, "济税罚〔2026〕31号")
            garbled["content"] = "罚款人民币\u{FFFD}千元"
            let good = RecordAPITests.penalty(fixture.entityCode, "济税罚〔2026〕32号")
            let results = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                body: try RecordAPITests.batch([garbled, good])
            ) { response in
                #expect(response.status == .ok)
                return try response.body.json()["results"] as? [[String: Any]] ?? []
            }
            #expect(results.map { $0["status"] as? String } == ["rejected", "accepted"])
            let errors = (results.first?["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? "") \($0["code"] ?? "")" }
            #expect(errors == ["content replacement_character"])
            try await client.execute(uri: "/api/v1/entities/\(fixture.entityCode)/records", method: .get) { response in
                let numbers = (try response.body.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["documentNumber"] as? String }
                #expect(numbers.contains("济税罚〔2026〕32号") && !numbers.contains("济税罚〔2026〕31号"))
            }
        }
    }

    /// A registration file as a registering department's system exports it (Chinese column names).
    static func registrationFile(secondName: String, social: String) -> String {
        let second = CreditCode.completing("91370102MA7K0002X")!.rawValue
        return """
            统一社会信用代码,主体名称,主体类型,行政区划代码,行业代码,成立日期,法定代表人,法定代表人证件号码,主要负责人,主要负责人证件号码,变更原因
            \(code),福州新登记有限公司,企业,370102,65,2024-03-01,张三,11010519491231002X,,,
            \(second),\(secondName),有限责任公司（自然人投资或控股）,370103,51,2023-07-15,王五,11010519491231002X,李四,440524188001010014,名称变更
            91350100M000100Y4Z,代码有误的公司,企业,370102,65,2024-03-01,赵六,11010519491231002X,,,
            \(social),某某协会,社会组织,370102,95,2020-01-01,钱七,11010519491231002X,,,

            """
    }

    @Test(
        "a registration file registers new entities and changes, refuses bad rows into the queue, and sent again duplicates nothing",
        arguments: TestEngine.available
    )
    func registrationFile(_ engine: TestEngine) async throws {
        try await withTestApp(engine, entities: 5) { client, fixture in
            let (market, token) = try await Self.registrar(fixture)
            let bearer: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let social = CreditCode.completing("51370100MJD000031")!.rawValue
            let second = CreditCode.completing("91370102MA7K0002X")!.rawValue
            // A record about the first code arrives before its registration: kept, unmatched until the file comes.
            let early = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: RecordAPITests.bearer(fixture.departmentToken, json: true),
                body: try RecordAPITests.batch([RecordAPITests.penalty(Self.code, "E-2")])
            ) { try $0.body.json()["results"] as? [[String: Any]] ?? [] }
            let recordID = try #require(early.first?["id"] as? String)

            func upload(_ text: String) async throws -> [String: Any] {
                let id = try await client.execute(
                    uri: "/api/v1/imports",
                    method: .post,
                    headers: bearer,
                    body: ByteBuffer(string: #"{"category": "registration", "filename": "登记.csv"}"#)
                ) { response in
                    #expect(response.status == .created)
                    return try response.body.json()["id"] as? String ?? ""
                }
                return try await client.execute(
                    uri: "/api/v1/imports/\(id)/file",
                    method: .put,
                    headers: [.authorization: "Bearer \(token)"],
                    body: ByteBuffer(bytes: gb18030Bytes(text))
                ) { response in
                    #expect(response.status == .ok)
                    return try response.body.json()
                }
            }
            let first = try await upload(Self.registrationFile(secondName: "济南旧名商贸有限公司", social: social))
            #expect(first["status"] as? String == "done")
            #expect(first["rows"] as? Int == 4 && first["accepted"] as? Int == 2 && first["rejected"] as? Int == 2)
            try await client.execute(uri: "/api/v1/entities/\(second)", method: .get) { response in
                let body = try response.body.json()
                #expect(body["name"] as? String == "济南旧名商贸有限公司" && body["kind"] as? String == "enterprise" && body["version"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/records/\(recordID)", method: .get, headers: [.authorization: "Bearer \(fixture.officeToken)"]) {
                let body = try $0.body.json()
                #expect(body["matched"] as? Bool == true)
            }
            let queue = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(queue.map { $0["position"] as? Int } == [4, 5])
            #expect(queue.allSatisfy { $0["category"] as? String == "registration" })
            let codes = queue.map { (($0["errors"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String } }
            #expect(codes.first?.contains("invalid_credit_code") == true && codes.last == ["not_registering_department"])

            // The same file with one name changed: one update, one unchanged, and the refused rows are not queued twice.
            let again = try await upload(Self.registrationFile(secondName: "济南新名商贸有限公司", social: social))
            #expect(again["accepted"] as? Int == 0 && again["updated"] as? Int == 1 && again["unchanged"] as? Int == 1)
            #expect(again["rejected"] as? Int == 2)
            try await client.execute(uri: "/api/v1/entities/\(second)", method: .get) { response in
                let body = try response.body.json()
                #expect(body["name"] as? String == "济南新名商贸有限公司" && body["version"] as? Int == 2)
                #expect(body["formerNames"] as? [String] == ["济南旧名商贸有限公司"])
            }
            let queued = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(queued.count == 2)

            // The row with the wrong check character is corrected on the queue page.
            let (session, csrf) = try await fixture.accounts.startSession(accountID: market.id)
            let page = try await client.execute(uri: "/rejections", method: .get, headers: [.cookie: "credit_session=\(session)"]) {
                $0.body.text
            }
            #expect(page.contains("主体登记信息") && page.contains("法定代表人证件号码"))
            let rejectionID = try #require(queue.first?["id"] as? String)
            var fields = [
                "csrf": csrf, "code": "91350100M000100Y4Z", "name": "代码有误的公司", "kind": "企业", "region": "370102", "industry": "65",
                "establishedOn": "2024-03-01", "legalRepresentative.name": "赵六", "legalRepresentative.idNumber": "11010519491231002X",
            ]
            let formHeaders: HTTPFields = [.cookie: "credit_session=\(session)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/rejections/\(rejectionID)", method: .post, headers: formHeaders, body: form(fields)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.text.contains("统一社会信用代码无效"))
            }
            let corrected = CreditCode.completing("91370102MA7K0003X")!.rawValue
            fields["code"] = corrected
            try await client.execute(uri: "/rejections/\(rejectionID)", method: .post, headers: formHeaders, body: form(fields)) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/api/v1/entities/\(corrected)", method: .get) { response in
                let body = try response.body.json()
                #expect(body["name"] as? String == "代码有误的公司")
            }
            let left = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(left.count == 1)

            // A row refused for a date in the future, then sent again corrected in another file: it leaves the queue.
            let third = CreditCode.completing("91370102MA7K0004X")!.rawValue
            let header = Self.registrationFile(secondName: "", social: social).split(separator: "\n")[0]
            let refused = try await upload(header + "\n\(third),后来改正的公司,企业,370102,65,2099-03-01,孙八,11010519491231002X,,,\n")
            #expect(refused["rejected"] as? Int == 1)
            let fixed = try await upload(header + "\n\(third),后来改正的公司,企业,370102,65,2024-03-01,孙八,11010519491231002X,,,\n")
            #expect(fixed["accepted"] as? Int == 1)
            let still = try await client.execute(uri: "/api/v1/rejections", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                try $0.body.json()["items"] as? [[String: Any]] ?? []
            }
            #expect(still.map { $0["id"] as? String } == left.map { $0["id"] as? String })
            #expect(try await TamperEvidentLog(database: fixture.db).verify().ok)
        }
    }
}
