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
            ).all().map { row in
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
        }
    }
}
