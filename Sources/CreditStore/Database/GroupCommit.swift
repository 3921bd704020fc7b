import Foundation
import Synchronization

/// Rows of one table written by many concurrent callers, committed together: a caller's rows wait while a commit is
/// under way and go with the next, and each caller returns only once its rows are committed (durable before answered,
/// one transaction for many requests). A failed commit fails every caller of that batch; nothing of it is stored.
final class GroupCommit: Sendable {
    private struct State {
        var pending: [(rows: [[BulkValue]], done: CheckedContinuation<Void, any Error>)] = []
        var flushing = false
    }

    private let state = Mutex(State())
    let db: CreditDatabase
    let table: String
    let columns: [String]

    init(db: CreditDatabase, table: String, columns: [String]) {
        self.db = db
        self.table = table
        self.columns = columns
    }

    /// Returns once `rows` are committed.
    func write(_ rows: [[BulkValue]]) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let leads = state.withLock { state -> Bool in
                state.pending.append((rows, done))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if leads { Task { await self.drain() } }
        }
    }

    /// Commits what is pending, batch after batch, until nothing is.
    private func drain() async {
        while true {
            let batch = state.withLock { state in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            let rows = batch.flatMap(\.rows)
            do {
                try await db.transaction { [table, columns] _, bulk in try await bulk.insert(into: table, columns: columns, rows: rows) }
                for caller in batch { caller.done.resume() }
            } catch {
                for caller in batch { caller.done.resume(throwing: error) }
            }
        }
    }
}
