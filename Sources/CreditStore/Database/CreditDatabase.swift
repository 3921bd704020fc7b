import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization
import _ConnectionPoolModule

/// The platform's database on either engine, behind one SQLKit code path.
///
/// ```swift
/// let db = try await CreditDatabase.open(.sqlite(path: "credit.sqlite"), logger: logger)
/// try await db.migrate()
/// let n = try await db.read { sql in try await sql.select().column(SQLFunction("count", args: SQLLiteral.all)).from("entities").first() }
/// await db.close()
/// ```
///
/// - SQLite: one writer connection (WAL mode) whose transactions are serialised, and a few reader
///   connections that run beside it.
/// - PostgreSQL: a `PostgresClient` pool, run by a task this object owns.
///
/// SQL statements are never logged with their binds (they carry personal data).
public final class CreditDatabase: Sendable {
    /// Which engine is behind the database.
    public enum Engine: String, Sendable { case sqlite, postgres }

    public let engine: Engine
    public let url: DatabaseURL
    let logger: Logger
    private let backend: Backend

    enum Backend: Sendable {
        case sqlite(writer: SQLiteConnection, readers: [SQLiteConnection], lock: AsyncLock, counter: RoundRobin)
        case postgres(client: PostgresClient, runner: Task<Void, Never>)
    }

    /// A thread-safe round-robin counter for choosing a reader.
    final class RoundRobin: Sendable {
        private let value = Mutex(0)
        func next() -> Int {
            value.withLock { n in
                n &+= 1
                return n
            }
        }
    }

    private init(engine: Engine, url: DatabaseURL, logger: Logger, backend: Backend) {
        self.engine = engine
        self.url = url
        self.logger = logger
        self.backend = backend
    }

