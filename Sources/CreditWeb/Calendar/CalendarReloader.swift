import CreditCore
import Logging
import Synchronization

/// Puts a holiday year loaded with `credit calendar load` in force in the running server, without a restart: when the
/// stored years change, it reads the calendar again, replaces the one the server counts with, and counts again the
/// clocks stored meanwhile as estimates (those the load's own recount could not see).
public final class CalendarReloader: Sendable {
    let store: any CalendarStore
    let calendars: CalendarSource
    let logger: Logger
    /// The stored years' fingerprint last put in force; nil before the first look.
    private let seen = Mutex<String?>(nil)

    public init(dependencies: AppDependencies, logger: Logger) {
        self.store = dependencies.calendarStore
        self.calendars = dependencies.calendars
        self.logger = logger
    }

    /// Looks once; returns what was counted again when the calendar changed, nil when it had not.
    @discardableResult
    public func reloadIfChanged() async throws -> ClockRecount? {
        let fingerprint = try await store.fingerprint()
        guard seen.withLock({ $0 }) != fingerprint else { return nil }
        let calendar = try await store.calendar(onFallback: CreditMetrics.calendarFallbackHandler(logger: logger))
        calendars.replace(with: calendar)
        seen.withLock { $0 = fingerprint }
        let recount = try await store.recountEstimatedClocks(calendar: calendar)
        logger.info(
            "holiday calendar put in force",
            metadata: [
                "years": .string(calendar.years.keys.sorted().map(String.init).joined(separator: ",")),
                "records": .stringConvertible(recount.counted), "changed": .stringConvertible(recount.changed),
                "lateChanged": .stringConvertible(recount.lateChanged), "stillEstimated": .stringConvertible(recount.stillEstimated),
            ]
        )
        return recount
    }
}
