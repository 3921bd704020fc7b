import CreditStore
import SQLKit

/// Opens once; waiters before and after the opening go on.
public actor Gate {
    public private(set) var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    public func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

/// Work started in a task of its own, with a gate that opens when it ends (returning or throwing).
public struct Started<T: Sendable>: Sendable {
    public let task: Task<T, any Error>
    public let ended = Gate()

    public init(_ body: @escaping @Sendable () async throws -> T) {
        let ended = ended
        task = Task {
            do {
                let value = try await body()
                await ended.open()
                return value
            } catch {
                await ended.open()
                throw error
            }
        }
    }

    public var value: T { get async throws { try await task.value } }
}

extension TestDatabase {
    /// Holds the tamper-evident log's lock (``WriterLock/log``) in a transaction while `body` runs: on PostgreSQL
    /// every writer that reaches its append waits there, in the middle of its transaction (see ``holding(_:_:during:)``).
    public static func holdingTheLog<T: Sendable>(_ db: CreditDatabase, during body: (_ release: Gate) async throws -> T) async throws -> T {
        try await holding(db, { sql in try await WriterLock.log.take(sql) }, during: body)
    }

    /// Does `work` in a transaction and keeps it open while `body` runs (another writer of the same rows waits for it
    /// on PostgreSQL, for the database on SQLite) until `body` opens `release`; then it commits. The transaction is
    /// released when `body` returns or throws, whatever it did, so a failing test does not leave it open (and its
    /// database impossible to drop); its error, if any, is thrown.
    public static func holding<T: Sendable>(
        _ db: CreditDatabase,
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> Void,
        during body: (_ release: Gate) async throws -> T
    ) async throws -> T {
        let held = Gate()
        let release = Gate()
        let holder = Started {
            do {
                try await db.transaction { sql in
                    try await work(sql)
                    await held.open()
                    await release.wait()
                }
            } catch {
                await held.open()
                throw error
            }
        }
        await held.wait()
        let result: T
        do {
            result = try await body(release)
        } catch {
            await release.open()
            _ = try? await holder.value
            throw error
        }
        await release.open()
        try await holder.value
        return result
    }

    /// On PostgreSQL, returns once at least `count` of the database's connections wait for a lock (a row's or an
    /// advisory one), or as soon as one of `ended` opens (the work waited for finished without waiting); throws if
    /// neither happens within a minute, rather than let the test run on. On SQLite at once: its writers queue
    /// inside the process, one at a time.
    public static func untilWaiting(_ db: CreditDatabase, count: Int, unlessEnded ended: [Gate] = []) async throws {
        guard db.engine == .postgres else { return }
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let waiting = try await db.read { sql in
                try await sql.raw(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            if waiting >= count { return }
            for gate in ended where await gate.isOpen { return }
            guard ContinuousClock.now < deadline else { throw NotWaiting(expected: count, waiting: waiting) }
            await Task.yield()
        }
    }

    /// On PostgreSQL, ends the sessions of the database that wait for a lock, as an administrator's
    /// `pg_terminate_backend` (or a server shutting down) would; returns how many it ended.
    @discardableResult
    public static func endWaitingSessions(_ db: CreditDatabase) async throws -> Int {
        try await db.read { sql in
            try await sql.raw(
                "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).all().count
        }
    }

    /// Returns once `work` has ended (returned or thrown); throws ``StillRunning`` if it has not within `limit`, so that
    /// work left waiting for good fails its test instead of hanging the run.
    public static func untilEnded<T>(_ work: Started<T>, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while !(await work.ended.isOpen) {
            guard ContinuousClock.now < deadline else {
                work.task.cancel()
                throw StillRunning(limit: limit)
            }
            await Task.yield()
        }
    }

    /// Work a test expected to end had not, within its limit.
    public struct StillRunning: Error, CustomStringConvertible {
        public var limit: Duration
        public var description: String { "still running after \(limit): left waiting for an answer that will not come" }
    }

    /// Writers a test expected to wait for a lock did not, and did not finish either.
    public struct NotWaiting: Error, CustomStringConvertible {
        public var expected: Int
        public var waiting: Int
        public var description: String { "\(waiting) of the \(expected) connections expected wait for a lock after a minute" }
    }
}
