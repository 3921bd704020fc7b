import Dispatch

/// The executor bulk transactions run on: a thread of their own rather than the cooperative pool.
///
/// A batch's transaction is the serial section of an import; while it waits for the database, validating and
/// preparing the next batches keep both cooperative threads busy, and each of the transaction's resumptions
/// would wait for one of them to finish a stretch of work (tens of milliseconds per await, measured). On a
/// thread of its own the transaction resumes as soon as the operating system schedules it.
final class WriterExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = WriterExecutor()

    private let queue = DispatchQueue(label: "credit.writer", qos: .userInitiated)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
