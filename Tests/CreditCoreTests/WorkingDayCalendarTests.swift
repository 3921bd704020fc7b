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

    @Test("working days per year: 2023 has 249, 2024 has 251, 2025 and 2026 have 248")
    func totals() {
        #expect(calendar.workingDayCount(inYear: 2023) == 249)
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

    @Test("a year with no arrangement counts the holidays the law fixes, and reports the year")
    func fallback() throws {
        let seen = Mutex<[Int]>([])
        let calendar = WorkingDayCalendar.bundled(onFallback: { year in seen.withLock { $0.append(year) } })
        func off(_ day: String) throws -> Bool { !calendar.isWorkingDay(try #require(LocalDate(day))) }
        // 2027 (not shipped): 元旦 is a Friday; 除夕 to 初三 are 5–8 February, Saturday and Sunday made up on the 9th
        // and 10th (Art. 6); 清明 5 April; 劳动节 a Saturday and Sunday, made up on 3 and 4 May; 端午 9 June; 中秋
        // 15 September; 国庆 Friday to Sunday, made up on 4 and 5 October.
        for day in [
            "2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-04-05", "2027-05-03", "2027-05-04",
            "2027-06-09", "2027-09-15", "2027-10-04", "2027-10-05",
        ] {
            #expect(try off(day), "\(day)")
        }
        for day in ["2027-01-04", "2027-02-04", "2027-02-11", "2027-04-06", "2027-05-05", "2027-10-06"] { #expect(try !off(day), "\(day)") }
        // Seven working days after Christmas Eve 2026 skip New Year's Day 2027.
        #expect(calendar.adding(workingDays: 7, to: LocalDate("2026-12-24")!).description == "2027-01-05")
        #expect(calendar.workingDays(from: LocalDate("2026-12-31")!, to: LocalDate("2027-01-05")!) == 2)
        #expect(calendar.workingDays(from: LocalDate("2027-02-04")!, to: LocalDate("2027-02-11")!) == 1)
        #expect(seen.withLock { $0 }.allSatisfy { $0 == 2027 })
        #expect(!seen.withLock { $0 }.isEmpty)
        #expect(calendar.missingYears(from: 2026, through: 2027) == [2027])
        // Before the law's data (2014) there is nothing to estimate from: weekends only.
        #expect(calendar.isWorkingDay(LocalDate("2013-10-01")!))
    }

    @Test(
        "the law's holidays fall inside every shipped arrangement, each in its holiday, and come closer to it than weekends only",
        arguments: [2023, 2024, 2025, 2026]
    )
    func estimateAgainstArrangements(_ year: Int) throws {
        let official = try #require(WorkingDayCalendar.bundledYears.first { $0.year == year })
        let estimate = try #require(StatutoryHolidays.bundled.estimate(for: year))
        #expect(estimate.periods.count == 7)
        for guess in estimate.periods {
            // 2025 names one period 国庆节、中秋节.
            let period = try #require(official.periods.first { $0.name.contains(guess.name) }, "\(guess.name) \(year)")
            #expect(guess.from >= period.from && guess.from <= period.to, "\(guess.name) \(year) starts \(guess.from)")
        }
        let weekdaysOff = estimate.daysOff.filter { !$0.isWeekend }
        #expect(weekdaysOff.isSubset(of: official.daysOff), "\(weekdaysOff.subtracting(official.daysOff).sorted())")
        let withArrangement = WorkingDayCalendar(years: [official]).workingDayCount(inYear: year)
        let estimated = WorkingDayCalendar(years: []).workingDayCount(inYear: year)
        let weekendsOnly = WorkingDayCalendar(years: [], statutory: StatutoryHolidays(versions: [])).workingDayCount(inYear: year)
        #expect(abs(estimated - withArrangement) < abs(weekendsOnly - withArrangement))
        #expect(estimated == weekendsOnly - weekdaysOff.count)
        #expect(StatutoryHolidays.bundled.contradictions(of: official).isEmpty)
    }

    @Test("an arrangement that makes a statutory holiday a working day is named: 元旦 left out, 国庆 worked")
    func contradictions() throws {
        let slips = HolidayYear(
            year: 2027,
            source: "test",
            periods: [
                .init(name: "春节", from: LocalDate("2027-02-05")!, to: LocalDate("2027-02-10")!),
                .init(name: "清明节", from: LocalDate("2027-04-05")!, to: LocalDate("2027-04-05")!),
                .init(name: "劳动节", from: LocalDate("2027-05-01")!, to: LocalDate("2027-05-05")!),
                .init(name: "端午节", from: LocalDate("2027-06-09")!, to: LocalDate("2027-06-09")!),
                .init(name: "中秋节", from: LocalDate("2027-09-15")!, to: LocalDate("2027-09-15")!),
                .init(name: "国庆节", from: LocalDate("2027-10-02")!, to: LocalDate("2027-10-07")!, workdays: [LocalDate("2027-10-03")!]),
            ]
        )
        let found = StatutoryHolidays.bundled.contradictions(of: slips)
        #expect(found.count == 3, "\(found)")
        #expect(
            found.contains { $0.contains("2027-01-01") } && found.contains { $0.contains("2027-10-01") }
                && found.contains { $0.contains("2027-10-03") }
        )
    }

    @Test("each year takes the version of the law in force on its first day: 春节 from 初一 for three days until 2024, from 除夕 for four since 2025")
    func versions() throws {
        let rules = StatutoryHolidays.bundled
        let spring2024 = try #require(rules.estimate(for: 2024)?.periods.first { $0.name == "春节" })
        // 10 February 2024 (初一) is a Saturday: 10–12 February, the Saturday and Sunday made up on the 13th and 14th.
        #expect(spring2024.from.description == "2024-02-10" && spring2024.to.description == "2024-02-14")
        let labour2024 = try #require(rules.estimate(for: 2024)?.periods.first { $0.name == "劳动节" })
        #expect(labour2024.from == labour2024.to)
        let spring2025 = try #require(rules.estimate(for: 2025)?.periods.first { $0.name == "春节" })
        #expect(spring2025.from.description == "2025-01-28" && spring2025.to.description == "2025-01-31")
        #expect(rules.version(for: 2013) == nil && rules.estimate(for: 2013) == nil)
        #expect(rules.version(for: 2027)?.effectiveFrom.description == "2025-01-01")
    }

    @Test("a clock counted into a year with no arrangement is an estimate, until the year is loaded")
    func estimatedClock() {
        var calendar = WorkingDayCalendar.bundled()
        let christmasEve = Timeliness(decidedOn: LocalDate("2026-12-24")!, receivedOn: LocalDate("2026-12-28")!, workingDays: 7, calendar: calendar)
        #expect(christmasEve.estimated && !christmasEve.late)
        let inDecember = Timeliness(decidedOn: LocalDate("2026-12-10")!, receivedOn: LocalDate("2026-12-15")!, workingDays: 7, calendar: calendar)
        #expect(!inDecember.estimated)
        // Due in December, received in January: the delay is counted into 2027.
        let lateIntoJanuary = Timeliness(
            decidedOn: LocalDate("2026-12-10")!,
            receivedOn: LocalDate("2027-01-04")!,
            workingDays: 7,
            calendar: calendar
        )
        #expect(lateIntoJanuary.estimated && lateIntoJanuary.dueBy.description == "2026-12-21" && lateIntoJanuary.delayWorkingDays == 9)
        calendar.load(HolidayYear(year: 2027, source: "test", periods: []))
        #expect(!Timeliness(decidedOn: LocalDate("2026-12-24")!, receivedOn: LocalDate("2026-12-28")!, workingDays: 7, calendar: calendar).estimated)
    }

    @Test("loading a year replaces the estimate")
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
        // A year no date can have is refused before anything counts with it.
        #expect(HolidayYear(year: 0, source: "test", periods: []).validationProblems().count == 1)
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

    @Test("the credit office is reminded of next year's holidays from 1 November until they are loaded, and of this year's whenever missing")
    func reminder() {
        var calendar = WorkingDayCalendar.bundled()
        #expect(calendar.reminder(today: LocalDate("2026-10-31")!) == nil)
        #expect(calendar.reminder(today: LocalDate("2026-11-01")!)?.hasPrefix("2027 年节假日安排尚未载入") == true)
        #expect(calendar.reminder(today: LocalDate("2027-03-01")!)?.hasPrefix("2027 年节假日安排尚未载入") == true)
        #expect(calendar.reminder(today: LocalDate("2027-11-05")!)?.hasPrefix("2027 年、2028 年节假日安排尚未载入") == true)
        calendar.load(
            HolidayYear(year: 2027, source: "test", periods: [.init(name: "元旦", from: LocalDate("2027-01-01")!, to: LocalDate("2027-01-03")!)])
        )
        #expect(calendar.reminder(today: LocalDate("2026-12-20")!) == nil)
        #expect(calendar.reminder(today: LocalDate("2027-11-05")!)?.hasPrefix("2028 年") == true)
    }

    @Test("an on-time share in thousandths rounds to nearest, but reads 1,000 only with none late and 0 only with all late")
    func onTimePermille() {
        func permille(_ records: Int, late: Int) -> Int {
            TimelinessRow(departmentCode: "", departmentName: "", category: "", records: records, late: late, delayWorkingDays: 0).onTimePermille
        }
        #expect(permille(9, late: 2) == 778 && permille(2, late: 1) == 500 && permille(3, late: 1) == 667)
        #expect(permille(2_001, late: 1) == 999 && permille(5, late: 0) == 1_000 && permille(0, late: 0) == 1_000)
        #expect(permille(2_001, late: 2_000) == 1 && permille(5, late: 5) == 0)
    }
}
