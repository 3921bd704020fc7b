import Foundation
import Synchronization

/// The holidays the law itself fixes (全国年节及纪念日放假办法, Art. 2), as versioned data with effective dates,
/// and the estimate of a year they give before the State Council's arrangement for it is loaded.
///
/// The statutory days are certain: no arrangement ever makes them working days. Art. 6 adds that a holiday falling
/// on a Saturday or Sunday is made up on a working day; the estimate takes the next weekdays after the holiday. What
/// it cannot know are the year's bridge days and make-up working weekends (调休), which only the notice gives. So an
/// estimated year is never wrong about a statutory day and may count a bridge day as a working day.
///
/// ```swift
/// StatutoryHolidays.bundled.estimate(for: 2027)?.daysOff.contains(LocalDate("2027-01-01")!)   // true
/// ```
public struct StatutoryHolidays: Sendable, Codable {
    /// One holiday of Art. 2.
    public struct Holiday: Sendable, Codable, Hashable {
        /// How the holiday's first day is found.
        public enum Reckoning: String, Sendable, Codable {
            /// A fixed date of the Gregorian calendar (元旦, 劳动节, 国庆节).
            case gregorian
            /// A date of the Chinese lunisolar calendar (春节, 端午节, 中秋节), never in a leap month.
            case lunar
            /// The day of the solar term 清明.
            case qingming
        }

        public var name: String
        public var calendar: Reckoning
        public var month: Int?
        public var day: Int?
        /// Days from the date to the first day off (春节 since 2025 starts on 除夕, the day before 正月初一).
        public var offsetDays: Int?
        public var days: Int
    }

    /// The holidays of one version of the 办法, in force from `effectiveFrom`.
    public struct Version: Sendable, Codable, Hashable {
        public var effectiveFrom: LocalDate
        public var source: String
        public var holidays: [Holiday]
    }

    public var versions: [Version]

    public init(versions: [Version]) { self.versions = versions }

    /// The versions shipped in `Resources/statutory-holidays.json`: the 2013 revision (from 2014) and the 2024 one (from 2025).
    public static let bundled: StatutoryHolidays = {
        do {
            return try BundledData.decode(StatutoryHolidays.self, named: "statutory-holidays")
        } catch {
            fatalError("bundled statutory holidays are unreadable: \(error)")
        }
    }()

