import Foundation
import Logging
import SQLKit

/// One schema change, named by what it does, with its statements for each engine.
public struct Migration: Sendable {
    /// Its place in the platform's one sequence of migrations.
    public var order: Int
    public var name: String
    public var sqlite: [String]
    public var postgres: [String]

    public init(_ order: Int, _ name: String, sqlite: [String], postgres: [String]) {
        self.order = order
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// The same statements on both engines.
    public init(_ order: Int, _ name: String, both: [String]) {
        self.init(order, name, sqlite: both, postgres: both)
    }

    /// Statements written once, with `$ID` for an auto-numbered primary key and `$BIGINT` for a column that
    /// refers to one (`INTEGER PRIMARY KEY` and `INTEGER` on SQLite, `BIGSERIAL PRIMARY KEY` and `BIGINT` on PostgreSQL).
    public init(_ order: Int, _ name: String, portable: [String]) {
        func on(_ id: String, _ bigint: String) -> [String] {
            portable.map { $0.replacingOccurrences(of: "$ID", with: id).replacingOccurrences(of: "$BIGINT", with: bigint) }
        }
        self.init(order, name, sqlite: on("INTEGER PRIMARY KEY", "INTEGER"), postgres: on("BIGSERIAL PRIMARY KEY", "BIGINT"))
    }
}

extension Migration {
    /// Every migration of the platform, in order: each area's own (``registry``, ``records`` …) merged by their
    /// numbers. A new area adds its list here; a new migration takes the next free number. Never edit or renumber one
    /// that has shipped: a database records migrations by name, and applies the missing ones in this order.
    public static let all: [Migration] =
        ([appliedMigrations] + registry + calendar + access + log + audit + records + imports + catalog + lists + repair + objections + commitments
        + reports)
        .sorted { $0.order < $1.order }

    /// The table that records which migrations a database has had (always the first).
    static let appliedMigrations =
        Migration(
            0,
            "create the table of applied migrations",
            both: ["CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"]
        )
}

extension CreditDatabase {
    /// Applies every migration not yet applied, each in its own transaction, and returns the names applied.
    @discardableResult
    public func migrate(_ migrations: [Migration] = Migration.all) async throws -> [String] {
        let engine = self.engine
        try await transaction { sql in
            try await sql.raw(SQLQueryString(migrations[0].sqlite[0])).run()
        }
        let applied = try await read { sql in
            try await sql.raw("SELECT name FROM schema_migrations").all().map { try $0.decode(column: "name", as: String.self) }
        }
        var done: [String] = []
        for migration in migrations.dropFirst() where !applied.contains(migration.name) {
            try await transaction { sql in
                for statement in engine == .sqlite ? migration.sqlite : migration.postgres {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                try await sql.insert(into: "schema_migrations").columns("name", "applied_at")
                    .values(SQLBind(migration.name), SQLBind(Timestamp.now())).run()
            }
            logger.info("applied migration", metadata: ["migration": .string(migration.name)])
            done.append(migration.name)
        }
        return done
    }
}

/// UTC instants as RFC 3339 text, identical on both engines.
enum Timestamp {
    static func now() -> String { string(Date()) }
    static func string(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
