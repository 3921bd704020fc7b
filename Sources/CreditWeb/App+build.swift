import CreditCore
import CreditStore
import Foundation
import Hummingbird
import Logging
import Metrics
import ServiceLifecycle

/// What the server needs to know to start, read from the command line and environment by `credit serve`.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var serverName: String
    /// How often the server signs a checkpoint of the tamper-evident log (also once at start); nil: never.
    public var checkpointInterval: Duration?
    /// Requests a minute allowed to each anonymous client address; nil: no limit.
    public var anonymousRequestsPerMinute: Int?
    /// Mark cookies Secure: set when the platform is reached over HTTPS (usually through a proxy).
    public var secureCookies: Bool
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: Set<String>
    /// How often the server looks for holiday years and catalogue versions loaded from the command line
    /// (`credit calendar load`, `credit catalog load`); nil: never (until restarted).
    public var reloadInterval: Duration?
    /// The name this server runs uploads under (``defaultInstance``, the machine's, unless set): when it starts
    /// again it fails the uploads it was running; another server's are left to it.
    public var instance: String
    /// How often the server delivers list changes to subscribers' webhooks; nil: never.
    public var webhookInterval: Duration?

    /// The name a server runs uploads under unless told otherwise: the machine's. Servers sharing a database on one
    /// machine each need a name of their own (`credit serve --instance`).
    public static var defaultInstance: String { ProcessInfo.processInfo.hostName }

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        serverName: String = "credit",
        checkpointInterval: Duration? = .seconds(600),
        anonymousRequestsPerMinute: Int? = 600,
        secureCookies: Bool = false,
        trustedProxies: Set<String> = [],
        reloadInterval: Duration? = .seconds(60),
        instance: String = AppConfiguration.defaultInstance,
        webhookInterval: Duration? = nil
    ) {
        self.webhookInterval = webhookInterval
        self.host = host
        self.port = port
        self.serverName = serverName
        self.checkpointInterval = checkpointInterval
        self.anonymousRequestsPerMinute = anonymousRequestsPerMinute
        self.secureCookies = secureCookies
        self.trustedProxies = trustedProxies
        self.reloadInterval = reloadInterval
        self.instance = instance
    }
}

/// The services the application uses, all behind CreditCore's ports; built from ``CreditStores`` (the composition
/// root) by ``standard(database:keys:signer:clock:logger:)`` for `credit serve`, and by the tests over a temporary
/// database with ``init(stores:tables:)``.
public struct AppDependencies: Sendable {
    /// The database itself, for `/healthz` and the engine's name.
    public var database: CreditDatabase
    public var registry: any RegistryStore
    public var accounts: any AccountStore
    /// The append-only audit log.
    public var audit: any AuditTrail
    /// Credit records.
    public var records: any RecordStore
    /// File uploads and their progress.
    public var imports: any ImportJobStore
    /// The catalogue versions the credit office loads.
    public var catalogueStore: any CatalogueStore
    /// The holiday years the credit office loads.
    public var calendarStore: any CalendarStore
    /// The list-type versions the credit office loads.
    public var listTypes: any ListTypeStore
    /// The list entries.
    public var listings: any ListingStore
    /// Credit checks and their receipts.
    public var checks: any CheckStore
    /// Subscriptions to list changes, and the feed.
    public var subscriptions: any SubscriptionStore
    public var repairs: any RepairStore
    public var objections: any ObjectionStore
    /// The deadlines of repairs and objections, and the reminders sent.
    public var deadlines: any CaseDeadlineStore
    /// Credit commitments and the 告知承诺 gate.
    public var commitments: any CommitmentStore
    /// Credit information entities declare themselves, with its review.
    public var voluntary: any VoluntaryStore
    /// Special credit reports and their verification.
    public var reports: any ReportStore
    /// The tamper-evident log and its checkpoints.
    public var log: any CreditLog
    /// Every catalogue version; ``catalogue`` is the one in force today.
    public var catalogues: CatalogueVersions
    public var catalogue: Catalogue { catalogues.inForce(on: clock.today()) }
    /// The publication rules.
    public var rules: PublicationRules
    /// The working-day calendar in force, replaced when the credit office loads a year (``CalendarReloader``).
    public let calendars: CalendarSource
    public var calendar: WorkingDayCalendar { calendars.current }
    public var clock: any CreditClock
    public var tables: ReferenceTables

    /// The application over a set of stores.
    public init(stores: CreditStores, tables: ReferenceTables = .standard) {
        self.database = stores.database
        self.registry = stores.registry
        self.accounts = stores.accounts
        self.audit = stores.audit
        self.records = stores.records
        self.imports = stores.imports
        self.catalogueStore = stores.catalogueStore
        self.calendarStore = stores.calendarStore
        self.listTypes = stores.listTypes
        self.listings = stores.listings
        self.checks = stores.checks
        self.subscriptions = stores.subscriptions
        self.repairs = stores.repairs
        self.objections = stores.objections
        self.deadlines = stores.deadlines
        self.commitments = stores.commitments
        self.voluntary = stores.voluntary
        self.reports = stores.reports
        self.log = stores.log
        self.catalogues = stores.catalogues
        self.rules = stores.rules
        self.calendars = stores.calendars
        self.clock = stores.clock
        self.tables = tables
    }

