import Foundation
import Synchronization

/// The platform's source of "now": injected everywhere, so tests can run a year of deadlines in a second.
public protocol CreditClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Waits until `duration` has passed on this clock (background services' beats).
    /// - Throws: `CancellationError` when the task is cancelled meanwhile.
    func sleep(for duration: Duration) async throws
}

extension CreditClock {
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }

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

/// A clock that says what a test tells it. Its ``sleep(for:)`` ends when the test advances the clock past the sleeper's
/// deadline, never on real time; ``untilSleeping(_:)`` waits until that many tasks sleep on it, so a test knows a
/// background service has done its beat and gone back to sleep.
public final class FixedClock: CreditClock, Sendable {
    private struct Sleeper {
        var id: Int
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var instant: Date
        var sleepers: [Sleeper] = []
        var nextID = 0
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// Wakes the sleepers whose deadline has come; returns them to be resumed outside the lock.
        mutating func due() -> [Sleeper] {
            let due = sleepers.filter { $0.deadline <= instant }
            sleepers.removeAll { $0.deadline <= instant }
            return due
        }

        /// The watchers satisfied now.
        mutating func satisfied() -> [CheckedContinuation<Void, Never>] {
            let ready = watchers.filter { $0.count <= sleepers.count }.map(\.continuation)
            watchers.removeAll { $0.count <= sleepers.count }
            return ready
        }
    }

    private let state: Mutex<State>

    public init(_ instant: Date) { state = Mutex(State(instant: instant)) }
    /// A clock at noon (Asia/Shanghai) of a date.
    public convenience init(date: LocalDate) {
        self.init(Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + 4 * 3600)))
    }

    public func now() -> Date { state.withLock { $0.instant } }
    public func advance(by seconds: TimeInterval) { move { $0 += seconds } }
    public func set(_ instant: Date) { move { $0 = instant } }
    public func set(_ date: LocalDate) { move { $0 = Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + 4 * 3600)) } }

    private func move(_ change: (inout Date) -> Void) {
        let due = state.withLock { state in
            change(&state.instant)
            return state.due()
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
                // Cancelled already, or no time to wait: the sleep ends at once; otherwise the sleeper waits for the clock.
                let (resumeNow, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if Task.isCancelled || seconds <= 0 { return (true, []) }
                    state.sleepers.append(Sleeper(id: id, deadline: state.instant + seconds, continuation: continuation))
                    return (false, state.satisfied())
                }
                for watcher in ready { watcher.resume() }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// How many tasks sleep on this clock now.
    public var sleeping: Int { state.withLock { $0.sleepers.count } }

    /// Returns once at least `count` tasks sleep on this clock.
    public func untilSleeping(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                guard state.sleepers.count < count else { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
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
