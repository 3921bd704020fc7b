/// A FIFO lock for async code with a number of permits: one SQLite connection must not interleave two
/// transactions (one permit); the tests hold a few PostgreSQL databases at a time (`PostgresSlots`).
public actor AsyncLock {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A lock `permits` holders may hold at once (at least one).
    public init(permits: Int = 1) { free = max(permits, 1) }

    func lock() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            free += 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` while holding a permit; waiters are served in the order they came.
    public nonisolated func withLock<T>(_ body: () async throws -> T) async throws -> T {
        await lock()
        do {
            let value = try await body()
            await unlock()
            return value
        } catch {
            await unlock()
            throw error
        }
    }
}
