import CreditCore
import Foundation
import SQLKit

/// The deadlines of repair and objection cases read together, and the reminders recorded (`case_reminders`).
/// A withdrawn repair is nobody's to answer and is left out.
public struct SQLCaseDeadlineStore: CaseDeadlineStore {
    let db: CreditDatabase
    let clock: any CreditClock

    public init(database: CreditDatabase, clock: any CreditClock) {
        self.db = database
        self.clock = clock
    }

    public func deadlines(departmentCode: String?) async throws -> [CaseDeadline] {
        try await db.read { sql in
            let department: SQLQueryString = departmentCode.map { "AND department_code = \(bind: $0)" } ?? ""
            return try await sql.raw(
                """
                SELECT 'repair' AS kind, id, department_code, accepted_on, due_by, status, decided_on FROM repair_cases
                WHERE status <> 'withdrawn' \(department)
                UNION ALL
                SELECT 'objection' AS kind, id, department_code, accepted_on, due_by, status, decided_on FROM objections WHERE 1 = 1 \(department)
                """
            ).all().map { row in
                CaseDeadline(
                    kind: CaseKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .repair,
                    id: try row.decode(column: "id", as: Int.self),
                    departmentCode: try row.decode(column: "department_code", as: String.self),
                    acceptedOn: LocalDate(try row.decode(column: "accepted_on", as: String.self))!,
                    dueBy: LocalDate(try row.decode(column: "due_by", as: String.self))!,
                    running: try row.decode(column: "status", as: String.self) == "accepted",
                    decidedOn: try row.decode(column: "decided_on", as: String?.self).flatMap { LocalDate($0) }
                )
            }
        }
    }

