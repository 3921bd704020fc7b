import Foundation

/// The platform's source of "now": injected everywhere, so tests can run a year of deadlines in a second.
public protocol CreditClock: Sendable {
    /// The current instant.
    func now() -> Date
}

extension CreditClock {
    /// Today's date in Asia/Shanghai (UTC+8, no daylight saving), the zone of every legal date.
    public func today() -> LocalDate {
        LocalDate(dayNumber: Int((now().timeIntervalSince1970 + 8 * 3600).rounded(.down)) / 86_400)
    }
}

/// The real clock.
public struct SystemClock: CreditClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that says what a test tells it.
public final class FixedClock: CreditClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    public init(_ instant: Date) { self.instant = instant }
    /// A clock at noon (Asia/Shanghai) of a date.
    public convenience init(date: LocalDate) {
        self.init(Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + 4 * 3600)))
    }

    public func now() -> Date { lock.withLock { instant } }
    public func advance(by seconds: TimeInterval) { lock.withLock { instant += seconds } }
    public func set(_ instant: Date) { lock.withLock { self.instant = instant } }
    public func set(_ date: LocalDate) { lock.withLock { instant = Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + 4 * 3600)) } }
}

/// Stored instants as people in China read them.
public enum BeijingTime {
    /// A stored RFC 3339 UTC instant to the minute in Asia/Shanghai: `2026-11-26T16:30:05.123Z` → `2026-11-27 00:30`;
    /// the text itself when it is not such an instant.
    public static func minute(_ instant: String) -> String {
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(instant) else { return instant }
        let seconds = Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let day = LocalDate(dayNumber: seconds / 86_400)
        let minutes = (seconds % 86_400) / 60
        return "\(day) " + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}

extension LocalDate {
    /// The Asia/Shanghai date of a stored RFC 3339 UTC instant (`2026-11-26T16:30:00.000Z` is 2026-11-27).
    public init?(shanghaiDayOf instant: String) {
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(instant) else { return nil }
        self.init(dayNumber: Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down)) / 86_400)
    }
}