    /// Opens a database. For SQLite the file is created when missing and put in WAL mode.
    /// - Throws: when the file cannot be opened or the server cannot be reached.
    public static func open(_ url: DatabaseURL, readers: Int = 2, logger: Logger) async throws -> CreditDatabase {
        switch url {
        case .sqlite(let path):
            let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            let sql = writer.sql(queryLogLevel: nil)
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            // An acknowledged commit survives a power cut or an operating-system crash, as on PostgreSQL: the WAL is
            // synced at every commit (NORMAL syncs only at checkpoints and may lose the last commits; decision 0008).
            try await sql.raw("PRAGMA synchronous=FULL").run()
            try await sql.raw("PRAGMA busy_timeout=10000").run()
            try await sql.raw("PRAGMA foreign_keys=ON").run()
            // A 64 MiB page cache: bulk loads and the verification of large logs re-read index pages otherwise.
            try await sql.raw("PRAGMA cache_size=-65536").run()
            // Checkpoint the WAL into the database every ~40 MiB (10,000 pages) rather than every 4 MiB: a batch of
            // records dirties pages all over the subject index, and each checkpoint copies them again.
            try await sql.raw("PRAGMA wal_autocheckpoint=10000").run()
            var readerConnections: [SQLiteConnection] = []
            for _ in 0..<max(1, readers) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                try await reader.sql(queryLogLevel: nil).raw("PRAGMA busy_timeout=10000").run()
                readerConnections.append(reader)
            }
            return CreditDatabase(
                engine: .sqlite,
                url: url,
                logger: logger,
                backend: .sqlite(writer: writer, readers: readerConnections, lock: AsyncLock(), counter: RoundRobin())
            )
        case .postgres(let host, let port, let username, let password, let database):
            var configuration = PostgresClient.Configuration(
                host: host,
                port: port,
                username: username,
                password: password,
                database: database,
                tls: .disable
            )
            configuration.options.maximumConnections = 16
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            // Queries wait until the pool's run loop has begun: a lease before it logs a warning on every command.
            let (started, start) = AsyncStream.makeStream(of: Void.self)
            let runner = Task {
                start.finish()
                await client.run()
            }
            for await _ in started {}
            let db = CreditDatabase(engine: .postgres, url: url, logger: logger, backend: .postgres(client: client, runner: runner))
            do {
                try await db.warnIfNotDurable()
            } catch {
                await db.close()
                throw error
            }
            return db
        }
    }

    /// Says so in the log when the PostgreSQL server does not make commits durable (`fsync` or
    /// `synchronous_commit` off, settings for throwaway test servers): acknowledged rows could be lost in a crash.
    func warnIfNotDurable() async throws {
        let settings = try await read { sql in
            try await sql.raw("SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit").first()
        }
        let off = try ["fsync", "synchronous_commit"].filter { try settings?.decode(column: $0, as: String.self) == "off" }
        guard !off.isEmpty else { return }
        logger.warning(
            "PostgreSQL 未持久化提交（\(off.map { $0 + "=off" }.joined(separator: ", "))）：崩溃或断电时可能丢失已确认的数据，仅用于测试 / the server does not make commits durable: acknowledged rows may be lost in a crash; for tests only"
        )
    }

    /// Closes every connection.
    public func close() async {
        switch backend {
        case .sqlite(let writer, let readers, _, _):
            for c in [writer] + readers { try? await c.close() }
        case .postgres(_, let runner):
            runner.cancel()
            await runner.value
        }
    }

    /// Runs read-only work on a reader connection.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observed(.read) { try await self.unobservedRead(body) }
    }

    /// Runs read-only work on a PostgreSQL connection itself (for prepared statements on hot paths), or returns nil
    /// on SQLite. The connection is leased as every other operation's is (``withOpenConnection(_:_:)``).
    public func withPostgresConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T? {
        guard case .postgres(let client, _) = backend else { return nil }
        return try await observed(.read) { try await Self.withOpenConnection(client, body) }
    }

    /// Runs work in one transaction: all of it is stored, or none of it.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observed(.transaction) { try await self.unobservedTransaction { sql, _ in try await body(sql) } }
    }

    /// Runs work in one transaction that also writes many rows at once through a ``BulkWriter`` on the same
    /// connection.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase, BulkWriter) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(WriterExecutor.shared) {
            try await observed(.transaction) { try await self.unobservedTransaction(body) }
        }
    }

    enum OperationKind: String { case read, transaction }

    /// Records an operation in `credit_database_operations_in_flight`, `credit_database_operation_duration`
    /// (from asking for a connection to giving it back, so time spent waiting for the pool or the SQLite
    /// writer is included) and `credit_database_errors_total`.
    private func observed<T>(_ kind: OperationKind, _ body: () async throws -> T) async throws -> T {
        let dimensions = [("engine", engine.rawValue), ("kind", kind.rawValue)]
        let inFlight = Meter(label: "credit_database_operations_in_flight", dimensions: dimensions)
        inFlight.increment()
        let start = ContinuousClock.now
        defer {
            inFlight.decrement()
            let elapsed = ContinuousClock.now - start
            Timer(label: "credit_database_operation_duration", dimensions: dimensions)
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        do {
            return try await body()
        } catch {
            Metrics.Counter(label: "credit_database_errors_total", dimensions: dimensions).increment()
            throw error
        }
    }

    private func unobservedRead<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(_, let readers, _, let counter):
            return try await body(readers[counter.next() % readers.count].sql(queryLogLevel: nil))
        case .postgres(let client, _):
            return try await Self.withOpenConnection(client) { conn in try await body(conn.sql(queryLogLevel: nil)) }
        }
    }

    /// Connections the pool handed out were closed, three times running (``withOpenConnection(_:_:)``): the server
    /// is going away; ``isUnavailable(_:)`` answers true.
    struct ClosedLease: Error {}

    /// Runs `body` with a connection of the pool that is still open. The pool can hand out a connection the server
    /// closed a moment before (given back before the pool learnt of the closing); nothing has been sent on it, so
    /// another is asked for — three at most, then ``ClosedLease`` is thrown rather than a query sent on a closed
    /// connection, which PostgresNIO 1.33.2 would never answer. When the server ended the session during `body`, the
    /// connection is closed before it is given back.
    static func withOpenConnection<T>(_ client: PostgresClient, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { conn in
                    guard !conn.isClosed else { throw ClosedLease() }
                    do {
                        return try await body(conn)
                    } catch {
                        // The server ended the session and is closing the connection: closed now, before it is
                        // given back, it is not handed out again in the meantime.
                        if Self.endedSession(error) { try? await conn.close() }
                        throw error
                    }
                }
            } catch is ClosedLease where attempt < 3 {
                attempt += 1
            }
        }
    }

    private func unobservedTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase, BulkWriter) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite(let writer, _, let lock, _):
            return try await lock.withLock {
                let sql = writer.sql(queryLogLevel: nil)
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let value = try await body(sql, BulkWriter(connection: .sqlite(writer), logger: self.logger))
                    try await sql.raw("COMMIT").run()
                    return value
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
        case .postgres(let client, _):
            return try await Self.withOpenConnection(client) { conn in
                let sql = conn.sql(queryLogLevel: nil)
                try await sql.raw("BEGIN").run()
                do {
                    let value = try await body(sql, BulkWriter(connection: .postgres(conn), logger: self.logger))
                    try await sql.raw("COMMIT").run()
                    return value
                } catch {
                    // A session the server ended has rolled back; a ROLLBACK sent on its connection as it closes
                    // would never be answered (PostgresNIO 1.33 drops a query written after the channel closed).
                    if !Self.endedSession(error), !conn.isClosed { try? await sql.raw("ROLLBACK").run() }
                    throw error
                }
            }
        }
    }

    /// Whether an error is a write refused on a unique key or primary key, on either engine (SQLite's extended
    /// result code; PostgreSQL's SQLSTATE 23505).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError { return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed }
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
        return false
    }

    /// Whether an error says the database cannot be reached or cannot serve just now, rather than that the request
    /// was wrong: on PostgreSQL, no connection for a minute or a closed pool (PostgresNIO's `ConnectionPoolError`),
    /// a connection cut or refused (the server restarting, the session ended by its administrator, too many
    /// clients, out of resources: SQLSTATE classes 08, 53 and 57P); on SQLite, the file still locked by another
    /// process when the busy timeout ends. Whatever the request was doing rolled back with its transaction; it may be
    /// sent again.
    public static func isUnavailable(_ error: any Error) -> Bool {
        if error is _ConnectionPoolModule.ConnectionPoolError { return true }
        if error is ClosedLease { return true }
        if let error = error as? SQLiteError { return error.reason == .busy || error.reason == .locked }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P")
        default:
            return false
        }
    }

    /// Whether an error says the server ended the session, or the connection to it is gone: a FATAL or PANIC
    /// error (the server closes the connection after sending it: `pg_terminate_backend`, a shutdown), or the
    /// connection closed or cut. Its transaction rolled back with the session, and nothing more may be sent on the
    /// connection: PostgresNIO 1.33.2 drops a query written after the connection closed, and whoever waits for its
    /// answer waits for good.
    static func endedSession(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return true
        case .server:
            let severity = error.serverInfo?[.severity] ?? error.serverInfo?[.localizedSeverity] ?? ""
            return severity == "FATAL" || severity == "PANIC"
        default:
            return false
        }
    }

    /// Whether an error is the database refusing a text it cannot hold — PostgreSQL has no place for U+0000 in
    /// `text` (SQLSTATE 22021, "invalid byte sequence") — which is bad input, not a fault of the server. The
    /// validators refuse such text first; this is the safety net for any path they do not cover, so that it is
    /// answered 400 and not 500. The statement's transaction rolled back: nothing changed.
    public static func refusedText(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "22021"
    }

    /// Refreshes the planner's statistics after a bulk load: SQLite `ANALYZE`; PostgreSQL `VACUUM ANALYZE`
    /// (outside a transaction), which also sets the visibility map that index-only scans need.
    public func analyze() async throws {
        switch engine {
        case .sqlite: try await transaction { sql in try await sql.raw("ANALYZE").run() }
        case .postgres: try await read { sql in try await sql.raw("VACUUM ANALYZE").run() }
        }
    }

    /// Answers whether the database responds (for `/healthz`).
    public func ping() async -> Bool {
        do {
            try await read { sql in try await sql.raw("SELECT 1").run() }
            return true
        } catch {
            return false
        }
    }
}

extension PostgresConnection {
    /// A query's rows, logged nowhere: PostgresNIO's own log lines carry the query and its binds (personal data).
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await self.query(query, logger: Self.silent)
    }

    /// A prepared statement's rows, logged nowhere (as ``query(_:)``).
    func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Statement.Row> {
        try await self.execute(statement, logger: Self.silent)
    }

    private static let silent = Logger(label: "credit.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
}
