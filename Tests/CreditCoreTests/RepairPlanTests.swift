import CreditCore
import CreditTestSupport
import Testing

/// Who may apply to repair what, and when (国家发展改革委令2025年第36号 and 国办发〔2025〕22号: after the minimum period
/// of the class, 一般 3 months and 严重 1 year; 总局令第45号第十四条: no early stop for 吊销营业执照 and its kind), with the
/// shipped rules and calendar. Dates are worked out by hand from 民法典 Art. 201–202 and the 2026 holiday notice.
@Suite("Repair eligibility and its clock")
struct RepairPlanTests {
    static let applicant = "91370102MA3CT0001X"
    static let market = "济南市市场监督管理局"

    static func record(decided: String, severity: Severity = .general, kinds: [String] = ["罚款"], subject: String = applicant) throws -> RepairItem {
        let window = try Builders.window("penalty", decided: decided, received: nil, severity: severity, kinds: kinds).get()
        return .record(
            RepairRecord(
                id: 7,
                subjectCode: subject,
                departmentCode: "11370100MB0000001X",
                departmentName: market,
                documentNumber: "济市监罚〔2026〕7号",
                punishmentKinds: kinds,
                status: .active,
                window: window
            )
        )
    }

    static func eligibility(_ item: RepairItem, on day: String, openCase: Int? = nil) throws(RepairError) -> RepairPlan.Eligible {
        try RepairPlan.eligibility(
            item,
            applicant: applicant,
            today: LocalDate(day)!,
            rules: .shipped,
            publication: .shipped,
            openCase: openCase
        )
    }

    static func refusal(_ item: RepairItem, on day: String, openCase: Int? = nil) -> RepairError? {
        do {
            _ = try eligibility(item, on: day, openCase: openCase)
            return nil
        } catch {
            return error
        }
    }

    @Test("a general penalty decided 2026-10-15 may be repaired from 2027-01-16, and the refusal before names that day")
    func generalPenalty() throws {
        let item = try Self.record(decided: "2026-10-15")
        let early = try #require(Self.refusal(item, on: "2027-01-15"))
        #expect(early.code == "repair_not_yet_eligible" && early.message.contains("2027-01-16"))
        let eligible = try Self.eligibility(item, on: "2027-01-16")
        #expect(eligible.firstEligibleDay == LocalDate("2027-01-16") && eligible.departmentCode == "11370100MB0000001X", "谁认定、谁修复")
    }

    @Test("a serious penalty waits a year")
    func seriousPenalty() throws {
        let item = try Self.record(decided: "2026-10-15", severity: .serious)
        #expect(Self.refusal(item, on: "2027-10-15")?.code == "repair_not_yet_eligible")
        #expect(try Self.eligibility(item, on: "2027-10-16").firstEligibleDay == LocalDate("2027-10-16"))
    }

    @Test("a market penalty that revoked the business licence stays public for its period (总局令第45号第十四条)")
    func licenceRevoked() throws {
        let item = try Self.record(decided: "2026-10-15", severity: .serious, kinds: ["罚款", "吊销营业执照"])
        let refused = try #require(Self.refusal(item, on: "2027-12-01"))
        #expect(refused.code == "not_repairable" && refused.message.contains("吊销营业执照") && refused.message.contains("第十四条"))
    }

    @Test("another subject's record, a record no longer public, a second open case: refused with their codes")
    func refusals() throws {
        #expect(Self.refusal(try Self.record(decided: "2026-10-15", subject: "91370102MA3CT0097X"), on: "2027-02-01")?.code == "not_your_item")
        #expect(Self.refusal(try Self.record(decided: "2026-10-15"), on: "2027-10-16")?.code == "repair_not_needed", "past its last public day")
        #expect(Self.refusal(try Self.record(decided: "2026-10-15"), on: "2027-02-01", openCase: 3)?.message.contains("3") == true)
        #expect(Self.refusal(try Self.record(decided: "2026-10-15"), on: "2027-02-01", openCase: 3)?.code == "repair_case_open")
    }

    @Test("a black-list entry may leave early a year after it started; a red list and the court's list are not repaired here")
    func listings() throws {
        let types = ListTypes.shipped
        func entry(_ list: String) -> Listing {
            Listing(
                id: 4,
                list: list,
                departmentCode: "11370100MB0000001X",
                subjectCode: Self.applicant,
                subjectIDMasked: nil,
                subjectName: "济南甲公司",
                documentNumber: "济市监严〔2026〕4号",
                reason: "事由",
                basis: "依据",
                startsOn: LocalDate("2026-11-26")!,
                endsOn: LocalDate("2029-11-25")!,
                noticeServedOn: LocalDate("2026-11-25")!,
                listTypesVersion: types.version
            )
        }
        let black = RepairItem.listing(entry("market-serious-violator"), type: try #require(types.type("market-serious-violator")))
        #expect(Self.refusal(black, on: "2027-11-26")?.message.contains("2027-11-27") == true)
        #expect(try Self.eligibility(black, on: "2027-11-27").firstEligibleDay == LocalDate("2027-11-27"))
        let red = RepairItem.listing(entry("a-grade-taxpayer"), type: try #require(types.type("a-grade-taxpayer")))
        #expect(Self.refusal(red, on: "2028-01-01")?.code == "not_repairable")
        let court = RepairItem.listing(entry("dishonest-judgment-debtor"), type: try #require(types.type("dishonest-judgment-debtor")))
        #expect(Self.refusal(court, on: "2028-01-01")?.code == "not_repairable")
    }

    @Test("the department decides within 3 working days of acceptance; an extension adds 3 more, across the National Day 调休")
    func clock() {
        let calendar = WorkingDayCalendar.bundled()
        // domain-rules.md §9: 2026-09-30 + 3 working days is Saturday 2026-10-10, a 调休 working day.
        #expect(RepairPlan.dueBy(acceptedOn: LocalDate("2026-09-30")!, rules: .shipped, calendar: calendar) == LocalDate("2026-10-10"))
        // Then Sunday the 11th is a day off: 12, 13, 14 October.
        #expect(RepairPlan.dueBy(acceptedOn: LocalDate("2026-09-30")!, extended: 1, rules: .shipped, calendar: calendar) == LocalDate("2026-10-14"))
    }

    @Test("the shipped rules are free of charge, ask for a commitment, and name their sources")
    func shippedRules() {
        let rules = RepairRules.shipped
        #expect(rules.fee == "免费" && rules.commitmentRequired && rules.effectiveFrom == LocalDate("2026-04-01"))
        #expect(rules.basis.contains("2025年第36号") && rules.materials.contains { $0.code == "commitment" && $0.required })
    }
}
