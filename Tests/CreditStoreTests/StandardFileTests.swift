import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

/// Penalty files as departments export them: the 2021 national 双公示 standard's columns, by their Chinese names or by
/// the field codes provincial systems use, plus the platform's own 失信程度 (the standard has no severity; Order 36
/// leaves it to the deciding department).
@Suite("Files in the national standard's columns")
struct StandardFileTests {
    static let chinese = [
        "行政相对人名称", "行政相对人类别", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_2(工商注册号)", "行政相对人代码_3(组织机构代码)",
        "行政相对人代码_4(税务登记号)", "行政相对人代码_5(事业单位证书号)", "行政相对人代码_6(社会组织登记证号)", "法定代表人", "法定代表人证件类型",
        "法定代表人证件号码", "证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
        "没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码",
        "数据来源单位", "数据来源单位统一社会信用代码", "备注", "失信程度",
    ]
    static let codes = [
        "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_XDR_SWDJ", "CF_XDR_SYDW", "CF_XDR_SHZZ", "CF_FRDB", "CF_FR_ZJLX",
        "CF_FR_ZJHM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW", "CF_WFSS", "CF_CFYJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_NR_WFFF",
        "CF_NR_ZKDX", "CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM", "BZ", "severity",
    ]
    /// The representative's identity number (a valid test number: GB 11643's example).
    static let representative = "11010519491231002X"

