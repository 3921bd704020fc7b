import CreditCore
import Foundation
import SQLKit

/// The steps of a case (a repair, an objection), numbered in order in the kind's own events table
/// (`repair_events`, `objection_events`: case key, `seq`, `at`, `actor`, `action`, `reason`). Each step is a leaf of
/// the tamper-evident log (`repair-event`, `objection-event`; the case's id and the step's number), written with it.
enum CaseEvents {
    /// The log's kind of leaf for a step of a case of `kind`.
    static func logKind(_ kind: CaseKind) -> String {
        switch kind {
        case .repair: "repair-event"
        case .objection: "objection-event"
        }
    }

    /// The bytes the log hashes for a step: a JSON array of its kind, case, number and fields (no actor: "").
    static func leaf(logKind: String, id: Int, seq: Int, at: String, actor: String?, action: String, reason: String?) -> Data {
        Data(TamperEvidentLog.canonicalJSON([logKind, String(id), String(seq), at, actor ?? "", action, reason ?? ""]))
    }

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
        let leaf = leaf(logKind: logKind(kind), id: id, seq: seq + 1, at: at, actor: actor, action: action, reason: reason)
        try await WriterLock.log.take(sql)
        try await sql.insert(into: "log_entries").columns(TamperEvidentLog.logColumns)
            .values(SQLBind(logKind(kind)), SQLBind(id), SQLBind(seq + 1), SQLBind(MerkleTree.hex(MerkleTree.leafHash(leaf))), SQLBind(at))
            .run()
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
