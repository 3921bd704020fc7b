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

    /// Ends a record's publication from `today` on (public through yesterday), for a repair or an objection; the end is
    /// kept (`ended_until`) so that a later correction of the record does not make it public again.
    static func endPublication(recordID: Int, today: LocalDate, now: String, sql: any SQLDatabase) async throws {
        let yesterday = today.adding(days: -1).description
        try await sql.raw(
            """
            UPDATE records SET updated_at = \(bind: now), ended_until = \(bind: yesterday),
            public_until = CASE WHEN public_until >= \(bind: today.description) THEN \(bind: yesterday) ELSE public_until END
            WHERE id = \(bind: recordID)
            """
        ).run()
    }

    /// Keeps an early end after a new version of the record recomputed its window.
    static func keepEndedPublication(recordID: Int, sql: any SQLDatabase) async throws {
        try await sql.raw(
            "UPDATE records SET public_until = ended_until WHERE id = \(bind: recordID) AND ended_until IS NOT NULL AND public_until > ended_until"
        ).run()
    }
}
