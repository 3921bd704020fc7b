import SQLKit

/// The transaction-scoped locks that order writers on PostgreSQL, where transactions run side by side (decision
/// 0006). Each is taken inside a transaction and held until it commits or rolls back. SQLite has one writer at a
/// time, so taking one there does nothing.
///
/// Lock order, so that no two writers wait for each other in a circle: departments' locks (several only in
/// ``takeEveryDepartment(_:)``), then the registry's, then rows of `records` (updated by record batches, by a
/// registration that matches the records about it, by a calendar load), then the log's. After the log's lock a
/// transaction only adds rows no other transaction can be waiting for, and commits.
public enum WriterLock: Sendable {
    /// Appending to the tamper-evident log: entries are numbered and committed one transaction after another, so a
    /// signed checkpoint stays a prefix of the log.
    case log
    /// The registry: a registration reads whether the entity (and its person) exists and then writes it.
    case registry
    /// One department's record batches: a batch reads which of its records exist and then writes them.
    case department(String)

    /// Takes the lock in the transaction of `sql`; waits while another transaction holds it.
    public func take(_ sql: any SQLDatabase) async throws {
        guard sql.isPostgreSQL else { return }
        // Two 32-bit keys: a space per kind ("LOG ", "REGI", "RECD") and, for a department, the hash of its code.
        switch self {
        case .log: try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.logSpace)), 0)").run()
        case .registry: try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.registrySpace)), 0)").run()
        case .department(let code):
            try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.departmentSpace)), hashtext(\(bind: code)))").run()
        }
    }

    /// Takes every department's lock, in the order of their keys: a writer that changes records of any department
    /// (the clocks a calendar load counts again) waits for the batches being stored, and the batches that start
    /// meanwhile wait for it. New departments are held off until the transaction ends, so none escapes the list.
    public static func takeEveryDepartment(_ sql: any SQLDatabase) async throws {
        guard sql.isPostgreSQL else { return }
        try await sql.raw("LOCK TABLE departments IN SHARE MODE").run()
        let keys = try await sql.raw("SELECT DISTINCT hashtext(code) AS key FROM departments ORDER BY key").all()
            .map { try $0.decode(column: "key", as: Int32.self) }
        for key in keys {
            try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(departmentSpace)), \(bind: key))").run()
        }
    }

    static let logSpace: Int32 = 0x4C4F_4720
    static let registrySpace: Int32 = 0x5245_4749
    static let departmentSpace: Int32 = 0x5245_4344
}

extension SQLDatabase {
    /// Whether this is a PostgreSQL connection (else SQLite): for the few statements that differ between the engines.
    var isPostgreSQL: Bool { dialect.name == "postgresql" }
}
