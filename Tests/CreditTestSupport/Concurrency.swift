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
    /// Holds the tamper-evident log's lock (``WriterLock/log``) in a transaction until `release` opens: on
    /// PostgreSQL every writer that reaches its append waits there, in the middle of its transaction. Returns once
    /// the lock is held.
    public static func holdingTheLog(_ db: CreditDatabase, until release: Gate) async -> Started<Void> {
        await holding(db, until: release) { sql in try await WriterLock.log.take(sql) }
    }

    /// Does `work` in a transaction and keeps it open until `release` opens (another writer of the same rows waits
    /// for it on PostgreSQL, for the database on SQLite), then commits. Returns once `work` is done.
    public static func holding(
        _ db: CreditDatabase,
        until release: Gate,
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> Void
    ) async -> Started<Void> {
        let held = Gate()
        let holder = Started {
            do {
                try await db.transaction { sql in
                    try await work(sql)
                    await held.open()
                    await release.wait()
                }
            } catch {
                await held.open()  // the test goes on, and finds the error in the holder's value
                throw error
            }
        }
        await held.wait()
        return holder
    }

    /// On PostgreSQL, returns once at least `count` of the database's connections wait for a lock (a row's or an
    /// advisory one), or as soon as one of `ended` opens (the work waited for finished without waiting). On SQLite
    /// at once: its writers queue inside the process, one at a time.
    public static func untilWaiting(_ db: CreditDatabase, count: Int, unlessEnded ended: [Gate] = []) async throws {
        guard db.engine == .postgres else { return }
        while true {
            let waiting = try await db.read { sql in
                try await sql.raw(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            if waiting >= count { return }
            for gate in ended where await gate.isOpen { return }
            await Task.yield()
        }
    }
}
