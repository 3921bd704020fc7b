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
    /// How often the server signs a checkpoint of the tamper-evident log (also once at start); nil: never.
    public var checkpointInterval: Duration?
    /// Requests a minute allowed to each anonymous client address; nil: no limit.
    public var anonymousRequestsPerMinute: Int?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        serverName: String = "credit",
        checkpointInterval: Duration? = .seconds(600),
        anonymousRequestsPerMinute: Int? = 600
    ) {
        self.host = host
        self.port = port
        self.serverName = serverName
        self.checkpointInterval = checkpointInterval
        self.anonymousRequestsPerMinute = anonymousRequestsPerMinute
    }
}

/// The services the application uses; tests build them over a temporary database.
public struct AppDependencies: Sendable {
    public var database: CreditDatabase
    public var registry: any RegistryStore
    public var accounts: any AccountStore
    /// Signs the tamper-evident log's checkpoints.
    public var signer: CheckpointSigner
    public var calendar: WorkingDayCalendar
    public var clock: any CreditClock
    public var tables: ReferenceTables

    public init(
        database: CreditDatabase,
        registry: any RegistryStore,
        accounts: any AccountStore,
        signer: CheckpointSigner = .ephemeral(),
        calendar: WorkingDayCalendar,
        clock: any CreditClock = SystemClock(),
        tables: ReferenceTables = .standard
    ) {
        self.database = database
        self.registry = registry
        self.accounts = accounts
        self.signer = signer
        self.calendar = calendar
        self.clock = clock
        self.tables = tables
    }

    /// The usual dependencies over an open, migrated database: the SQL registry and the calendar
    /// (shipped years plus those the credit office loaded), whose fallbacks are logged and counted.
    public static func standard(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        signer: CheckpointSigner,
        clock: any CreditClock = SystemClock(),
        logger: Logger
    ) async throws -> AppDependencies {
        let calendar = try await SQLCalendarStore(database: database, clock: clock)
            .calendar(onFallback: CreditMetrics.calendarFallbackHandler(logger: logger))
        return AppDependencies(
            database: database,
            registry: SQLRegistryStore(database: database, keys: keys, clock: clock),
            accounts: SQLAccountStore(database: database, clock: clock),
            signer: signer,
            calendar: calendar,
            clock: clock
        )
    }
}

/// Builds the platform's HTTP application: the same function serves `credit serve` and the tests.
/// - Parameters:
///   - configuration: address and name of the server.
///   - dependencies: the database and services.
///   - logger: the server's logger; request logs carry a request id and never personal data.
///   - accessTable: receives the access every route declares.
public func buildApplication(
    configuration: AppConfiguration,
    dependencies: AppDependencies,
    logger: Logger,
    accessTable: AccessTable = AccessTable()
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(
        dependencies: dependencies,
        accessTable: accessTable,
        anonymousRequestsPerMinute: configuration.anonymousRequestsPerMinute
    )
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
        services: configuration.checkpointInterval.map { interval in
            [
                CheckpointService(
                    log: TamperEvidentLog(database: dependencies.database),
                    dependencies: dependencies,
                    logger: logger,
                    interval: interval
                )
            ]
        } ?? [],
        logger: logger
    )
}

/// The router with every route and middleware; exposed so tests can walk its routes.
/// - Parameter accessTable: receives the access every route declares (the permission-matrix test reads it).
/// - Parameter anonymousRequestsPerMinute: the limit per anonymous client address; nil: none.
public func buildRouter(
    dependencies: AppDependencies,
    accessTable: AccessTable = AccessTable(),
    anonymousRequestsPerMinute: Int? = nil
) async throws -> Router<CreditRequestContext> {
    _ = CreditMetrics.registry
    let pages = try await PageRenderer.load()
    let router = Router(context: CreditRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorMappingMiddleware(pages: pages))
    router.add(middleware: BearerTokenMiddleware(accounts: dependencies.accounts))
    if let perMinute = anonymousRequestsPerMinute {
        router.add(middleware: AnonymousRateLimitMiddleware(limiter: RateLimiter(perMinute: perMinute, clock: dependencies.clock)))
    }

    let routes = SecuredRoutes(router: router, table: accessTable)
    SystemController(dependencies: dependencies).addRoutes(to: routes)
    EntityController(dependencies: dependencies).addRoutes(to: routes.group("api/v1"))
    AccountController(accounts: dependencies.accounts).addRoutes(to: routes.group("api/v1"))
    LogController(dependencies: dependencies).addRoutes(to: routes.group("api/v1"))
    PortalController(dependencies: dependencies, pages: pages).addRoutes(to: routes)
    return router
}
