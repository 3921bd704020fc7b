import CreditCore
import SQLKit

/// The steps of a case (a repair, an objection), numbered in order in the kind's own events table
/// (`repair_events`, `objection_events`: case key, `seq`, `at`, `actor`, `action`, `reason`).
enum CaseEvents {
    /// The kind's table and the column naming the case in it.
    static func table(_ kind: CaseKind) -> (name: String, key: String) {
        switch kind {
        case .repair: ("repair_events", "case_id")
        case .objection: ("objection_events", "objection_id")
        }
    }

    static func append(
        _ kind: CaseKind,
        id: Int,
        at: String,
        actor: String?,
        action: String,
        reason: String?,
        sql: any SQLDatabase
    ) async throws {
        let (table, key) = table(kind)
        let seq =
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) = \(bind: id)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        try await sql.insert(into: table).columns(key, "seq", "at", "actor", "action", "reason")
            .values(SQLBind(id), SQLBind(seq + 1), SQLBind(at), SQLBind(actor), SQLBind(action), SQLBind(reason)).run()
    }

    /// The steps of each of the cases `ids` (at most ``SQLDatabase/listSize``), in order, read at once.
    static func read(_ kind: CaseKind, ids: [Int], sql: any SQLDatabase) async throws -> [Int: [RepairCase.Event]] {
        guard !ids.isEmpty else { return [:] }
        let (table, key) = table(kind)
        var events: [Int: [RepairCase.Event]] = [:]
        for row in try await sql.raw(
            """
            SELECT \(unsafeRaw: key) AS case_id, at, actor, action, reason FROM \(unsafeRaw: table)
            WHERE \(sql.oneOf(key, ids)) ORDER BY \(unsafeRaw: key), seq
            """
        ).all() {
            events[try row.decode(column: "case_id", as: Int.self), default: []].append(
                RepairCase.Event(
                    at: try row.decode(column: "at", as: String.self),
                    actor: try row.decode(column: "actor", as: String?.self),
                    action: try row.decode(column: "action", as: String.self),
                    reason: try row.decode(column: "reason", as: String?.self)
                )
            )
        }
        return events
    }
}
