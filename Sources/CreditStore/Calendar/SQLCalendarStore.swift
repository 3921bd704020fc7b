import CreditCore
import Foundation
import SQLKit

/// Holiday years loaded by the credit office, stored as JSON per year.
public struct SQLCalendarStore: CalendarStore {
    let db: CreditDatabase
    let clock: any CreditClock

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    /// Stores (or replaces) a year's arrangement after checking it, and in the same transaction counts again the
    /// 7-working-day clock of every record whose days counted run into that year (decided before its end, and due or
    /// received in it): the due date, lateness and delay stored with them were counted with the law's holidays
    /// standing in for the arrangement (or with an earlier arrangement of the year).
    /// - Throws: ``CalendarLoadError`` listing every problem; nothing is stored then.
    @discardableResult
    public func load(_ year: HolidayYear) async throws -> ClockRecount {
        try await load(year, elsewhere: []).recount
    }

    /// Stores a year read from a notice, and adds what the notice fixes in the year before or after (``HolidayNotice/Parsed/elsewhere``)
    /// to that year's arrangement when the platform has one (shipped or loaded; a period of the same name is
    /// replaced, so loading the notice again changes nothing). Counts again the clocks that run into any of them.
    /// - Throws: ``CalendarLoadError`` listing every problem; nothing is stored then.
    public func load(_ year: HolidayYear, elsewhere: [HolidayYear.Period]) async throws -> CalendarLoadResult {
        let problems = year.validationProblems()
        guard problems.isEmpty else { throw CalendarLoadError(problems: problems) }
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            try await Self.store(year, at: now, sql)
            var calendar = WorkingDayCalendar.bundled()
            for loaded in try await Self.loadedYears(sql) { calendar.load(loaded) }
            var result = CalendarLoadResult()
            for (other, periods) in Dictionary(grouping: elsewhere, by: { $0.from.year }).sorted(by: { $0.key < $1.key }) {
                guard var amended = calendar.years[other] else {
                    result.notAmended.append(other)
                    continue
                }
                amended.periods.removeAll { existing in periods.contains { $0.name == existing.name } }
                amended.periods += periods
                let problems = amended.validationProblems()
                guard problems.isEmpty else { throw CalendarLoadError(problems: problems) }
                try await Self.store(amended, at: now, sql)
                calendar.load(amended)
                result.amended.append(other)
            }
            // `received_at` is a UTC instant: from the last day of the year before, so that a Beijing morning of
            // 1 January is not missed (a record counted again without need keeps its clock).
            let years = [year.year] + result.amended
            let touching: SQLQueryString = """
                decided_on <= \(bind: "\(years.max()!)-12-31") AND (due_by >= \(bind: "\(years.min()!)-01-01")
                OR received_at >= \(bind: "\(years.min()! - 1)-12-31"))
                """
            result.recount = try await Self.recount(sql, where: touching, calendar: calendar)
            return result
        }
    }

    static func store(_ year: HolidayYear, at now: String, _ sql: any SQLDatabase) async throws {
        let json = String(decoding: try JSONEncoder().encode(year), as: UTF8.self)
        try await sql.insert(into: "holiday_years").columns("year", "arrangement", "loaded_at")
            .values(SQLBind(year.year), SQLBind(json), SQLBind(now))
            .onConflict(with: ["year"]) { $0.set(excludedValueOf: "arrangement").set(excludedValueOf: "loaded_at") }
            .run()
    }

    /// Counts again, with `calendar`, the clocks marked as estimates that run into a year it has an arrangement for
    /// (loaded since they were counted: they become final), and those counted by an older rule (marked 2 by the
    /// migration that brought the mark). The server does this when it starts and when the stored years change: the
    /// records it stored, with the calendar it had, while a year was being loaded are put right then. An estimate
    /// wholly in years still unknown (historic records before the shipped years) is left as it is, not read again.
    @discardableResult
    public func recountEstimatedClocks(calendar: WorkingDayCalendar) async throws -> ClockRecount {
        let known = calendar.years.keys
        guard let first = known.min(), let last = known.max() else { return ClockRecount() }
        let condition: SQLQueryString = """
            clock_estimated > 0 AND (clock_estimated = 2 OR (decided_on <= \(bind: "\(last)-12-31")
            AND (due_by >= \(bind: "\(first)-01-01") OR received_at >= \(bind: "\(first - 1)-12-31"))))
            """
        return try await db.transaction { sql in try await Self.recount(sql, where: condition, calendar: calendar) }
    }

    /// Counts again the clocks of the records `condition` selects, page by page, and writes those that change,
    /// grouped by their new values.
    static func recount(
        _ sql: any SQLDatabase,
        where condition: SQLQueryString,
        calendar: WorkingDayCalendar
    ) async throws
        -> ClockRecount
    {
        struct Clock: Hashable {
            var dueBy: String
            var late: Int
            var delay: Int
            var estimated: Int
        }
        // Every department's batches and the registrations wait while the clocks are counted: they change the same
        // rows (a correction, `matched`), and a batch in progress, not visible yet, is counted once it commits.
        try await WriterLock.takeEveryDepartment(sql)
        try await WriterLock.registry.take(sql)
        var result = ClockRecount()
        var after = 0
        while true {
            let rows = try await sql.raw(
                "SELECT id, decided_on, received_at, clock_days, due_by, late, delay_working_days, clock_estimated FROM records WHERE ("
                    + condition + ") AND id > \(bind: after) ORDER BY id LIMIT 5000"
            ).all()
            guard let last = rows.last else { break }
            after = try last.decode(column: "id", as: Int.self)
            var changes: [Clock: [Int]] = [:]
            for row in rows {
                guard let decidedOn = LocalDate(try row.decode(column: "decided_on", as: String.self)),
                    let receivedOn = LocalDate(shanghaiDayOf: try row.decode(column: "received_at", as: String.self)),
                    let days = try row.decode(column: "clock_days", as: Int?.self)
                else { continue }
                let timeliness = Timeliness(decidedOn: decidedOn, receivedOn: receivedOn, workingDays: days, calendar: calendar)
                let counted = Clock(
                    dueBy: timeliness.dueBy.description,
                    late: timeliness.late ? 1 : 0,
                    delay: timeliness.delayWorkingDays,
                    estimated: timeliness.estimated ? 1 : 0
                )
                let before = Clock(
                    dueBy: try row.decode(column: "due_by", as: String.self),
                    late: try row.decode(column: "late", as: Int.self),
                    delay: try row.decode(column: "delay_working_days", as: Int.self),
                    estimated: try row.decode(column: "clock_estimated", as: Int.self)
                )
                result.counted += 1
                if timeliness.estimated { result.stillEstimated += 1 }
                guard counted != before else { continue }
                if counted.dueBy != before.dueBy || counted.delay != before.delay || counted.late != before.late { result.changed += 1 }
                if counted.late != before.late { result.lateChanged += 1 }
                changes[counted, default: []].append(try row.decode(column: "id", as: Int.self))
            }
            for (clock, ids) in changes {
                for chunk in ids.chunked(500) {
                    try await sql.update("records")
                        .set("due_by", to: SQLBind(clock.dueBy)).set("late", to: SQLBind(clock.late))
                        .set("delay_working_days", to: SQLBind(clock.delay)).set("clock_estimated", to: SQLBind(clock.estimated))
                        .where("id", .in, SQLBind.group(Array(chunk)))
                        .run()
                }
            }
        }
        return result
    }

    /// What changes whenever a year is loaded (or loaded again): the number of years stored and the last time one
    /// was. A running server compares it to know when to read the calendar again.
    public func fingerprint() async throws -> String {
        try await db.read { sql in
            let row = try await sql.raw("SELECT COUNT(*) AS n, MAX(loaded_at) AS at FROM holiday_years").first()
            return "\(try row?.decode(column: "n", as: Int.self) ?? 0) \(try row?.decode(column: "at", as: String?.self) ?? "")"
        }
    }

    /// The years loaded into this database.
    public func fetchAll() async throws -> [HolidayYear] {
        try await db.read { sql in try await Self.loadedYears(sql) }
    }

    static func loadedYears(_ sql: any SQLDatabase) async throws -> [HolidayYear] {
        try await sql.raw("SELECT arrangement FROM holiday_years ORDER BY year").all().map { row in
            try JSONDecoder().decode(HolidayYear.self, from: Data(try row.decode(column: "arrangement", as: String.self).utf8))
        }
    }

    /// The working-day calendar: the shipped years, overridden and extended by the loaded ones.
    public func calendar(onFallback: WorkingDayCalendar.FallbackHandler?) async throws -> WorkingDayCalendar {
        var calendar = WorkingDayCalendar.bundled(onFallback: onFallback)
        for year in try await fetchAll() { calendar.load(year) }
        return calendar
    }
}
