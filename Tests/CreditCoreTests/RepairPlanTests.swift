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

    /// An entry of the market regulator's (by default) starting 26 November 2026 for three years, served the day before.
    static func entry(
        _ list: String,
        id: Int = 4,
        starts: String = "2026-11-26",
        ends: String = "2029-11-25",
        served: String = "2026-11-25"
    )
        -> Listing
    {
        Listing(
            id: id,
            list: list,
            departmentCode: "11370100MB0000001X",
            subjectCode: applicant,
            subjectIDMasked: nil,
            subjectName: "济南甲公司",
            documentNumber: "济市监严〔2026〕\(id)号",
            reason: "事由",
            basis: "《市场监督管理严重违法失信名单管理办法》第二条",
            startsOn: LocalDate(starts)!,
            endsOn: LocalDate(ends)!,
            noticeServedOn: LocalDate(served)!,
            listTypesVersion: ListTypes.shipped.version
        )
    }

    @Test("a black-list entry may leave early a year after it started; a red list and the court's list are not repaired here")
    func listings() throws {
        let types = ListTypes.shipped
        func entry(_ list: String) -> Listing { Self.entry(list) }
        let black = RepairItem.listing(entry("market-serious-violator"), type: try #require(types.type("market-serious-violator")))
        #expect(Self.refusal(black, on: "2027-11-26")?.message.contains("2027-11-27") == true)
        #expect(try Self.eligibility(black, on: "2027-11-27").firstEligibleDay == LocalDate("2027-11-27"))
        let red = RepairItem.listing(entry("a-grade-taxpayer"), type: try #require(types.type("a-grade-taxpayer")))
        #expect(Self.refusal(red, on: "2028-01-01")?.code == "not_repairable")
        let court = RepairItem.listing(entry("dishonest-judgment-debtor"), type: try #require(types.type("dishonest-judgment-debtor")))
        #expect(Self.refusal(court, on: "2028-01-01")?.code == "not_repairable")
        // 食品安全法 Art. 135 bars for five years: no early removal, so no repair.
        let ban = RepairItem.listing(entry("food-safety-ban"), type: try #require(types.type("food-safety-ban")))
        #expect(Self.refusal(ban, on: "2028-01-01")?.code == "not_repairable")
    }

    @Test("an entry on the market regulator's list begun under the 2019 rules (serious: six months) still waits the year of 总局令第44号")
    func listOwnMinimum() throws {
        let types = ListTypes.shipped
        let type = try #require(types.type("market-serious-violator"))
        let listing = Self.entry(type.code, id: 5, starts: "2025-11-03", ends: "2028-11-02", served: "2025-10-29")
        // Six months on (2026-05-04) would do under the 2019 rule set; Order 44 asks for a full year: 2026-11-04.
        #expect(RepairPlan.firstEligibleDay(.listing(listing, type: type), publication: .shipped) == LocalDate("2026-11-04"))
        var other = type
        other.repairAfterMonths = nil
        #expect(RepairPlan.firstEligibleDay(.listing(listing, type: other), publication: .shipped) == LocalDate("2026-05-04"))
    }

    @Test("a black-list entry's notice names the list, its end and the day a year on when leaving early may be asked for; a red list has none")
    func listingNotice() throws {
        let types = ListTypes.shipped
        let black = try #require(types.type("market-serious-violator"))
        let entry = Self.entry(black.code)
        let today = LocalDate("2026-12-07")!
        let notice = try #require(RepairNotice.make(entry, type: black, on: today, rules: .shipped, publication: .shipped))
        // Serious dishonesty: at least one year (国办发〔2025〕22号), counted from 26 November 2026.
        #expect(notice.listingId == 4 && notice.recordId == nil && notice.repairFrom == "2027-11-27" && notice.publicUntil == "2029-11-25")
        #expect(notice.text.contains("列入\(black.name)") && notice.text.contains("自 2027-11-27 起") && notice.text.contains("免费"))
        #expect(notice.text.contains("POST /api/v1/objections"), "the notice names the way to object")
        // Nothing to repair: an incentive list, an entry that has ended, an entry not yet in force.
        var red = entry
        red.list = "a-grade-taxpayer"
        #expect(RepairNotice.make(red, type: try #require(types.type("a-grade-taxpayer")), on: today, rules: .shipped, publication: .shipped) == nil)
        #expect(RepairNotice.make(entry, type: black, on: LocalDate("2029-11-26")!, rules: .shipped, publication: .shipped) == nil)
        #expect(RepairNotice.make(entry, type: black, on: LocalDate("2026-11-25")!, rules: .shipped, publication: .shipped) == nil)
        // The court deletes its own entries: the notice says repair does not end them and offers no day.
        let court = try #require(types.type("dishonest-judgment-debtor"))
        let courtNotice = try #require(RepairNotice.make(entry, type: court, on: today, rules: .shipped, publication: .shipped))
        #expect(courtNotice.repairFrom == nil && courtNotice.notRepairableBecause?.contains("法院删除") == true && courtNotice.materials.isEmpty)
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
