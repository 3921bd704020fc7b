import Foundation

/// A year's holiday arrangement read for loading, with what the credit office sees before it is stored: the notes
/// of the reading, the problems that refuse it, the statutory holidays it makes working days (refused unless forced)
/// and its working days. `credit calendar load` and the `/calendar` page read through it, then store through
/// ``CalendarStore/load(_:elsewhere:)``.
public struct HolidayLoad: Sendable {
    public var year: HolidayYear
    /// What the notice fixes in the year before or after (``HolidayNotice/Parsed/elsewhere``).
    public var elsewhere: [HolidayYear.Period]
    /// What the reader noticed and the reader of the notice should check.
    public var notes: [String]
    /// Why the arrangement is not a valid year; empty when it is.
    public var problems: [String]
    /// Statutory holidays the arrangement makes working days (``StatutoryHolidays/contradictions(of:)``).
    public var contradictions: [String]
    /// Working days in the year under this arrangement.
    public var workingDays: Int

    /// Why the text could not be read as an arrangement at all.
    public struct Unreadable: Error, CustomStringConvertible, Sendable {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    public init(year: HolidayYear, elsewhere: [HolidayYear.Period] = [], notes: [String] = []) {
        self.year = year
        self.elsewhere = elsewhere
        self.notes = notes
        self.problems = year.validationProblems()
        self.contradictions = StatutoryHolidays.bundled.contradictions(of: year)
        self.workingDays = WorkingDayCalendar(years: [year]).workingDayCount(inYear: year.year)
    }

    /// Reads the State Council's notice as published, or a JSON year (text that starts with `{`).
    public static func read(_ text: String) throws(Unreadable) -> HolidayLoad {
        let text = String(text.drop(while: { $0 == "\u{FEFF}" }))
        if text.drop(while: \.isWhitespace).first == "{" {
            do {
                return HolidayLoad(year: try JSONDecoder().decode(HolidayYear.self, from: Data(text.utf8)))
            } catch {
                throw Unreadable(problems: ["不是有效的节假日安排 JSON / not a holiday arrangement: \(error)"])
            }
        }
        do {
            let parsed = try HolidayNotice.parse(text)
            return HolidayLoad(year: parsed.year, elsewhere: parsed.elsewhere, notes: parsed.notes)
        } catch {
            throw Unreadable(problems: error.problems)
        }
    }
}
