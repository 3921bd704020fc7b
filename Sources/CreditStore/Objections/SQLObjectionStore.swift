import CreditCore
import Foundation
import SQLKit

/// Objections on SQLite or PostgreSQL: filing marks the item under objection in the same transaction; deciding clears
/// the mark and makes the outcome take effect (a record's publication ended, an entry revoked as a new version).
public struct SQLObjectionStore: ObjectionStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let calendars: CalendarSource
    let rules: ObjectionRules

    public init(database: CreditDatabase, clock: any CreditClock, calendars: CalendarSource, rules: ObjectionRules = .shipped) {
        self.db = database
        self.clock = clock
        self.calendars = calendars
        self.rules = rules
    }

    /// Marks the item under objection (异议处理中) on every public surface, or clears the mark.
    static func mark(_ kind: RepairCase.Item.Kind, _ id: Int, _ marked: Bool, sql: any SQLDatabase) async throws {
        let table = kind == .record ? "records" : "listings"
        try await sql.raw("UPDATE \(unsafeRaw: table) SET under_objection = \(bind: marked ? 1 : 0) WHERE id = \(bind: id)").run()
    }

    /// The item as an objection needs it, read in `sql`.
    static func item(_ kind: RepairCase.Item.Kind, _ id: Int, sql: any SQLDatabase) async throws -> ObjectedItem? {
        let query: SQLQueryString =
            kind == .record
            ? "SELECT subject_code, department_code, document_number, version FROM records WHERE id = \(bind: id)"
            : "SELECT CASE WHEN subject_kind = 'entity' THEN subject_key END AS subject_code, department_code, document_number, version FROM listings WHERE id = \(bind: id)"
        guard let row = try await sql.raw(query).first() else { return nil }
        return ObjectedItem(
            kind: kind,
            id: id,
            subjectCode: try row.decode(column: "subject_code", as: String?.self),
            departmentCode: try row.decode(column: "department_code", as: String.self),
            documentNumber: try row.decode(column: "document_number", as: String.self),
            version: try row.decode(column: "version", as: Int.self)
        )
    }

    public func file(_ filing: ObjectionFiling, filerKind: Objection.FilerKind, filer: String, by: String?) async throws -> Objection {
        let (kind, itemID) = try ObjectionPlan.item(filing)
        let materials: [CheckedMaterial]
        do {
            materials = try MaterialUpload.checked(filing.materials ?? [], already: 0, limits: RepairRules.shipped.materialLimits)
        } catch {
            throw ObjectionError(code: error.code, message: error.message)
        }
        let today = clock.today()
        let now = Timestamp.string(clock.now())
        let dueBy = ObjectionPlan.dueBy(acceptedOn: today, rules: rules, calendar: calendars.current)
        let id: Int
        do {
            id = try await db.transaction { sql in
                guard let item = try await Self.item(kind, itemID, sql: sql) else {
                    throw ObjectionError(
                        code: "item_not_found",
                        message: "没有编号为 \(itemID) 的\(kind == .record ? "记录" : "列入") / no \(kind.rawValue) \(itemID)"
                    )
                }
                let open = try await sql.raw(
                    "SELECT id FROM objections WHERE item_kind = \(bind: kind.rawValue) AND item_id = \(bind: itemID) AND open = 1"
                ).first()?.decode(column: "id", as: Int.self)
                let accepted = try ObjectionPlan.acceptance(filing, item: item, filerKind: filerKind, filer: filer, openObjection: open)
                let row = try await sql.insert(into: "objections")
                    .columns(
                        "item_kind",
                        "item_id",
                        "department_code",
                        "filer_kind",
                        "filer",
                        "on_behalf_of",
                        "identity_check",
                        "grounds",
                        "status",
                        "accepted_on",
                        "due_by",
                        "open",
                        "item_version",
                        "created_at",
                        "updated_at"
                    )
                    .values(
                        SQLBind(kind.rawValue),
                        SQLBind(itemID),
                        SQLBind(item.departmentCode),
                        SQLBind(filerKind.rawValue),
                        SQLBind(filer),
                        SQLBind(accepted.onBehalfOf),
                        SQLBind(accepted.identityCheck),
                        SQLBind(accepted.grounds),
                        SQLBind(Objection.Status.accepted.rawValue),
                        SQLBind(today.description),
                        SQLBind(dueBy.description),
                        SQLBind(1),
                        SQLBind(item.version),
                        SQLBind(now),
                        SQLBind(now)
                    )
                    .returning("id").first()
                let id = try row!.decode(column: "id", as: Int.self)
                // Marked at once, in the same transaction: every public surface shows 异议处理中 from now on.
                try await Self.mark(kind, itemID, true, sql: sql)
                try await CaseEvents.append(
                    .objection,
                    id: id,
                    at: now,
                    actor: by,
                    action: "受理并标注异议处理中 / accepted and marked",
                    reason: nil,
                    sql: sql
                )
                try await CaseMaterials.append(materials, kind: .objection, id: id, at: now, by: by, sql: sql)
                return id
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw ObjectionError(code: "objection_open", message: "该信息已在异议处理中 / an objection about this item is still open")
        }
        guard let stored = try await objection(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func decide(id: Int, _ outcome: Objection.Outcome, reason: String, departmentCode: String, by: String?) async throws -> Objection {
        let today = clock.today()
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            let current = try await Self.current(id, sql: sql)
            let (kind, itemID) = (current.item, current.itemID)
            guard let item = try await Self.item(kind, itemID, sql: sql) else { throw Self.notFound(id) }
            let decided = try ObjectionPlan.decision(outcome, reason: reason, on: current, item: item, departmentCode: departmentCode, today: today)
            switch outcome {
            case .unpublished:
                try await SQLRecordStore.endPublication(recordID: itemID, today: today, now: now, sql: sql)
            case .delisted:
                _ = try await SQLListingStore.end(
                    id: itemID,
                    ListingPlan.Ending(outcome: .revoked, reason: "异议成立（异议 \(id)）：\(decided.reason)", on: today),
                    departmentCode: departmentCode,
                    by: by,
                    today: today,
                    now: now,
                    sql: sql
                )
            case .corrected, .supplemented, .upheld:
                break
            }
            try await Self.mark(kind, itemID, false, sql: sql)
            try await sql.update("objections").set("status", to: SQLBind(Objection.Status.decided.rawValue)).set(
                "outcome",
                to: SQLBind(outcome.rawValue)
            )
            .set("reason", to: SQLBind(decided.reason)).set("remedy", to: SQLBind(decided.remedy)).set("decided_on", to: SQLBind(today.description))
            .set("corrected_version", to: SQLBind(decided.correctedVersion)).set("open", to: SQLBind(0)).set("updated_at", to: SQLBind(now)).where(
                "id",
                .equal,
                SQLBind(id)
            ).run()
            try await CaseEvents.append(
                .objection,
                id: id,
                at: now,
                actor: by,
                action: "\(outcome.label) / \(outcome.rawValue)",
                reason: decided.reason,
                sql: sql
            )
        }
        guard let stored = try await objection(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func step(id: Int, _ step: ObjectionStep, departmentCode: String?, filer: String, by: String?) async throws -> Objection {
        let today = clock.today()
        let now = Timestamp.string(clock.now())
        do {
            try await db.transaction { sql in
                let current = try await Self.current(id, sql: sql)
                let next = try ObjectionPlan.step(
                    step,
                    on: current,
                    isSourceDepartment: departmentCode == current.departmentCode,
                    isFiler: filer == current.filer,
                    today: today,
                    rules: rules,
                    calendar: calendars.current
                )
                var update = sql.update("objections").set("due_by", to: SQLBind(next.dueBy.description))
                    .set("extension_approved_by", to: SQLBind(next.extensionApprovedBy)).set("reviewed", to: SQLBind(next.reviewed ? 1 : 0))
                    .set("updated_at", to: SQLBind(now))
                if next.reopened {
                    // Under review: open and marked again; the timeline keeps the first answer.
                    update = update.set("status", to: SQLBind(Objection.Status.accepted.rawValue)).set("open", to: SQLBind(1))
                        .set("outcome", to: SQLBind(String?.none)).set("reason", to: SQLBind(String?.none))
                        .set("decided_on", to: SQLBind(String?.none))
                    try await Self.mark(current.item, current.itemID, true, sql: sql)
                }
                try await update.where("id", .equal, SQLBind(id)).run()
                try await CaseEvents.append(
                    .objection,
                    id: id,
                    at: now,
                    actor: by,
                    action: next.action,
                    reason: next.reason,
                    sql: sql
                )
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw ObjectionError(code: "objection_open", message: "该信息已在异议处理中 / an objection about this item is still open")
        }
        guard let stored = try await objection(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func material(objectionID: Int, number: Int) async throws -> (CaseMaterial, Data)? {
        try await db.read { sql in try await CaseMaterials.read(.objection, id: objectionID, number: number, sql: sql) }
    }

    public func objection(id: Int) async throws -> Objection? {
        try await db.read { sql in try await Self.objections(where: "id = \(bind: id)", limit: 1, sql: sql).first }
    }

    public func objections(filer: String?, departmentCode: String?, limit: Int) async throws -> [Objection] {
        try await db.read { sql in
            let filter: SQLQueryString =
                if let filer { "filer = \(bind: filer)" } else if let departmentCode { "department_code = \(bind: departmentCode)" } else { "1 = 1" }
            return try await Self.objections(where: filter, limit: limit, sql: sql)
        }
    }

    /// The objection `id` as it stands in `sql`'s transaction, or `objection_not_found`.
    static func current(_ id: Int, sql: any SQLDatabase) async throws -> Objection {
        guard let found = try await objections(where: "id = \(bind: id)", limit: 1, sql: sql).first else { throw notFound(id) }
        return found
    }

    /// The objections `filter` selects, newest first (at most 500), with their steps and materials read in one query
    /// each for all of them.
    static func objections(where filter: SQLQueryString, limit: Int, sql: any SQLDatabase) async throws -> [Objection] {
        let rows = try await sql.raw(
            """
            SELECT id, item_kind, item_id, department_code, filer_kind, filer, on_behalf_of, identity_check, grounds, status, accepted_on,
            due_by, outcome, reason, remedy, decided_on, item_version, corrected_version, extension_approved_by, reviewed FROM objections
            WHERE \(filter)
            ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
            """
        ).all()
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        guard !ids.isEmpty else { return [] }
        let events = try await CaseEvents.read(.objection, ids: ids, sql: sql)
        let materials = try await CaseMaterials.list(.objection, ids: ids, sql: sql)
        return try zip(rows, ids).map { row, id in
            func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
            func optional(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
            return Objection(
                id: id,
                item: RepairCase.Item.Kind(rawValue: try text("item_kind")) ?? .record,
                itemID: try row.decode(column: "item_id", as: Int.self),
                departmentCode: try text("department_code"),
                filerKind: Objection.FilerKind(rawValue: try text("filer_kind")) ?? .department,
                filer: try text("filer"),
                onBehalfOf: try optional("on_behalf_of"),
                identityCheck: try optional("identity_check"),
                grounds: try text("grounds"),
                status: Objection.Status(rawValue: try text("status")) ?? .accepted,
                acceptedOn: LocalDate(try text("accepted_on"))!,
                dueBy: LocalDate(try text("due_by"))!,
                outcome: try optional("outcome").flatMap(Objection.Outcome.init(rawValue:)),
                reason: try optional("reason"),
                remedy: try optional("remedy"),
                decidedOn: try optional("decided_on").flatMap { LocalDate($0) },
                itemVersion: try row.decode(column: "item_version", as: Int?.self),
                correctedVersion: try row.decode(column: "corrected_version", as: Int?.self),
                extensionApprovedBy: try optional("extension_approved_by"),
                reviewed: try row.decode(column: "reviewed", as: Int.self) == 1,
                materials: materials[id] ?? [],
                events: events[id] ?? []
            )
        }
    }

    static func notFound(_ id: Int) -> ObjectionError {
        ObjectionError(code: "objection_not_found", message: "没有编号为 \(id) 的异议 / no objection \(id)")
    }
}
