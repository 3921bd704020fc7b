import CreditCore
import CreditTestSupport
import Testing

/// Publication periods counted as 民法典 Art. 201–202 count them: the decision day is not counted, and a period of N
/// months ends on the corresponding day of the N-th month (its last day when the month has no such day). The dates
/// below are worked out by hand from those articles and the periods of the rule sets (527号: general 3–12 months;
/// Order 36: general 3–12, serious 12–36).
@Suite("Publication periods as the law counts them")
struct PublicationPeriodTests {
    static let rules = PublicationRules.shipped

    static func window(_ decided: String, _ severity: Severity, received: String? = nil) -> PublicationWindow? {
        try? Builders.window("penalty", decided: decided, received: received, severity: severity, kinds: ["罚款"]).get()
    }

    @Test(
        "decided on D: public through D + the maximum, repair from the day after D + the minimum",
        arguments: [
            // decided, severity, last day of the minimum period, repair from, last public day
            ("2026-09-01", Severity.general, "2026-12-01", "2026-12-02", "2027-09-01"),
            ("2026-09-01", .serious, "2027-09-01", "2027-09-02", "2029-09-01"),
            ("2026-01-31", .general, "2026-04-30", "2026-05-01", "2027-01-31"),  // 527号; April has no 31st
            ("2027-02-28", .general, "2027-05-28", "2027-05-29", "2028-02-28"),
            ("2028-02-29", .general, "2028-05-29", "2028-05-30", "2029-02-28"),  // 2029 has no 29 February
            ("2026-11-30", .general, "2027-02-28", "2027-03-01", "2027-11-30"),
        ]
    )
    func periods(_ decided: String, _ severity: Severity, _ earliestEnd: String, _ repairFrom: String, _ until: String) throws {
        let window = try #require(Self.window(decided, severity))
        #expect(window.from == LocalDate(decided), "the start stays the decision (Order 36: 自…认定之日起)")
        #expect(window.earliestEnd == LocalDate(earliestEnd))
        #expect(window.repairFrom == LocalDate(repairFrom))
        #expect(window.until == LocalDate(until))
        #expect(window.contains(LocalDate(until)!) && !window.contains(LocalDate(until)!.adding(days: 1)))
    }

    @Test("every shipped rule set says how it counts, and counts as the Civil Code does")
    func convention() {
        #expect(Self.rules.sets.allSatisfy { $0.counting == .civilCode })
        #expect(PublicationRules.Counting.decisionDayCounted.lastDay(months: 12, decidedOn: LocalDate("2026-09-01")!) == LocalDate("2027-08-31"))
    }

    @Test("a record received on the last day of its period is public that day; the day after, it is not published at all")
    func receivedLate() {
        #expect(Self.window("2026-09-01", .general, received: "2027-09-01")?.from == LocalDate("2027-09-01"))
        #expect(Self.window("2026-09-01", .general, received: "2027-09-02") == nil)
    }
}
