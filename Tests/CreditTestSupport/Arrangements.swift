import CreditCore

extension HolidayYear {
    /// A 2027 arrangement made up for tests (the State Council's is not known here): 元旦 1–3 January; 春节 5–12
    /// February with Sunday the 14th worked. Seven working days after Monday 1 February are then due on the 17th
    /// (the law's holidays alone make it the 16th).
    public static let madeUp2027 = HolidayYear(
        year: 2027,
        source: "test",
        periods: [
            .init(name: "元旦", from: LocalDate("2027-01-01")!, to: LocalDate("2027-01-03")!),
            .init(name: "春节", from: LocalDate("2027-02-05")!, to: LocalDate("2027-02-12")!, workdays: [LocalDate("2027-02-14")!]),
        ]
    )
}