    public func remind(_ reminders: [CaseReminder]) async throws -> [CaseReminder] {
        guard !reminders.isEmpty else { return [] }
        let at = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            var added: [CaseReminder] = []
            for reminder in reminders {
                let d = reminder.deadline
                // Another server's look may record the same reminder at the same moment: the key keeps one.
                let inserted = try await sql.insert(into: "case_reminders")
                    .columns("case_kind", "case_id", "day", "level", "department_code", "accepted_on", "due_by", "created_at")
                    .values(
                        SQLBind(d.kind.rawValue),
                        SQLBind(d.id),
                        SQLBind(reminder.day.description),
                        SQLBind(reminder.level.rawValue),
                        SQLBind(d.departmentCode),
                        SQLBind(d.acceptedOn.description),
                        SQLBind(d.dueBy.description),
                        SQLBind(at)
                    )
                    .ignoringConflicts(with: ["case_kind", "case_id", "day", "level"]).returning("case_id").first()
                if inserted != nil { added.append(reminder) }
            }
            return added
        }
    }

    public func reminders(departmentCode: String?, limit: Int) async throws -> [CaseReminder] {
        try await db.read { sql in
            let department: SQLQueryString = departmentCode.map { "WHERE department_code = \(bind: $0)" } ?? ""
            return try await sql.raw(
                """
                SELECT case_kind, case_id, day, level, department_code, accepted_on, due_by FROM case_reminders \(department)
                ORDER BY day DESC, case_kind, case_id LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
                """
            ).all().map(Self.reminder)
        }
    }

    /// A `case_reminders` row.
    static func reminder(_ row: any SQLRow) throws -> CaseReminder {
        CaseReminder(
            deadline: CaseDeadline(
                kind: CaseKind(rawValue: try row.decode(column: "case_kind", as: String.self)) ?? .repair,
                id: try row.decode(column: "case_id", as: Int.self),
                departmentCode: try row.decode(column: "department_code", as: String.self),
                acceptedOn: LocalDate(try row.decode(column: "accepted_on", as: String.self))!,
                dueBy: LocalDate(try row.decode(column: "due_by", as: String.self))!,
                running: true,
                decidedOn: nil
            ),
            day: LocalDate(try row.decode(column: "day", as: String.self))!,
            level: CaseReminder.Level(rawValue: try row.decode(column: "level", as: String.self)) ?? .overdue
        )
    }

    public func setReminderWebhook(departmentCode: String, url: String?, since: LocalDate, by: String?) async throws -> ReminderWebhook? {
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await sql.raw("DELETE FROM reminder_webhooks WHERE department_code = \(bind: departmentCode)").run()
            guard let url else { return }
            try await sql.insert(into: "reminder_webhooks")
                .columns("department_code", "url", "since", "failures", "next_attempt_at", "delivered", "set_at", "set_by")
                .values(
                    SQLBind(departmentCode),
                    SQLBind(url),
                    SQLBind(since.description),
                    SQLBind(0),
                    SQLBind(now),
                    SQLBind(0),
                    SQLBind(now),
                    SQLBind(by)
                ).run()
        }
        return try await reminderWebhook(departmentCode: departmentCode)
    }

    static let webhookColumns = "department_code, url, since, failures, last_attempt_at, last_status, last_error, delivered"

    static func webhook(_ row: any SQLRow) throws -> ReminderWebhook {
        ReminderWebhook(
            departmentCode: try row.decode(column: "department_code", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            since: LocalDate(try row.decode(column: "since", as: String.self))!,
            failures: try row.decode(column: "failures", as: Int.self),
            lastAttemptAt: try row.decode(column: "last_attempt_at", as: String?.self),
            lastStatus: try row.decode(column: "last_status", as: Int?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            delivered: try row.decode(column: "delivered", as: Int.self)
        )
    }

    public func reminderWebhook(departmentCode: String) async throws -> ReminderWebhook? {
        try await db.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.webhookColumns) FROM reminder_webhooks WHERE department_code = \(bind: departmentCode)"
            ).first().map(Self.webhook)
        }
    }

    public func duePushes(now: Date, limit: Int) async throws -> [ReminderPush] {
        let at = Timestamp.string(now)
        return try await db.read { sql in
            let hooks = try await sql.raw(
                "SELECT \(unsafeRaw: Self.webhookColumns) FROM reminder_webhooks WHERE next_attempt_at <= \(bind: at) ORDER BY department_code"
            ).all().map(Self.webhook)
            var pushes: [ReminderPush] = []
            for hook in hooks {
                let reminders = try await sql.raw(
                    """
                    SELECT case_kind, case_id, day, level, department_code, accepted_on, due_by FROM case_reminders
                    WHERE department_code = \(bind: hook.departmentCode) AND day >= \(bind: hook.since.description) AND delivered_at IS NULL
                    ORDER BY day, level, case_kind, case_id LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
                    """
                ).all().map(Self.reminder)
                if !reminders.isEmpty { pushes.append(ReminderPush(webhook: hook, reminders: reminders)) }
            }
            return pushes
        }
    }

    public func record(_ delivery: ReminderDelivery, nextAttemptAt: Date) async throws {
        let at = Timestamp.string(delivery.attemptedAt)
        try await db.transaction { sql in
            let failures: SQLQueryString = delivery.delivered ? "0" : "failures + 1"
            try await sql.raw(
                """
                UPDATE reminder_webhooks SET failures = \(failures), last_attempt_at = \(bind: at), last_status = \(bind: delivery.httpStatus),
                last_error = \(bind: delivery.error), next_attempt_at = \(bind: Timestamp.string(nextAttemptAt)),
                delivered = delivered + \(bind: delivery.delivered ? delivery.reminders.count : 0)
                WHERE department_code = \(bind: delivery.departmentCode)
                """
            ).run()
            guard delivery.delivered else { return }
            for r in delivery.reminders {
                try await sql.raw(
                    """
                    UPDATE case_reminders SET delivered_at = \(bind: at) WHERE case_kind = \(bind: r.deadline.kind.rawValue)
                    AND case_id = \(bind: r.deadline.id) AND day = \(bind: r.day.description) AND level = \(bind: r.level.rawValue)
                    """
                ).run()
            }
        }
    }
}
