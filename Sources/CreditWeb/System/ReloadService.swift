import CreditCore
import Hummingbird
import Logging
import ServiceLifecycle

/// The server's look every minute (by default): ``CalendarReloader`` and ``CatalogueReloader`` put in force what was
/// loaded from the command line, and uploads no server has touched for ``ImportJob/abandonedAfter`` are failed
/// (``ImportJobStore/failInterrupted(restarting:)``), and ``DeadlineReminder`` records a new day's reminders of repair
/// and objection cases. Each step goes on when another fails.
struct ReloadService: Service {
    let calendar: CalendarReloader
    let catalogue: CatalogueReloader
    let imports: any ImportJobStore
    let reminder: DeadlineReminder
    let interval: Duration
    let clock: any CreditClock

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
                await look("the case deadlines") { try await reminder.remindIfNewDay() }
                do {
                    try await clock.sleep(for: interval)
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
