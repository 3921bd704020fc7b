import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Logging
import SQLKit

/// The engines a storage test runs on: SQLite always, PostgreSQL whenever `CREDIT_TEST_POSTGRES_URL`
/// names a server (the test command always sets it). An unreachable server fails the tests; it is
/// never skipped silently.
public enum TestEngine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The engines to test on in this run.
    public static var available: [TestEngine] {
        postgresAdminURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresAdminURL: String? {
        guard let url = ProcessInfo.processInfo.environment["CREDIT_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }
}

/// A fresh, migrated database for one test: a temporary SQLite file, or a new PostgreSQL database
/// created on the test server and dropped afterwards.
public enum TestDatabase {
    /// Keys for personal data, random for each test run.
    public static let keys = PersonalDataKeys.ephemeral()

    /// Errors only: the throwaway PostgreSQL server runs with `fsync=off`, and the warning that says so would be
    /// printed for every test database (`RecordStoreTests.durableCommits` checks it).
    public static let logger: Logger = {
        var logger = Logger(label: "credit-test")
        logger.logLevel = .error
        return logger
    }()

    /// The platform's stores over a test database, as the server opens them (``CreditStores``), with the test run's
    /// keys and a cheap password hash.
    public static func stores(_ db: CreditDatabase, clock: any CreditClock = SystemClock()) async throws -> CreditStores {
        try await CreditStores.open(database: db, keys: keys, clock: clock, passwordCost: 4)
    }

    /// The record store over a test database, with the bundled catalogue, publication rules and calendar.
    public static func recordStore(
        _ db: CreditDatabase,
        keys: PersonalDataKeys = TestDatabase.keys,
        clock: any CreditClock = SystemClock()
    ) throws -> SQLRecordStore {
        SQLRecordStore(
            database: db,
            keys: keys,
            clock: clock,
            catalogue: try Catalogue.bundled(),
            rules: try PublicationRules.bundled(),
            calendar: .bundled()
        )
    }

    /// Runs `body` with a new database on `engine`, then removes it.
    public static func with<T>(
        _ engine: TestEngine,
        migrate: Bool = true,
        _ body: (CreditDatabase) async throws -> T
    ) async throws -> T {
        let name = "credit_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credit-tests", isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("\(name).sqlite").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let db = try await CreditDatabase.open(.sqlite(path: path), logger: logger)
            do {
                if migrate { try await db.migrate() }
                let value = try await body(db)
                await db.close()
                return value
            } catch {
                await db.close()
                throw error
            }
        case .postgres:
            return try await PostgresSlots.holding { try await onPostgres(migrate: migrate, name: name, body) }
        }
    }

    /// A new PostgreSQL database on the test server for `body`, dropped afterwards.
    private static func onPostgres<T>(migrate: Bool, name: String, _ body: (CreditDatabase) async throws -> T) async throws -> T {
        let admin = try DatabaseURL(parsing: TestEngine.postgresAdminURL!)
        guard case .postgres(let host, let port, let user, let password, _) = admin else {
            fatalError("CREDIT_TEST_POSTGRES_URL is not postgres://")
        }
        let adminDB = try await CreditDatabase.open(admin, logger: logger)
        try await adminDB.read { sql in try await sql.raw("CREATE DATABASE \(unsafeRaw: name) ENCODING 'UTF8' TEMPLATE template0").run() }
        let url = DatabaseURL.postgres(host: host, port: port, username: user, password: password, database: name)
        do {
            let db = try await CreditDatabase.open(url, logger: logger)
            do {
                if migrate { try await db.migrate() }
                let value = try await body(db)
                await db.close()
                try await drop(name, adminDB)
                return value
            } catch {
                await db.close()
                throw error
            }
        } catch {
            try? await drop(name, adminDB)
            throw error
        }
    }

    static func drop(_ name: String, _ adminDB: CreditDatabase) async throws {
        try await adminDB.read { sql in try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
        await adminDB.close()
    }

    /// Submissions validated on `today`, as a batch's items (with their fields and known category, as
    /// `POST /api/v1/records` makes them).
    public static func items(_ submissions: [RecordSubmission], catalogue: Catalogue, today: LocalDate) -> [SubmissionItem] {
        submissions.enumerated().map { index, submission in
            SubmissionItem(
                index: index,
                outcome: RecordValidator.validate(submission, catalogue: catalogue, today: today),
                original: "\(submission.fields)",
                fields: submission.fields,
                category: catalogue.category(submission.category)?.code
            )
        }
    }

    /// The demo city's first `count` items for `seed`, registered into `registry`.
    @discardableResult
    public static func seedDemo(_ registry: any RegistryStore, count: Int, seed: UInt64 = 2019) async throws -> [DemoCity.Item] {
        let city = DemoCity(seed: seed)
        let items = (0..<count).map(city.item(at:))
        try await registry.registerNew(items)
        for d in DemoCity.departments { try await registry.addDepartment(d) }
        return items
    }
}

/// A log handler that keeps every line, so a test can check that no personal data was logged.
public final class CollectingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let line = "\(event.level) \(event.message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))"
        lock.withLock { storage.append(line) }
    }

    public var lines: [String] { lock.withLock { storage } }
}

/// How many tests have a PostgreSQL database of their own at once (6, or `CREDIT_TEST_POSTGRES_DATABASES`); the
/// others wait their turn.
///
/// Swift Testing starts every test at once. Each test's database has a pool of up to 16 connections besides the
/// connection that creates and drops it, and unbounded, the tests together asked the test server for more than its
/// `max_connections` (200): it refused some ("sorry, too many clients already"), and a pool refused while others
/// waited for a connection could leave them waiting for good — the whole run then hung until CI's time ran out.
/// Six databases need at most about 100 connections. Two cores run no more than two tests' work at a time anyway.
/// No test opens a second database inside the first (a nested ``TestDatabase/with(_:migrate:_:)`` would wait for
/// a slot while holding one).
enum PostgresSlots {
    static let slots = AsyncLock(
        permits: ProcessInfo.processInfo.environment["CREDIT_TEST_POSTGRES_DATABASES"].flatMap { Int($0) } ?? 6
    )

    /// Runs `body` once a slot is free, and frees it when `body` returns or throws.
    static func holding<T>(_ body: () async throws -> T) async throws -> T { try await slots.withLock(body) }
}
