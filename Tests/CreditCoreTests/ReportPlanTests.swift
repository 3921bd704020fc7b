import CreditCore
import Testing

/// The period of a special credit report (发改财金〔2025〕565号: at most five years) and its number.
@Suite("Reports: period and number")
struct ReportPlanTests {
    static let today = LocalDate("2026-11-26")!

    func code(_ from: String?, _ to: String?) -> String? {
        do {
            _ = try ReportPlan.period(from: from, to: to, today: Self.today)
            return nil
        } catch { return error.code }
    }

    @Test("five years to the day is the longest period; a day more, a day in the future or a reversed period is refused")
    func period() throws {
        // 2021-11-27 to 2026-11-26 is five years exactly.
        #expect(code("2021-11-27", "2026-11-26") == nil)
        #expect(code("2021-11-26", "2026-11-26") == "period_too_long")
        #expect(code("2026-01-01", "2026-11-27") == "period_in_future")
        #expect(code("2026-11-26", "2026-11-25") == "invalid_period")
        #expect(code(nil, "2026-11-26") == "invalid_period" && code("2026-02-30", "2026-11-26") == "invalid_period")
    }

    @Test("a number is XYBG, the day and a six-digit sequence; other shapes are not numbers")
    func number() {
        #expect(ReportPlan.number(sequence: 7, on: Self.today) == "XYBG20261126000007")
        #expect(ReportPlan.isNumber("XYBG20261126000007") && !ReportPlan.isNumber("XYBG2026112600000A") && !ReportPlan.isNumber("XYBG2026"))
    }
}
