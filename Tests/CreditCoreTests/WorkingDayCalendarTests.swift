import CreditCore
import Synchronization
import Testing

@Suite("Working-day calendar")
struct WorkingDayCalendarTests {
    let calendar = WorkingDayCalendar.bundled()

    @Test(
        "N working days after D (domain-rules.md §9)",
        arguments: [
            ("2025-01-24", 7, "2025-02-10"), ("2025-09-26", 7, "2025-10-13"), ("2025-09-30", 20, "2025-11-04"),
            ("2026-02-12", 7, "2026-02-28"), ("2026-09-30", 3, "2026-10-10"), ("2026-04-30", 7, "2026-05-13"),
        ]
    )
    func vectors(_ start: String, _ n: Int, _ expected: String) throws {
        let result = calendar.adding(workingDays: n, to: try #require(LocalDate(start)))
        #expect(result.description == expected)
    }

    @Test("working days per year: 2024 has 251, 2025 and 2026 have 248")
    func totals() {
        #expect(calendar.workingDayCount(inYear: 2024) == 251)
        #expect(calendar.workingDayCount(inYear: 2025) == 248)
        #expect(calendar.workingDayCount(inYear: 2026) == 248)
    }

    @Test("a make-up Saturday is a working day; a weekday holiday is not")
    func makeUpDays() {
        #expect(calendar.isWorkingDay(LocalDate("2026-02-28")!))
        #expect(calendar.isWorkingDay(LocalDate("2026-01-04")!))
        #expect(!calendar.isWorkingDay(LocalDate("2026-10-05")!))
        #expect(!calendar.isWorkingDay(LocalDate("2025-06-02")!))
        #expect(!calendar.isWorkingDay(LocalDate("2026-11-28")!), "an ordinary Saturday")
        #expect(calendar.isWorkingDay(LocalDate("2026-11-26")!), "an ordinary Thursday")
    }

    @Test("counting working days between two dates inverts adding them")
    func countInvertsAdd() {
        var d = LocalDate("2025-01-01")!
        while d.year < 2027 {
            for n in [1, 3, 7, 20] {
                let end = calendar.adding(workingDays: n, to: d)
                #expect(calendar.workingDays(from: d, to: end) == n, "\(d) + \(n)")
            }
            d = d.adding(days: 5)
        }
    }

    @Test("the counted number of working days equals walking the days one by one, across years and holidays")
    func countedEqualsWalked() {
        var random = SplitMix64(seed: 2019)
        for _ in 0..<2_000 {
            let start = LocalDate(dayNumber: LocalDate("2023-11-01")!.dayNumber + random.below(1_250))
            let end = start.adding(days: random.below(500))
            var walked = 0
            var d = start
            while d < end {
                d = d.adding(days: 1)
                if calendar.isWorkingDay(d) { walked += 1 }
            }
            #expect(calendar.workingDays(from: start, to: end) == walked, "\(start) → \(end)")
        }
    }

    @Test("the delay of a late submission across the Spring Festival, in working days")
    func delayAcrossHoliday() {
        // Due 2026-02-13 (Fri); received 2026-02-25 (Wed): the 14th (make-up Sat), 24th and 25th are working days.
        #expect(calendar.workingDays(from: LocalDate("2026-02-13")!, to: LocalDate("2026-02-25")!) == 3)
        #expect(calendar.workingDays(from: LocalDate("2026-02-25")!, to: LocalDate("2026-02-13")!) == -3)
    }

    @Test("a year with no data falls back to weekends only and reports the year")
    func fallback() {
        let seen = Mutex<[Int]>([])
        let calendar = WorkingDayCalendar.bundled(onFallback: { year in seen.withLock { $0.append(year) } })
        // 2027-01-01 is a Friday; with no 2027 data it counts as a working day.
        #expect(calendar.isWorkingDay(LocalDate("2027-01-01")!))
        #expect(!calendar.isWorkingDay(LocalDate("2027-01-02")!))
        #expect(seen.withLock { $0 }.allSatisfy { $0 == 2027 })
        #expect(!seen.withLock { $0 }.isEmpty)
        #expect(calendar.missingYears(from: 2026, through: 2027) == [2027])
    }

    @Test("loading a year replaces the weekends-only fallback")
    func loadYear() {
        var calendar = WorkingDayCalendar.bundled()
        calendar.load(
            HolidayYear(year: 2027, source: "test", periods: [.init(name: "元旦", from: LocalDate("2027-01-01")!, to: LocalDate("2027-01-03")!)])
        )
        #expect(!calendar.isWorkingDay(LocalDate("2027-01-01")!))
        #expect(calendar.hasData(for: 2027))
    }

    @Test("a malformed arrangement lists its problems")
    func validation() {
        let year = HolidayYear(
            year: 2027,
            source: "test",
            periods: [.init(name: "春节", from: LocalDate("2027-02-10")!, to: LocalDate("2027-02-05")!, workdays: [LocalDate("2027-02-03")!])]
        )
        let problems = year.validationProblems()
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("starts after it ends") })
        #expect(problems.contains { $0.contains("is not a weekend day") })
    }
}

@Suite("LocalDate")
struct LocalDateTests {
    @Test("parses only real YYYY-MM-DD dates", arguments: ["2025-02-29", "2025-13-01", "2025-1-01", "20250101", "2025-01-01T00", "", "２０２５-01-01"])
    func invalid(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test("day numbers round-trip and weekdays are right")
    func dayNumbers() {
        #expect(LocalDate("1970-01-01")!.dayNumber == 0)
        #expect(LocalDate("2024-02-29")!.adding(days: 1).description == "2024-03-01")
        #expect(LocalDate("2026-11-26")!.weekday == 4)
        for n in stride(from: -800_000, to: 2_900_000, by: 997) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
    }

    @Test("adding months clamps to the month's end")
    func months() {
        #expect(LocalDate("2025-01-31")!.adding(months: 1).description == "2025-02-28")
        #expect(LocalDate("2024-02-29")!.adding(years: 1).description == "2025-02-28")
        #expect(LocalDate("2025-11-15")!.adding(months: 3).description == "2026-02-15")
    }

    @Test("a stored UTC instant reads as Beijing time, and its day is Beijing's: 16:30 UTC is past midnight the next day")
    func beijingTime() {
        #expect(BeijingTime.minute("2026-11-26T16:30:05.123Z") == "2026-11-27 00:30")
        #expect(BeijingTime.minute("2026-12-31T15:59:59.999Z") == "2026-12-31 23:59")
        #expect(BeijingTime.minute("not a time") == "not a time")
        #expect(LocalDate(shanghaiDayOf: "2026-11-26T16:30:05.123Z")?.description == "2026-11-27")
    }
}