    /// The version in force on 1 January of `year`, if any.
    public func version(for year: Int) -> Version? {
        guard let first = LocalDate(year: year, month: 1, day: 1) else { return nil }
        return versions.filter { $0.effectiveFrom <= first }.max { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The year as the law alone fixes it: each statutory holiday as a period from its first day to the last day
    /// made up for it, no make-up working weekends. `nil` for a year no version covers, or one outside the 21st century
    /// (the 清明 formula's).
    public func estimate(for year: Int) -> HolidayYear? {
        guard let version = version(for: year), let statutory = statutoryDays(in: year) else { return nil }
        let allStatutory = Set(statutory.flatMap(\.days))
        var counted = Set<LocalDate>()
        var madeUp = Set<LocalDate>()
        var periods: [HolidayYear.Period] = []
        for (name, days) in statutory {
            // Art. 6: a day on a weekend is made up; so is one another holiday already took (中秋 on 1 October).
            var owed = days.filter { $0.isWeekend || counted.contains($0) }.count
            counted.formUnion(days)
            var last = days.max()!
            var d = last
            while owed > 0 {
                d = d.adding(days: 1)
                if !d.isWeekend, !allStatutory.contains(d), !madeUp.contains(d) {
                    madeUp.insert(d)
                    last = d
                    owed -= 1
                }
            }
            periods.append(HolidayYear.Period(name: name, from: days.min()!, to: last))
        }
        return HolidayYear(
            year: year,
            source: "估算：\(version.source)；未含国务院当年调休安排 / estimate from the statutory holidays, not the State Council's arrangement",
            periods: periods
        )
    }

    /// The days off Art. 2 names in `year`, holiday by holiday (nothing made up); `nil` when no version covers the year.
    public func statutoryDays(in year: Int) -> [(name: String, days: [LocalDate])]? {
        guard let version = version(for: year), (2001...2099).contains(year) else { return nil }
        let lunar = LunarDates(year: year)
        var statutory: [(name: String, days: [LocalDate])] = []
        for holiday in version.holidays {
            guard let start = firstDate(of: holiday, in: year, lunar: lunar) else { return nil }
            let first = start.adding(days: holiday.offsetDays ?? 0)
            statutory.append((holiday.name, (0..<holiday.days).map { first.adding(days: $0) }))
        }
        return statutory
    }

    /// The statutory days that an arrangement makes working days, in Chinese and English: no notice does that, so
    /// each is almost certainly a slip in the file (or in copying the notice).
    public func contradictions(of arrangement: HolidayYear) -> [String] {
        guard let statutory = statutoryDays(in: arrangement.year) else { return [] }
        let off = arrangement.daysOff
        let worked = arrangement.makeUpWorkdays
        var found: [String] = []
        for (name, days) in statutory {
            for day in days where (!day.isWeekend && !off.contains(day)) || worked.contains(day) {
                found.append("\(name) \(day) 是法定节假日，安排中却是工作日 / \(day) (\(name)) is a statutory holiday but a working day in the arrangement")
            }
        }
        return found
    }

    private func firstDate(of holiday: Holiday, in year: Int, lunar: LunarDates) -> LocalDate? {
        switch holiday.calendar {
        case .gregorian:
            return LocalDate(year: year, month: holiday.month ?? 0, day: holiday.day ?? 0)
        case .lunar:
            return lunar.date(month: holiday.month ?? 0, day: holiday.day ?? 0)
        case .qingming:
            // The solar term's day in April by the 寿星 formula for the 21st century: ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋.
            let y = year % 100
            return LocalDate(year: year, month: 4, day: Int(Double(y) * 0.2422 + 4.81) - y / 4)
        }
    }
}

/// The Gregorian dates of one year's lunar dates, read from Foundation's Chinese calendar (Beijing time).
private struct LunarDates {
    private var byLunar: [Int: LocalDate] = [:]

    init(year: Int) {
        var chinese = Calendar(identifier: .chinese)
        var gregorian = Calendar(identifier: .gregorian)
        let beijing = TimeZone(identifier: "Asia/Shanghai")!
        chinese.timeZone = beijing
        gregorian.timeZone = beijing
        guard var instant = gregorian.date(from: DateComponents(year: year, month: 1, day: 1, hour: 12)) else { return }
        for dayNumber in LocalDate(year: year, month: 1, day: 1)!.dayNumber...LocalDate(year: year, month: 12, day: 31)!.dayNumber {
            let c = chinese.dateComponents([.month, .day, .isLeapMonth], from: instant)
            if c.isLeapMonth != true, let month = c.month, let day = c.day, byLunar[month * 100 + day] == nil {
                byLunar[month * 100 + day] = LocalDate(dayNumber: dayNumber)
            }
            instant += 86_400
        }
    }

    /// The first day of the year that is this lunar month and day (not in a leap month).
    func date(month: Int, day: Int) -> LocalDate? { byLunar[month * 100 + day] }
}

/// Estimates worked out once per year and shared by copies of a calendar.
final class StatutoryEstimates: Sendable {
    private let rules: StatutoryHolidays
    private let cache = Mutex<[Int: Set<LocalDate>]>([:])

    init(rules: StatutoryHolidays) { self.rules = rules }

    /// The days off the law fixes in `year` (with those made up), empty when no estimate is possible.
    func daysOff(in year: Int) -> Set<LocalDate> {
        if let known = cache.withLock({ $0[year] }) { return known }
        let days = rules.estimate(for: year)?.daysOff ?? []
        cache.withLock { $0[year] = days }
        return days
    }
}
