import CreditCore
import SQLKit

/// The steps of a case (a repair, an objection), numbered in order in the case's own events table
/// (`repair_events`, `objection_events`: case key, `seq`, `at`, `actor`, `action`, `reason`).
enum CaseEvents {
    static func append(
        _ table: String,
        key: String,
        id: Int,
        at: String,
        actor: String?,
        action: String,
        reason: String?,
        sql: any SQLDatabase
    ) async throws {
        let seq =
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) = \(bind: id)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        try await sql.insert(into: table).columns(key, "seq", "at", "actor", "action", "reason")
            .values(SQLBind(id), SQLBind(seq + 1), SQLBind(at), SQLBind(actor), SQLBind(action), SQLBind(reason)).run()
    }

    static func read(_ table: String, key: String, id: Int, sql: any SQLDatabase) async throws -> [RepairCase.Event] {
        try await sql.raw("SELECT at, actor, action, reason FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) = \(bind: id) ORDER BY seq").all().map {
            RepairCase.Event(
                at: try $0.decode(column: "at", as: String.self),
                actor: try $0.decode(column: "actor", as: String?.self),
                action: try $0.decode(column: "action", as: String.self),
                reason: try $0.decode(column: "reason", as: String?.self)
            )
        }
    }
}