    /// The usual dependencies over an open, migrated database, whose calendar fallbacks are logged and counted.
    /// (The estimates stored before are counted again by the server's reload service at its first look, at start.)
    public static func standard(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        signer: CheckpointSigner,
        clock: any CreditClock = SystemClock(),
        logger: Logger
    ) async throws -> AppDependencies {
        AppDependencies(
            stores: try await CreditStores.open(
                database: database,
                keys: keys,
                signer: signer,
                clock: clock,
                onCalendarFallback: CreditMetrics.calendarFallbackHandler(logger: logger)
            )
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
    let router = try await buildRouter(configuration: configuration, dependencies: dependencies, accessTable: accessTable)
    return Application(
        responder: HeadFramingResponder(inner: router.buildResponder()),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
        services: (configuration.checkpointInterval.map { interval in
            [
                CheckpointService(
                    log: dependencies.log,
                    clock: dependencies.clock,
                    logger: logger,
                    interval: interval
                ) as any Service
            ]
        } ?? [])
            + (configuration.webhookInterval.map { interval in
                [
                    WebhookService(subscriptions: dependencies.subscriptions, clock: dependencies.clock, logger: logger, interval: interval)
                        as any Service,
                    ReminderPushService(
                        deadlines: dependencies.deadlines,
                        signer: dependencies.subscriptions,
                        clock: dependencies.clock,
                        logger: logger,
                        interval: interval
                    ),
                ]
            } ?? [])
            + (configuration.reloadInterval.map { interval in
                [
                    ReloadService(
                        calendar: CalendarReloader(dependencies: dependencies, logger: logger),
                        catalogue: CatalogueReloader(dependencies: dependencies, logger: logger),
                        imports: dependencies.imports,
                        reminder: DeadlineReminder(deadlines: dependencies.deadlines, clock: dependencies.clock, logger: logger),
                        interval: interval,
                        clock: dependencies.clock
                    ) as any Service
                ]
            } ?? []),
        logger: logger
    )
}

/// The router with every route and middleware; exposed so tests can walk its routes. Serve it through
/// ``buildApplication(configuration:dependencies:logger:accessTable:)``: its HEAD answers to streamed GETs carry a
/// mark that only ``HeadFramingResponder`` there turns into the right framing (no false `Content-Length`).
/// - Parameter accessTable: receives the access every route declares (the permission-matrix test reads it).
/// - Parameter configuration: the rate limit, cookie and proxy settings (the defaults: no rate limit).
public func buildRouter(
    configuration: AppConfiguration = AppConfiguration(checkpointInterval: nil, anonymousRequestsPerMinute: nil),
    dependencies: AppDependencies,
    accessTable: AccessTable = AccessTable()
) async throws -> Router<CreditRequestContext> {
    _ = CreditMetrics.registry
    let pages = try await PageRenderer.load { [dependencies] in
        dependencies.calendar.reminder(today: dependencies.clock.today())
    }
    // HEAD is answered wherever GET is (a monitor's `curl -I /healthz`), with the GET's headers and no body.
    let router = Router(context: CreditRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: StreamedHeadMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorMappingMiddleware(pages: pages))
    let methods = RouteMethods()
    router.add(middleware: MethodNotAllowedMiddleware(routes: methods))
    let auditor = Auditor(trail: dependencies.audit)
    let cookies = SessionCookies(secure: configuration.secureCookies)
    if !configuration.trustedProxies.isEmpty {
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
    }
    router.add(middleware: AuthenticationMiddleware(accounts: dependencies.accounts, auditor: auditor, cookies: cookies))
    if let perMinute = configuration.anonymousRequestsPerMinute {
        router.add(middleware: AnonymousRateLimitMiddleware(limiter: RateLimiter(perMinute: perMinute, clock: dependencies.clock)))
    }
    router.add(middleware: CSRFMiddleware(auditor: auditor, cookies: cookies))

    let routes = SecuredRoutes(router: router, table: accessTable, auditor: auditor)
    let areas: [any AreaRoutes] = [
        SystemController(dependencies: dependencies),
        PortalController(dependencies: dependencies, pages: pages),
        SessionController(accounts: dependencies.accounts, pages: pages, auditor: auditor, cookies: cookies, clock: dependencies.clock),
        AccountController(accounts: dependencies.accounts),
        EntityController(dependencies: dependencies),
        CalendarController(dependencies: dependencies, pages: pages),
        CatalogController(dependencies: dependencies, pages: pages),
        ListController(dependencies: dependencies, pages: pages),
        ListingController(dependencies: dependencies, pages: pages),
        SubscriptionController(dependencies: dependencies),
        CheckController(dependencies: dependencies, pages: pages),
        RepairController(dependencies: dependencies),
        CommitmentController(dependencies: dependencies),
        CommitmentPages(dependencies: dependencies, pages: pages),
        VoluntaryController(dependencies: dependencies, pages: pages),
        ReportController(dependencies: dependencies, pages: pages),
        RepairPages(dependencies: dependencies, pages: pages),
        ObjectionController(dependencies: dependencies),
        RecordController(dependencies: dependencies, pages: pages),
        TimelinessController(dependencies: dependencies, pages: pages),
        ImportController(dependencies: dependencies, pages: pages, instance: configuration.instance),
        AuditController(trail: dependencies.audit, pages: pages),
        LogController(dependencies: dependencies),
    ]
    for area in areas { area.addRoutes(api: routes.group("api/v1"), pages: routes) }
    methods.load(router.routes.map { ($0.path, $0.method) })
    return router
}
