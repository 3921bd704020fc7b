import Synchronization

/// The working-day engine every deadline goes through: weekends, official holidays and 调休.
///
/// ```swift
/// let calendar = WorkingDayCalendar.bundled()
/// calendar.adding(workingDays: 7, to: LocalDate("2026-02-12")!)   // 2026-02-28, a make-up Saturday
/// ```
///
/// Counting starts the day after the start date. A year with no arrangement loaded falls back to the
/// holidays the law fixes (``StatutoryHolidays``: every statutory day off, and the weekdays that make up for those on
/// weekends, but no 调休), or to weekends only for a year the law's data does not cover: the result is still returned,
/// and ``onFallback`` is called with the year so the outer layers can log a warning and count it in a metric.
public struct WorkingDayCalendar: Sendable {
    /// Called with a year each time a computation needs a year that has no data.
    public typealias FallbackHandler = @Sendable (Int) -> Void

    public private(set) var years: [Int: HolidayYear]
    private var daysOff: [Int: Set<LocalDate>] = [:]
    private var workdays: [Int: Set<LocalDate>] = [:]
    private let onFallback: FallbackHandler?
    private let estimates: StatutoryEstimates

    public init(years: [HolidayYear], statutory: StatutoryHolidays = .bundled, onFallback: FallbackHandler? = nil) {
        self.years = [:]
        self.onFallback = onFallback
        self.estimates = StatutoryEstimates(rules: statutory)
        for y in years { load(y) }
    }

    /// Adds or replaces one year's arrangement.
    public mutating func load(_ year: HolidayYear) {
        years[year.year] = year
        daysOff[year.year] = year.daysOff
        workdays[year.year] = year.makeUpWorkdays
    }

    /// Whether a year has holiday data.
    public func hasData(for year: Int) -> Bool { years[year] != nil }

    /// What the credit office is reminded of on `today`: this year's arrangement while it is not loaded, and from
    /// 1 November next year's (the State Council publishes it between late October and mid-December; from about
    /// 21 December the 7-working-day clocks run into it); nil when nothing is missing.
    public func reminder(today: LocalDate) -> String? {
        let missing = ([today.year] + (today.month >= 11 ? [today.year + 1] : [])).filter { !hasData(for: $0) }
        guard !missing.isEmpty else { return nil }
        return missing.map { "\($0) 年" }.joined(separator: "、")
            + "节假日安排尚未载入，计入该年的报送期限暂按法定节日估算；国务院办公厅的通知发布后，请粘贴载入。"
    }

    /// Whether every year from `start` to `end` has holiday data: a deadline counted over that span is final, not an
    /// estimate.
    public func hasData(from start: LocalDate, through end: LocalDate) -> Bool {
        (min(start.year, end.year)...max(start.year, end.year)).allSatisfy { years[$0] != nil }
    }

    /// The years after `year` (inclusive) up to `through` that have no data: the next year's missing
    /// arrangement is something the credit office must be told about.
    public func missingYears(from year: Int, through last: Int) -> [Int] {
        (year...max(year, last)).filter { years[$0] == nil }
    }

    /// Whether a date is a working day.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        guard let off = daysOff[date.year], let on = workdays[date.year] else {
            onFallback?(date.year)
            return !date.isWeekend && !estimates.daysOff(in: date.year).contains(date)
        }
        if on.contains(date) { return true }
        if off.contains(date) { return false }
        return !date.isWeekend
    }

    /// The date that is `n` working days after `date` (counting starts the next day). `n == 0`
    /// returns `date` itself. Negative `n` counts backwards.
    public func adding(workingDays n: Int, to date: LocalDate) -> LocalDate {
        var d = date
        var remaining = abs(n)
        let step = n >= 0 ? 1 : -1
        while remaining > 0 {
            d = d.adding(days: step)
            if isWorkingDay(d) { remaining -= 1 }
        }
        return d
    }

    /// The number of working days in the interval (start, end]: the delay of something due on
    /// `start` and done on `end`. Negative when `end` is before `start`.
    ///
    /// Counted, not walked: the weekdays of the interval, minus the holidays that fall on weekdays, plus the
    /// make-up working days (weekend days) — a year late costs the same as a day late.
    public func workingDays(from start: LocalDate, to end: LocalDate) -> Int {
        if end < start { return -workingDays(from: end, to: start) }
        guard end > start else { return 0 }
        let days = end.dayNumber - start.dayNumber
        var count = days / 7 * 5
        var d = start.adding(days: days / 7 * 7)
        while d < end {
            d = d.adding(days: 1)
            if !d.isWeekend { count += 1 }
        }
        let first = start.adding(days: 1)
        for year in first.year...end.year {
            guard let off = daysOff[year], let on = workdays[year] else {
                onFallback?(year)
                for day in estimates.daysOff(in: year) where day >= first && day <= end && !day.isWeekend { count -= 1 }
                continue
            }
            for day in off where day >= first && day <= end && !day.isWeekend && !on.contains(day) { count -= 1 }
            for day in on where day >= first && day <= end && day.isWeekend { count += 1 }
        }
        return count
    }

    /// The working days of a whole year.
    public func workingDayCount(inYear year: Int) -> Int {
        let first = LocalDate(year: year, month: 1, day: 1)!
        return workingDays(from: first.adding(days: -1), to: LocalDate(year: year, month: 12, day: 31)!)
    }

    /// The calendar with the years shipped in the platform (2023 to 2026).
    public static func bundled(onFallback: FallbackHandler? = nil) -> WorkingDayCalendar {
        WorkingDayCalendar(years: bundledYears, onFallback: onFallback)
    }

    /// The holiday years shipped as data in this module.
    public static let bundledYears: [HolidayYear] = {
        [2023, 2024, 2025, 2026].map { year in
            do {
                return try BundledData.decode(HolidayYear.self, named: String(year), subdirectory: "holidays")
            } catch {
                fatalError("bundled holiday data for \(year) is unreadable: \(error)")
            }
        }
    }()
}

/// The calendar a running server counts with, shared by its parts and replaced, whole, when the credit office loads a
/// year: a batch reads it once and counts every record of the batch with the same calendar.
public final class CalendarSource: Sendable {
    private let calendar: Mutex<WorkingDayCalendar>

    public init(_ calendar: WorkingDayCalendar) { self.calendar = Mutex(calendar) }

    /// The calendar in force now.
    public var current: WorkingDayCalendar { calendar.withLock { $0 } }

    /// Puts `calendar` in force for what is counted from now on.
    public func replace(with calendar: WorkingDayCalendar) { self.calendar.withLock { $0 = calendar } }
}
