import CreditCore
import Foundation
import SQLKit

/// The audit log in the `audit_events` table. The database refuses updates, and deletes of events
/// younger than five years (see the migration), so even a bug here cannot rewrite history.
public struct SQLAuditTrail: AuditTrail {
    let db: CreditDatabase
    let clock: any CreditClock

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    static let columns = [
        "id", "at", "action", "account_id", "account_name", "role", "department_code", "method", "route", "subject", "status", "outcome",
        "address", "request_id", "purpose",
    ]

    /// Records an event. The texts that quote what a caller sent (a login name, a path's code, a route) are kept with
    /// any control character shown as U+FFFD: PostgreSQL cannot hold U+0000, and the event must be written.
    @discardableResult
    public func record(_ event: AuditEvent) async throws -> Int {
        let at = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            let row = try await sql.insert(into: "audit_events").columns(Array(Self.columns.dropFirst()))
                .values(
                    SQLBind(at),
                    SQLBind(event.action.rawValue),
                    SQLBind(event.accountID),
                    SQLBind(event.accountName),
                    SQLBind(event.role),
                    SQLBind(event.departmentCode),
                    SQLBind(event.method),
                    SQLBind(event.route.replacingControlCharacters),
                    SQLBind(event.subject?.replacingControlCharacters),
                    SQLBind(event.status),
                    SQLBind(event.outcome),
                    SQLBind(event.address),
                    SQLBind(event.requestID),
                    SQLBind(event.purpose?.replacingControlCharacters)
                ).returning("id").first()
            return try row!.decode(column: "id", as: Int.self)
        }
    }

    /// The WHERE clause of a query. Days are Asia/Shanghai days, stored instants are UTC.
    static func filter(_ query: AuditQuery) -> SQLQueryString {
        var clause: SQLQueryString = "1 = 1"
        if let from = query.from { clause = clause + " AND at >= \(bind: Self.instant(startOf: from))" }
        if let to = query.to { clause = clause + " AND at < \(bind: Self.instant(startOf: to.adding(days: 1)))" }
        if let account = query.accountID { clause = clause + " AND account_id = \(bind: account)" }
        if let subject = query.subject { clause = clause + " AND subject = \(bind: subject)" }
        if let action = query.action { clause = clause + " AND action = \(bind: action.rawValue)" }
        return clause
    }

    /// Midnight in Asia/Shanghai as a stored UTC instant.
    static func instant(startOf day: LocalDate) -> String {
        Timestamp.string(Date(timeIntervalSince1970: TimeInterval(day.dayNumber * 86_400 - 8 * 3600)))
    }

    public func search(_ query: AuditQuery, page: Int, size: Int) async throws -> (items: [AuditEvent], total: Int) {
        let filter = Self.filter(query)
        return try await db.read { sql in
            let total = try await sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE " + filter).first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns.joined(separator: ", ")) FROM audit_events WHERE " + filter
                    + " ORDER BY id DESC LIMIT \(bind: size) OFFSET \(bind: (page - 1) * size)"
            ).all()
            return (try rows.map(Self.event), total)
        }
    }

    public func events(_ query: AuditQuery, after id: Int, limit: Int) async throws -> [AuditEvent] {
        let filter = Self.filter(query)
        return try await db.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns.joined(separator: ", ")) FROM audit_events WHERE " + filter
                    + " AND id > \(bind: id) ORDER BY id LIMIT \(bind: limit)"
            ).all().map(Self.event)
        }
    }

    public func prune(retentionYears: Int) async throws -> Int {
        try AuditRetention.check(years: retentionYears)
        let cutoff = clock.today().adding(years: -retentionYears)
        let before = Self.instant(startOf: cutoff)
        return try await db.transaction { sql in
            try await sql.raw("DELETE FROM audit_events WHERE at < \(bind: before) RETURNING id").all().count
        }
    }

    static func event(_ row: any SQLRow) throws -> AuditEvent {
        var event = AuditEvent(
            action: AuditAction(rawValue: try row.decode(column: "action", as: String.self)) ?? .read,
            principal: nil,
            method: try row.decode(column: "method", as: String.self),
            route: try row.decode(column: "route", as: String.self),
            subject: try row.decode(column: "subject", as: String?.self),
            status: try row.decode(column: "status", as: Int.self),
            outcome: try row.decode(column: "outcome", as: String.self),
            address: try row.decode(column: "address", as: String?.self),
            requestID: try row.decode(column: "request_id", as: String.self),
            purpose: try row.decode(column: "purpose", as: String?.self)
        )
        event.id = try row.decode(column: "id", as: Int.self)
        event.at = try row.decode(column: "at", as: String.self)
        event.accountID = try row.decode(column: "account_id", as: Int?.self)
        event.accountName = try row.decode(column: "account_name", as: String?.self)
        event.role = try row.decode(column: "role", as: String?.self)
        event.departmentCode = try row.decode(column: "department_code", as: String?.self)
        return event
    }
}
