/// One year of the State Council's holiday arrangement: days off that fall on weekdays and the
/// weekend days made into working days (调休).
///
/// Loaded from data (`Resources/holidays/YYYY.json`, or a file the credit office loads with
/// `credit calendar load`). Days off that fall on a weekend may be listed too; they change nothing.
public struct HolidayYear: Sendable, Codable, Hashable {
    /// One named holiday period.
    public struct Period: Sendable, Codable, Hashable {
        /// Holiday name, e.g. 春节.
        public var name: String
        /// Days off, inclusive.
        public var from: LocalDate
        public var to: LocalDate
        /// Weekend days that are working days because of this holiday.
        public var workdays: [LocalDate]

        public init(name: String, from: LocalDate, to: LocalDate, workdays: [LocalDate] = []) {
            self.name = name
            self.from = from
            self.to = to
            self.workdays = workdays
        }
    }

    public var year: Int
    /// The years an arrangement may be for.
    public static let plausibleYears = 1950...2200
    /// The notice the arrangement comes from, and how sure we are of it.
    public var source: String
    public var periods: [Period]

    public init(year: Int, source: String, periods: [Period]) {
        self.year = year
        self.source = source
        self.periods = periods
    }

    /// The problems that make this year unusable, in Chinese and English; empty when it is sound.
    public func validationProblems() -> [String] {
        var problems: [String] = []
        if !Self.plausibleYears.contains(year) { problems.append("年份 \(year) 不合理 / \(year) is not a plausible year") }
        for p in periods {
            if p.from > p.to { problems.append("\(p.name)：开始日期晚于结束日期 / \(p.name): starts after it ends") }
            for d in [p.from, p.to] + p.workdays where d.year != year {
                problems.append("\(p.name)：日期 \(d) 不在 \(year) 年 / \(p.name): \(d) is not in \(year)")
            }
            for w in p.workdays where !w.isWeekend {
                problems.append("\(p.name)：调休上班日 \(w) 不是周末 / \(p.name): make-up working day \(w) is not a weekend day")
            }
        }
        return problems
    }

    /// Every day off in the year, including those on weekends.
    public var daysOff: Set<LocalDate> {
        var set = Set<LocalDate>()
        for p in periods {
            var d = p.from
            while d <= p.to {
                set.insert(d)
                d = d.adding(days: 1)
            }
        }
        return set
    }

    /// Every make-up working day.
    public var makeUpWorkdays: Set<LocalDate> { Set(periods.flatMap(\.workdays)) }
}
