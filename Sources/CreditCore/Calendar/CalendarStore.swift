/// Holiday years the credit office loads (`credit calendar load`, the `/calendar` page) and the clocks they count
/// again; implemented by `CreditStore`.
public protocol CalendarStore: Sendable {
    /// Stores a year read from a notice, with the days it fixes in the year before or after, and counts again the
    /// 7-working-day clocks that run into them.
    /// - Throws: ``CalendarLoadError`` listing every problem; nothing is stored then.
    func load(_ year: HolidayYear, elsewhere: [HolidayYear.Period]) async throws -> CalendarLoadResult
    /// Counts again the clocks stored as estimates that `calendar` can now count.
    func recountEstimatedClocks(calendar: WorkingDayCalendar) async throws -> ClockRecount
    /// Changes whenever the stored years change.
    func fingerprint() async throws -> String
    /// Every loaded year.
    func fetchAll() async throws -> [HolidayYear]
    /// The shipped years with the loaded ones over them.
    func calendar(onFallback: WorkingDayCalendar.FallbackHandler?) async throws -> WorkingDayCalendar
}

extension CalendarStore {
    /// The calendar in force, with no handler for the years it estimates.
    public func calendar() async throws -> WorkingDayCalendar { try await calendar(onFallback: nil) }
}

/// What loading a year did: the clocks counted again, and the neighbouring years its notice added to.
public struct CalendarLoadResult: Sendable, Hashable {
    public var recount = ClockRecount()
    /// Years whose arrangement got the days the notice fixes in them.
    public var amended: [Int] = []
    /// Years the notice names days in that the platform has no arrangement for: not stored (a year of one period
    /// would pass for a whole year).
    public var notAmended: [Int] = []

    public init() {}
}

/// What counting records' 7-working-day clocks again changed.
public struct ClockRecount: Sendable, Hashable {
    /// Records whose clock was counted again.
    public var counted = 0
    /// Of those, the ones whose due date, lateness or delay changed.
    public var changed = 0
    /// Of those, the ones that became late, or on time.
    public var lateChanged = 0
    /// Of the records counted, those whose clock is still an estimate (a year they run into is still not loaded).
    public var stillEstimated = 0

    public init() {}
}

/// A holiday arrangement that could not be loaded.
public struct CalendarLoadError: Error, CustomStringConvertible {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}
