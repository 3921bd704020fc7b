import CreditCore
import Foundation
import SQLKit

/// Import jobs in the `import_jobs` table; progress is written after every stored batch.
public struct SQLImportJobStore: ImportJobStore {
    let db: CreditDatabase
    let clock: any CreditClock

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    public func create(
        departmentCode: String,
        accountID: Int?,
        category: String,
        encoding: String,
        filename: String,
        sizeBytes: Int?
    ) async throws -> ImportJob {
        let now = Timestamp.string(clock.now())
        let id = try await db.transaction { sql in
            try await sql.insert(into: "import_jobs")
                .columns(
                    "department_code",
                    "account_id",
                    "category",
                    "encoding",
                    "filename",
                    "size_bytes",
                    "status",
                    "bytes_done",
                    "rows_done",
                    "accepted",
                    "updated",
                    "unchanged",
                    "rejected",
                    "created_at",
                    "updated_at"
                )
                .values(
                    SQLBind(departmentCode),
                    SQLBind(accountID),
                    SQLBind(category),
                    SQLBind(encoding),
                    SQLBind(filename),
                    SQLBind(sizeBytes),
                    SQLBind(ImportJob.Status.waiting.rawValue),
                    SQLBind(0),
                    SQLBind(0),
                    SQLBind(0),
                    SQLBind(0),
                    SQLBind(0),
                    SQLBind(0),
                    SQLBind(now),
                    SQLBind(now)
                ).returning("id").first()!.decode(column: "id", as: Int.self)
        }
        return ImportJob(
            id: id,
            departmentCode: departmentCode,
            accountID: accountID,
            category: category,
            encoding: encoding,
            filename: filename,
            sizeBytes: sizeBytes,
            status: .waiting,
            summary: ImportSummary(),
            error: nil,
            createdAt: now,
            updatedAt: now
        )
    }

