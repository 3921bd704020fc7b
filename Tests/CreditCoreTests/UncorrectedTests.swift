import CreditCore
import CreditTestSupport
import Foundation
import Testing

/// Order 36's exception at the maximum period: a penalty whose subject has not corrected its conduct stays public as
/// the sector's rule says (the catalogue: per category, whether and how long), through the day the department states.
@Suite("Records kept public because the conduct was not corrected")
struct UncorrectedTests {
    static let catalogue = try! Catalogue.bundled()
    /// The day the department marks it: before the maximum period of a general penalty decided 2026-09-01 ends.
    static let today = LocalDate("2027-08-20")!

    static func marked(until: String?, basis: String?, severity: String = "general") -> RecordSubmission {
        var submission = Builders.penalty(number: "济市监罚〔2026〕88号", decidedOn: "2026-09-01", severity: severity)
        submission.fields["uncorrectedUntil"] = until
        submission.fields["uncorrectedBasis"] = basis
        return submission
    }

    static func problems(_ submission: RecordSubmission, catalogue: Catalogue = catalogue) -> [String] {
        switch RecordValidator.validate(submission, catalogue: catalogue, today: today) {
        case .success: []
        case .failure(let problems): problems.problems.map { "\($0.field):\($0.code)" }
        }
    }

    @Test("marked uncorrected, a general penalty decided 2026-09-01 stays public past 2027-09-01 through the day stated; unmarked it does not")
    func keptPublic() throws {
        let category = try #require(Self.catalogue.category("penalty"))
        #expect(category.publication.uncorrected != nil, "the shipped catalogue lets penalties stay public, as Order 36 has it")
        #expect(Self.problems(Self.marked(until: "2028-03-01", basis: "限制从业至2028-03-01（济市监罚〔2026〕88号）")).isEmpty)
        func window(_ until: String?) throws -> PublicationWindow {
            try PublicationWindow.compute(
                category: category,
                severity: .general,
                punishmentKinds: ["罚款"],
                procedure: .ordinary,
                uncorrectedUntil: until.flatMap { LocalDate($0) },
                revoked: false,
                departmentName: "济南市市场监督管理局",
                decidedOn: LocalDate("2026-09-01")!,
                receivedOn: LocalDate("2026-09-02")!,
                rules: .shipped
            ).get()
        }
        // A general penalty's maximum is 1 year, counted as 民法典 Art. 201–202 count it: through 2027-09-01.
        let plain = try window(nil)
        #expect(plain.until == LocalDate("2027-09-01") && plain.maxUntil == nil)
        let kept = try window("2028-03-01")
        #expect(kept.until == LocalDate("2028-03-01") && kept.maxUntil == LocalDate("2027-09-01"))
        #expect(kept.earliestEnd == plain.earliestEnd, "repair may still be applied for from the same day")
        for (day, plainPublic, keptPublic) in [
            ("2027-09-01", true, true), ("2027-09-02", false, true), ("2028-03-01", false, true), ("2028-03-02", false, false),
        ] {
            let d = LocalDate(day)!
            #expect(PublicVisibility.isVisible(status: .active, window: plain, on: d) == plainPublic, "\(day)")
            #expect(PublicVisibility.isVisible(status: .active, window: kept, on: d) == keptPublic, "\(day)")
        }
    }

    @Test(
        "a mark without its basis or day, not after the maximum, beyond the longest extension, on a record not published, or where the category does not allow it, is refused"
    )
    func refused() throws {
        #expect(Self.problems(Self.marked(until: "2028-03-01", basis: nil)) == ["uncorrectedBasis:required"])
        #expect(Self.problems(Self.marked(until: nil, basis: "未缴纳罚款")) == ["uncorrectedUntil:required"])
        #expect(Self.problems(Self.marked(until: "2027-09-01", basis: "未缴纳罚款")) == ["uncorrectedUntil:uncorrected_until_not_later"])
        // A warning is minor and not published (the shipped catalogue), so there is nothing to keep public.
        var warning = Self.marked(until: "2028-03-01", basis: "未缴纳罚款", severity: "minor")
        warning.fields["punishmentKinds"] = "警告"
        warning.fields["content"] = "警告"
        #expect(Self.problems(warning) == ["uncorrectedUntil:uncorrected_not_public"])

        // A category whose rule keeps such records at most six months past the maximum.
        var capped = Self.catalogue
        let index = try #require(capped.categories.firstIndex { $0.code == "penalty" })
        capped.categories[index].publication.uncorrected?.longestMonths = 6
        #expect(Self.problems(Self.marked(until: "2028-03-01", basis: "未缴纳罚款"), catalogue: capped).isEmpty)
        #expect(Self.problems(Self.marked(until: "2028-03-02", basis: "未缴纳罚款"), catalogue: capped) == ["uncorrectedUntil:uncorrected_until_too_late"])
        // A category that comes down at the maximum whatever the department says.
        capped.categories[index].publication.uncorrected = nil
        #expect(Self.problems(Self.marked(until: "2028-03-01", basis: "未缴纳罚款"), catalogue: capped) == ["uncorrectedUntil:uncorrected_not_allowed"])
    }

    @Test("a stated 公示截止期 is compared with the window the mark gives")
    func statedUntil() throws {
        func warnings(stating day: String) throws -> [String] {
            var submission = Self.marked(until: "2028-03-01", basis: "未缴纳罚款")
            submission.fields["statedPublicUntil"] = day
            return try RecordValidator.validate(submission, catalogue: Self.catalogue, today: Self.today).get().warnings.map(\.code)
        }
        #expect(try warnings(stating: "2028-03-01").isEmpty)
        #expect(try warnings(stating: "2027-09-01") == ["stated_until_differs"])
    }
}
