import CreditCore
import Foundation
import SQLKit

/// Holiday years loaded by the credit office, stored as JSON per year.
public struct SQLCalendarStore: Sendable {
    let db: CreditDatabase
    let clock: any CreditClock

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    /// Stores (or replaces) a year's arrangement after checking it.
    /// - Throws: ``CalendarLoadError`` listing every problem; nothing is stored then.
    public func load(_ year: HolidayYear) async throws {
        let problems = year.validationProblems()
        guard problems.isEmpty else { throw CalendarLoadError(problems: problems) }
        let json = String(decoding: try JSONEncoder().encode(year), as: UTF8.self)
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await sql.insert(into: "holiday_years").columns("year", "arrangement", "loaded_at")
                .values(SQLBind(year.year), SQLBind(json), SQLBind(now))
                .onConflict(with: ["year"]) { $0.set(excludedValueOf: "arrangement").set(excludedValueOf: "loaded_at") }
                .run()
        }
    }

    /// The years loaded into this database.
    public func fetchAll() async throws -> [HolidayYear] {
        try await db.read { sql in
            try await sql.raw("SELECT arrangement FROM holiday_years ORDER BY year").all().map { row in
                try JSONDecoder().decode(HolidayYear.self, from: Data(try row.decode(column: "arrangement", as: String.self).utf8))
            }
        }
    }

    /// The working-day calendar: the shipped years, overridden and extended by the loaded ones.
    public func calendar(onFallback: WorkingDayCalendar.FallbackHandler? = nil) async throws -> WorkingDayCalendar {
        var calendar = WorkingDayCalendar.bundled(onFallback: onFallback)
        for year in try await fetchAll() { calendar.load(year) }
        return calendar
    }
}

/// A holiday arrangement that could not be loaded.
public struct CalendarLoadError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