    public func start(id: Int, server: String) async throws -> Bool {
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            try await sql.update("import_jobs").set("status", to: SQLBind(ImportJob.Status.running.rawValue)).set("updated_at", to: SQLBind(now))
                .set("server", to: SQLBind(server))
                .where("id", .equal, id).where("status", .equal, SQLBind(ImportJob.Status.waiting.rawValue)).returning("id").first() != nil
        }
    }

    public func touch(id: Int) async throws {
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await sql.update("import_jobs").set("updated_at", to: SQLBind(now)).where("id", .equal, id)
                .where("status", .equal, SQLBind(ImportJob.Status.running.rawValue)).run()
        }
    }

    public func update(id: Int, status: ImportJob.Status, summary: ImportSummary, error: String?) async throws {
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await sql.update("import_jobs").set("status", to: SQLBind(status.rawValue)).set("bytes_done", to: SQLBind(summary.bytes))
                .set("rows_done", to: SQLBind(summary.rows)).set("accepted", to: SQLBind(summary.accepted))
                .set("updated", to: SQLBind(summary.updated)).set("unchanged", to: SQLBind(summary.unchanged))
                .set("rejected", to: SQLBind(summary.rejected)).set("warned", to: SQLBind(summary.warned)).set(
                    "error",
                    to: SQLBind(error?.replacingControlCharacters)
                )
                .set("updated_at", to: SQLBind(now)).where("id", .equal, id).run()
        }
    }

    public func failInterrupted(restarting server: String?) async throws -> Int {
        let now = clock.now()
        let quietSince = Timestamp.string(now.addingTimeInterval(-ImportJob.abandonedAfter))
        return try await db.transaction { sql in
            var nobodys = sql.update("import_jobs").set("status", to: SQLBind(ImportJob.Status.failed.rawValue))
                .set("error", to: SQLBind(ImportJob.interrupted)).set("updated_at", to: SQLBind(Timestamp.string(now)))
                .where("status", .equal, SQLBind(ImportJob.Status.running.rawValue))
            nobodys = nobodys.where { group in
                var group = group.where("updated_at", .lessThan, SQLBind(quietSince))
                if let server { group = group.orWhere("server", .equal, SQLBind(server)).orWhere("server", .is, SQLLiteral.null) }
                return group
            }
            return try await nobodys.returning("id").all().count
        }
    }

    public func fetch(id: Int) async throws -> ImportJob? {
        try await db.read { sql in
            try await sql.select().column(SQLLiteral.all).from("import_jobs").where("id", .equal, id).first().map(Self.job)
        }
    }

    public func recent(departmentCode: String?, limit: Int) async throws -> [ImportJob] {
        try await db.read { sql in
            var query = sql.select().column(SQLLiteral.all).from("import_jobs")
            if let departmentCode { query = query.where("department_code", .equal, SQLBind(departmentCode)) }
            return try await query.orderBy("id", .descending).limit(limit).all().map(Self.job)
        }
    }

    static func job(_ row: any SQLRow) throws -> ImportJob {
        var summary = ImportSummary()
        summary.bytes = try row.decode(column: "bytes_done", as: Int.self)
        summary.rows = try row.decode(column: "rows_done", as: Int.self)
        summary.accepted = try row.decode(column: "accepted", as: Int.self)
        summary.updated = try row.decode(column: "updated", as: Int.self)
        summary.unchanged = try row.decode(column: "unchanged", as: Int.self)
        summary.rejected = try row.decode(column: "rejected", as: Int.self)
        summary.warned = try row.decode(column: "warned", as: Int.self)
        return ImportJob(
            id: try row.decode(column: "id", as: Int.self),
            departmentCode: try row.decode(column: "department_code", as: String.self),
            accountID: try row.decode(column: "account_id", as: Int?.self),
            category: try row.decode(column: "category", as: String.self),
            encoding: try row.decode(column: "encoding", as: String.self),
            filename: try row.decode(column: "filename", as: String.self),
            sizeBytes: try row.decode(column: "size_bytes", as: Int?.self),
            status: ImportJob.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            summary: summary,
            error: try row.decode(column: "error", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self)
        )
    }

    // MARK: Column mappings

    public func columnMapping(departmentCode: String, category: String) async throws -> SavedColumnMapping? {
        try await db.read { sql in
            guard
                let row = try await sql.select().column(SQLLiteral.all).from("column_mappings")
                    .where("department_code", .equal, SQLBind(departmentCode)).where("category", .equal, SQLBind(category)).first()
            else { return nil }
            return SavedColumnMapping(
                departmentCode: departmentCode,
                category: category,
                mapping: try ColumnMapping.decode(Data(try row.decode(column: "mapping", as: String.self).utf8)),
                accountID: try row.decode(column: "account_id", as: Int?.self),
                savedAt: try row.decode(column: "saved_at", as: String.self)
            )
        }
    }

    public func saveColumnMapping(
        departmentCode: String,
        category: String,
        mapping: ColumnMapping,
        accountID: Int?
    ) async throws
        -> SavedColumnMapping
    {
        let now = Timestamp.string(clock.now())
        let text = String(decoding: try JSONEncoder().encode(mapping), as: UTF8.self)
        try await db.transaction { sql in
            try await sql.insert(into: "column_mappings").columns("department_code", "category", "mapping", "account_id", "saved_at")
                .values(SQLBind(departmentCode), SQLBind(category), SQLBind(text), SQLBind(accountID), SQLBind(now))
                .onConflict(with: ["department_code", "category"]) {
                    $0.set(excludedValueOf: "mapping").set(excludedValueOf: "account_id").set(excludedValueOf: "saved_at")
                }.run()
        }
        return SavedColumnMapping(departmentCode: departmentCode, category: category, mapping: mapping, accountID: accountID, savedAt: now)
    }

    public func deleteColumnMapping(departmentCode: String, category: String) async throws -> Bool {
        try await db.transaction { sql in
            try await sql.delete(from: "column_mappings").where("department_code", .equal, SQLBind(departmentCode))
                .where("category", .equal, SQLBind(category)).returning("department_code").all().count > 0
        }
    }
}
