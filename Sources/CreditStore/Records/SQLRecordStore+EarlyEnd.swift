import CreditCore
import SQLKit

/// A record's publication ended before its window's last day — by an approved repair or an objection that was right —
/// and kept so when the department later sends a new version of the record.
extension SQLRecordStore {
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