    /// Three rows: a company with its representative, a person, and an individual business without a code (named by
    /// its operator's number); decided Wednesday 6 May 2026, general, so public through 6 May 2027.
    static func rows(company: String, department: String, personNumber: String, operatorNumber: String) -> [[String]] {
        let market = "济南市市场监督管理局"
        return [
            [
                "甲公司", "法人及非法人组织", company, "", "", "", "", "", "张三", "身份证", representative, "", "", "济市监罚〔2026〕201号", "虚假宣传",
                "发布虚假广告", "《广告法》第五十五条", "罚款", "罚款人民币五千元", "0.5", "0.012345", "", "2026-05-06", "", "2027-05-06", market,
                department, market, department, "", "一般",
            ],
            [
                "李四", "自然人", "", "", "", "", "", "", "", "", "", "身份证", personNumber, "济市监罚〔2026〕202号", "无照经营", "无照经营",
                "《无证无照经营查处办法》第十三条", "罚款", "罚款人民币二千元", "0.2", "", "", "2026-05-06", "", "2027-05-05", market, department,
                market, department, "当场缴纳", "一般",
            ],
            [
                "王五小吃店", "个体工商户", "", "", "", "", "", "", "", "", "", "身份证", operatorNumber, "济市监罚〔2026〕203号", "食品安全",
                "未公示许可证", "《食品安全法》第一百二十六条", "罚款", "罚款人民币一千元", "0.1", "", "", "2026-05-06", "", "", market, department,
                market, department, "", "一般",
            ],
        ]
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> [UInt8] {
        Array(([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n").utf8)
    }

    @Test(
        "the full 2021 header, in Chinese or as field codes, imports; the representative's number is the representative's, masked",
        arguments: TestEngine.available,
        ["chinese", "codes"]
    )
    func fullHeader(_ engine: TestEngine, _ header: String) async throws {
        try await RecordStoreTests.with(engine) { f in
            let department = RecordStoreTests.market.code
            let person = IdentityNumber.completing("37010219800101001")!.rawValue
            let owner = IdentityNumber.completing("37010219750505002")!.rawValue
            let rows = Self.rows(company: f.items[0].entity.code.rawValue, department: department, personNumber: person, operatorNumber: owner)
            let bytes = Self.csv(header == "chinese" ? Self.chinese : Self.codes, rows)
            let summary = try await f.importer().run(RecordImportTests.chunks(bytes), encoding: .auto)
            #expect(summary.accepted == 3 && summary.rejected == 0, "\(summary.firstRejections)")
            // The second row's 公示截止期 is a day short of the rule's: stored, with a warning; the rule decides.
            #expect(summary.firstWarnings.map(\.line) == [3] && summary.firstWarnings.first?.problems.map(\.code) == ["stated_until_differs"])

            let stored = try await f.store.departmentRecords(department, .init(), page: 1, size: 10).items.sorted {
                $0.documentNumber < $1.documentNumber
            }
            #expect(stored.map(\.documentNumber) == ["济市监罚〔2026〕201号", "济市监罚〔2026〕202号", "济市监罚〔2026〕203号"])
            let company = stored[0]
            #expect(company.subjectCode == f.items[0].entity.code.rawValue && company.subjectIDMasked == nil)
            #expect(company.content["legalRepresentative"] == "张三" && company.content["legalRepresentativeIdNumber"] == "110105********002X")
            #expect(company.content["fine"] == "500000" && company.content["confiscated"] == "12345", "万元 read exactly into fen")
            #expect(company.content["authorityCode"] == department && company.content["subjectKind"] == "organisation")
            #expect(company.publication?.until == LocalDate("2027-05-06"))
            #expect(
                stored[1].subjectCode == nil && stored[1].subjectIDMasked == IdentityNumber.mask(person) && stored[1].content["remarks"] == "当场缴纳"
            )
            #expect(
                stored[2].subjectCode == nil && stored[2].subjectIDMasked == IdentityNumber.mask(owner),
                "an unregistered business by its operator"
            )
            // No whole identity number at rest.
            let text = try await f.db.read { sql in
                try await sql.raw("SELECT content FROM records UNION ALL SELECT content FROM record_versions").all().map {
                    try $0.decode(column: "content", as: String.self)
                }
            }
            #expect(!text.contains { $0.contains(Self.representative) || $0.contains(person) || $0.contains(owner) })
            // The representative's number whole only sealed, beside the record (the subjects' numbers are the persons').
            let sealed = try await f.db.read { sql in
                try await sql.raw("SELECT document_number, representative_id_enc FROM records ORDER BY document_number").all().map {
                    (try $0.decode(column: "document_number", as: String.self), try $0.decode(column: "representative_id_enc", as: String?.self))
                }
            }
            #expect(sealed.map { $0.1 != nil } == [true, false, false])
            let value = try #require(sealed.first?.1)
            let opened = try TestDatabase.keys.open(value)
            #expect(!value.contains(Self.representative) && opened == Self.representative)
        }
    }

    @Test("a fine in 万元 written with a unit or too many decimals, and an authority that is not the department, are row errors")
    func badRows() async throws {
        try await RecordStoreTests.with(.sqlite) { f in
            let department = RecordStoreTests.market.code
            var rows = Self.rows(company: f.items[0].entity.code.rawValue, department: department, personNumber: "", operatorNumber: "")
            rows = [rows[0], rows[0], rows[0]]
            rows[0][19] = "1.5万"
            rows[1][13] = "济市监罚〔2026〕205号"
            rows[1][19] = "0.1234567"
            rows[2][13] = "济市监罚〔2026〕206号"
            rows[2][26] = RecordStoreTests.tax.code
            let summary = try await f.importer().run(RecordImportTests.chunks(Self.csv(Self.chinese, rows)), encoding: .auto)
            #expect(summary.rejected == 3)
            #expect(
                summary.firstRejections.map { $0.problems.map(\.code) } == [["invalid_amount"], ["invalid_amount"], ["authority_not_department"]]
            )
            let authority = try #require(summary.firstRejections.last?.problems.first?.message)
            #expect(authority.contains(RecordStoreTests.tax.code) && authority.contains(department), "names both")
        }
    }
}

@Suite("Licence files in the national standard's columns")
struct StandardLicenceFileTests {
    static let chinese = [
        "行政相对人名称", "行政相对人类别", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_2(工商注册号)", "法定代表人", "法定代表人证件类型",
        "法定代表人证件号码", "证件类型", "证件号码", "行政许可决定文书名称", "行政许可决定文书号", "许可类别", "许可证书名称", "许可编号", "许可内容",
        "许可决定日期", "有效期自", "有效期至", "许可机关", "许可机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
    ]
    static let codes = [
        "XK_XDR_MC", "XK_XDR_LB", "XK_XDR_SHXYM", "XK_XDR_GSZC", "XK_FRDB", "XK_FR_ZJLX", "XK_FR_ZJHM", "XK_XDR_ZJLX", "XK_XDR_ZJHM", "XK_XKWS",
        "XK_WSH", "XK_XKLB", "XK_XKZS", "XK_XKBH", "XK_NR", "XK_JDRQ", "XK_YXQZ", "XK_YXQZI", "XK_XKJG", "XK_XKJGDM", "XK_LYDW", "XK_LYDWDM", "BZ",
    ]

