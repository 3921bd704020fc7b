import CreditCore
import Foundation

/// The platform's stores over one database: the one place that constructs the SQL implementations of CreditCore's
/// ports. `credit serve`, `import`, `demo`, `calendar`, `catalog`, the benchmarks and the tests all take their stores
/// from ``open(database:keys:signer:clock:passwordCost:onCalendarFallback:)``.
///
/// ```swift
/// let database = try await CreditDatabase.open(url, logger: logger)
/// let stores = try await CreditStores.open(database: database, keys: keys)
/// try await stores.records.submit(departmentCode: code, items: items, source: "cli")
/// ```
public struct CreditStores: Sendable {
    public let database: CreditDatabase
    public let clock: any CreditClock
    public let registry: any RegistryStore
    public let accounts: any AccountStore
    /// The append-only audit log.
    public let audit: any AuditTrail
    /// Credit records, checked against the catalogue version in force and counted with ``calendars``.
    public let records: any RecordStore
    /// File uploads and their progress.
    public let imports: any ImportJobStore
    /// The catalogue versions the credit office loads.
    public let catalogueStore: any CatalogueStore
    /// The holiday years the credit office loads.
    public let calendarStore: any CalendarStore
    /// The list-type versions the credit office loads.
    public let listTypes: any ListTypeStore
    /// The list entries.
    public let listings: any ListingStore
    /// Credit checks with their signed receipts.
    public let checks: any CheckStore
    /// Linked systems' subscriptions to list changes and the feed.
    public let subscriptions: any SubscriptionStore
    /// Credit repair cases.
    public let repairs: any RepairStore
    /// Objections, and the 异议处理中 mark.
    public let objections: any ObjectionStore
    /// The deadlines of both, and the reminders sent.
    public let deadlines: any CaseDeadlineStore
    /// Credit commitments and the 告知承诺 gate.
    public let commitments: any CommitmentStore
    /// Credit information entities declare themselves, with its review.
    public let voluntary: any VoluntaryStore
    /// Special credit reports and their verification.
    public let reports: any ReportStore
    /// The tamper-evident log, signing with the platform's key.
    public let log: any CreditLog
    /// Every catalogue version known when opened (shipped and loaded); a version loaded later is added to it.
    public let catalogues: CatalogueVersions
    /// The working-day calendar in force, replaced when the credit office loads a year.
    public let calendars: CalendarSource
    /// The publication rules shipped with the platform.
    public let rules: PublicationRules

    /// Opens the standard set over an open, migrated database.
    /// - Parameters:
    ///   - keys: the keys that protect personal data.
    ///   - signer: signs the log's checkpoints (a fresh key when none is given: tests, tools that never sign).
    ///   - clock: what "now" is for every store.
    ///   - passwordCost: bcrypt's cost for passwords (tests lower it).
    ///   - onCalendarFallback: told of each year the calendar estimates because it was not loaded.
    public static func open(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        signer: CheckpointSigner = .ephemeral(),
        clock: any CreditClock = SystemClock(),
        passwordCost: UInt8 = 12,
        onCalendarFallback: WorkingDayCalendar.FallbackHandler? = nil
    ) async throws -> CreditStores {
        let calendarStore = SQLCalendarStore(database: database, clock: clock)
        let catalogueStore = SQLCatalogueStore(database: database, clock: clock)
        let calendars = CalendarSource(try await calendarStore.calendar(onFallback: onCalendarFallback))
        let catalogues = try await catalogueStore.versions()
        let rules = try PublicationRules.bundled()
        let listTypes = SQLListTypeStore(database: database, clock: clock)
        let listings = SQLListingStore(database: database, keys: keys, clock: clock, listTypes: listTypes)
        let log = TamperEvidentLog(database: database, signer: signer, clock: clock)
        let records = SQLRecordStore(database: database, keys: keys, clock: clock, catalogues: catalogues, rules: rules, calendars: calendars)
        let commitments = SQLCommitmentStore(
            database: database,
            clock: clock,
            calendars: calendars,
            catalogues: catalogues,
            records: records,
            listings: listings,
            listTypes: listTypes,
            signer: signer
        )
        return CreditStores(
            database: database,
            clock: clock,
            registry: SQLRegistryStore(database: database, keys: keys, clock: clock),
            accounts: SQLAccountStore(database: database, clock: clock, keys: keys, passwordCost: passwordCost),
            audit: SQLAuditTrail(database: database, clock: clock),
            records: records,
            imports: SQLImportJobStore(database: database, clock: clock),
            catalogueStore: catalogueStore,
            calendarStore: calendarStore,
            listTypes: listTypes,
            listings: listings,
            checks: SQLCheckStore(
                database: database,
                keys: keys,
                clock: clock,
                listTypes: listTypes,
                listings: listings,
                log: log,
                signer: signer
            ),
            subscriptions: SQLSubscriptionStore(database: database, clock: clock, listTypes: listTypes, signer: signer),
            repairs: SQLRepairStore(database: database, clock: clock, calendars: calendars, publication: rules, listTypes: listTypes),
            objections: SQLObjectionStore(database: database, clock: clock, calendars: calendars),
            deadlines: SQLCaseDeadlineStore(database: database, clock: clock),
            commitments: commitments,
            voluntary: SQLVoluntaryStore(database: database, clock: clock, catalogues: catalogues, records: records),
            reports: SQLReportStore(
                database: database,
                clock: clock,
                records: records,
                listings: listings,
                listTypes: listTypes,
                commitments: commitments,
                log: log,
                signer: signer
            ),
            log: log,
            catalogues: catalogues,
            calendars: calendars,
            rules: rules
        )
    }
}
