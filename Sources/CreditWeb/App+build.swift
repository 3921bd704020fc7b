import CreditCore
import CreditStore
import Foundation
import Hummingbird
import Logging
import Metrics

/// What the server needs to know to start, read from the command line and environment by `credit serve`.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var serverName: String

    public init(host: String = "127.0.0.1", port: Int = 8080, serverName: String = "credit") {
        self.host = host
        self.port = port
        self.serverName = serverName
    }
}

/// The services the application uses; tests build them over a temporary database.
public struct AppDependencies: Sendable {
    public var database: CreditDatabase
    public var registry: any RegistryStore
    public var calendar: WorkingDayCalendar
    public var clock: any CreditClock
    public var tables: ReferenceTables

    public init(
        database: CreditDatabase,
        registry: any RegistryStore,
        calendar: WorkingDayCalendar,
        clock: any CreditClock = SystemClock(),
        tables: ReferenceTables = .standard
    ) {
        self.database = database
        self.registry = registry
        self.calendar = calendar
        self.clock = clock
        self.tables = tables
    }

    /// The usual dependencies over an open, migrated database: the SQL registry and the calendar
    /// (shipped years plus those the credit office loaded), whose fallbacks are logged and counted.
    public static func standard(database: CreditDatabase, clock: any CreditClock = SystemClock(), logger: Logger) async throws -> AppDependencies {
        let calendar = try await SQLCalendarStore(database: database, clock: clock)
            .calendar(onFallback: CreditMetrics.calendarFallbackHandler(logger: logger))
        return AppDependencies(database: database, registry: SQLRegistryStore(database: database, clock: clock), calendar: calendar, clock: clock)
    }
}

/// Builds the platform's HTTP application: the same function serves `credit serve` and the tests.
/// - Parameters:
///   - configuration: address and name of the server.
///   - dependencies: the database and services.
///   - logger: the server's logger; request logs carry a request id and never personal data.
public func buildApplication(
    configuration: AppConfiguration,
    dependencies: AppDependencies,
    logger: Logger
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(dependencies: dependencies)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
        logger: logger
    )
}

/// The router with every route and middleware; exposed so tests can walk its routes.
public func buildRouter(dependencies: AppDependencies) async throws -> Router<CreditRequestContext> {
    _ = CreditMetrics.registry
    let pages = try await PageRenderer.load()
    let router = Router(context: CreditRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorMappingMiddleware(pages: pages))

    SystemController(dependencies: dependencies).addRoutes(to: router)
    EntityController(dependencies: dependencies).addRoutes(to: router.group("api/v1"))
    PortalController(dependencies: dependencies, pages: pages).addRoutes(to: router)
    return router
}
