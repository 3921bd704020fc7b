import CreditCore
import CreditStore
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Puts a holiday year loaded with `credit calendar load` in force in the running server, without a restart: when the
/// stored years change, it reads the calendar again, replaces the one the server counts with, and counts again the
/// clocks stored meanwhile as estimates (those the load's own recount could not see).
public final class CalendarReloader: Sendable {
    let store: SQLCalendarStore
    let calendars: CalendarSource
    let logger: Logger
    /// The stored years' fingerprint last put in force; nil before the first look.
    private let seen = Mutex<String?>(nil)

    public init(dependencies: AppDependencies, logger: Logger) {
        self.store = SQLCalendarStore(database: dependencies.database, clock: dependencies.clock)
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

/// Puts a catalogue version loaded with `credit catalog load` in force in the running server, as
/// `PUT /api/v1/catalog` does: versions are never rewritten, so a version stored and not yet known is added.
public final class CatalogueReloader: Sendable {
    let store: SQLCatalogueStore
    let catalogues: CatalogueVersions
    let logger: Logger

    public init(dependencies: AppDependencies, logger: Logger) {
        self.store = SQLCatalogueStore(database: dependencies.database, clock: dependencies.clock)
        self.catalogues = dependencies.catalogues
        self.logger = logger
    }

    /// Looks once; returns the versions added, in order of their effective dates (empty when there were none).
    @discardableResult
    public func reloadIfChanged() async throws -> [String] {
        let known = Set(catalogues.all.map(\.version))
        guard !(try await store.storedVersions()).isSubset(of: known) else { return [] }
        let added = try await store.all().filter { !known.contains($0.version) }
        for catalogue in added {
            catalogues.add(catalogue)
            logger.info(
                "catalogue version put in force",
                metadata: ["version": .string(catalogue.version), "effectiveFrom": .string(catalogue.effectiveFrom.description)]
            )
        }
        return added.map(\.version)
    }
}

/// The server's look every minute (by default): ``CalendarReloader`` and ``CatalogueReloader`` put in force what was
/// loaded from the command line, and uploads no server has touched for ``ImportJob/abandonedAfter`` are failed
/// (``ImportJobStore/failInterrupted(restarting:)``). Each step goes on when another fails.
struct ReloadService: Service {
    let calendar: CalendarReloader
    let catalogue: CatalogueReloader
    let imports: any ImportJobStore
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await look("the holiday calendar") { try await calendar.reloadIfChanged() }
                await look("the catalogue") { try await catalogue.reloadIfChanged() }
                await look("the uploads") {
                    let abandoned = try await imports.failInterrupted(restarting: nil)
                    if abandoned > 0 {
                        calendar.logger.warning(
                            "uploads no server has touched for 10 minutes marked failed (their stored batches stay)",
                            metadata: ["jobs": "\(abandoned)"]
                        )
                    }
                }
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return  // cancelled by a graceful shutdown
                }
            }
        }
    }

    /// One step of the look; its failure is logged (the error's type only: no personal data) and the look goes on.
    private func look(_ what: String, _ step: () async throws -> Void) async {
        do {
            try await step()
        } catch {
            calendar.logger.error("could not read \(what)", metadata: ["error": .string(String(describing: type(of: error)))])
        }
    }
}
