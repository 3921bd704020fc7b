import CreditCore
import Logging
import Synchronization

/// Records each day's reminders of repair and objection cases due that day or overdue, once a day: a day's reminders
/// are known when it starts (no step makes a case due on the day it is taken), so the server's minute look reads the
/// cases only when the day has changed since its last successful run.
public final class DeadlineReminder: Sendable {
    let deadlines: any CaseDeadlineStore
    let clock: any CreditClock
    let logger: Logger
    /// The last day whose reminders were recorded; nil before the first.
    private let reminded = Mutex<LocalDate?>(nil)

    public init(deadlines: any CaseDeadlineStore, clock: any CreditClock, logger: Logger) {
        self.deadlines = deadlines
        self.clock = clock
        self.logger = logger
    }

    /// Records today's reminders unless this day's were recorded already; returns those new.
    @discardableResult
    public func remindIfNewDay() async throws -> [CaseReminder] {
        let today = clock.today()
        guard reminded.withLock({ $0 }) != today else { return [] }
        let summary = DeadlineSummary(try await deadlines.deadlines(departmentCode: nil), on: today)
        let sent = try await deadlines.remind(summary.reminders)
        reminded.withLock { $0 = today }
        if !sent.isEmpty {
            logger.notice("deadline reminders recorded", metadata: ["reminders": "\(sent.count)", "day": "\(today)"])
        }
        return sent
    }
}