    @Test(
        "a licence file with the 2021 header, in Chinese or as field codes, imports with every column kept",
        arguments: TestEngine.available,
        [true, false]
    )
    func fullHeader(_ engine: TestEngine, _ chinese: Bool) async throws {
        try await RecordStoreTests.with(engine) { f in
            let department = RecordStoreTests.market.code
            let row = [
                "甲公司", "法人及非法人组织", f.items[1].entity.code.rawValue, "370100000012345", "张三", "身份证", StandardFileTests.representative, "", "",
                "食品经营许可决定书", "JY13701000012345", "普通", "食品经营许可证", "JY13701000012345", "预包装食品销售", "2026-05-06", "2026-05-06",
                "2031-05-05", "济南市市场监督管理局", department, "济南市市场监督管理局", department, "",
            ]
            let bytes = StandardFileTests.csv(chinese ? Self.chinese : Self.codes, [row])
            let summary = try await f.importer(category: "license").run(RecordImportTests.chunks(bytes), encoding: .auto)
            #expect(summary.accepted == 1 && summary.rejected == 0, "\(summary.firstRejections)")
            let record = try #require(try await f.store.departmentRecords(department, .init(), page: 1, size: 5).items.first)
            #expect(record.subjectCode == f.items[1].entity.code.rawValue && record.content["businessRegistrationNumber"] == "370100000012345")
            #expect(record.content["certificateName"] == "食品经营许可证" && record.content["validUntil"] == "2031-05-05")
            #expect(record.content["legalRepresentativeIdNumber"] == "110105********002X")
        }
    }
}

@Suite("The other administrative acts in the standard's subject columns")
struct StandardOtherActsTests {
    @Test("a confirmation file with the standard's subject, representative, authority and source columns imports; the representative is sealed")
    func confirmation() async throws {
        try await RecordStoreTests.with(.sqlite) { f in
            let department = RecordStoreTests.market.code
            let header = [
                "行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "法定代表人证件号码", "行政确认文书号", "确认日期", "确认内容", "决定机关",
                "决定机关统一社会信用代码", "数据来源单位", "备注",
            ]
            let row = [
                "甲公司", "法人及非法人组织", f.items[0].entity.code.rawValue, "张三", StandardFileTests.representative, "济市监确〔2026〕1号", "2026-05-06",
                "确认为高新技术企业", "济南市市场监督管理局", department, "济南市市场监督管理局", "年度确认",
            ]
            let summary = try await f.importer(category: "confirmation").run(
                RecordImportTests.chunks(StandardFileTests.csv(header, [row])),
                encoding: .auto
            )
            #expect(summary.accepted == 1 && summary.rejected == 0, "\(summary.firstRejections)")
            let record = try #require(try await f.store.departmentRecords(department, .init(), page: 1, size: 5).items.first)
            #expect(record.content["subjectKind"] == "organisation" && record.content["remarks"] == "年度确认")
            #expect(record.content["legalRepresentativeIdNumber"] == IdentityNumber.mask(StandardFileTests.representative))
            let sealed = try await f.db.read { sql in
                try await sql.raw("SELECT representative_id_enc FROM records").first()?.decode(column: "representative_id_enc", as: String?.self)
            }
            #expect(try sealed.map { try TestDatabase.keys.open($0) } == StandardFileTests.representative)

            // Another department's code as the deciding authority is refused, as for penalties.
            var other = row
            other[5] = "济市监确〔2026〕2号"
            other[9] = RecordStoreTests.tax.code
            let refused = try await f.importer(category: "confirmation").run(
                RecordImportTests.chunks(StandardFileTests.csv(header, [other])),
                encoding: .auto
            )
            #expect(refused.firstRejections.map { $0.problems.map(\.code) } == [["authority_not_department"]])
        }
    }
}
