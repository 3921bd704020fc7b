import CreditCore
import Crypto
import Foundation
import SQLKit

/// Repair cases on SQLite or PostgreSQL: reads what ``RepairPlan`` needs, writes what it decided. An approval ends the
/// records' publication and the listings (as their new versions) in the case's own transaction.
public struct SQLRepairStore: RepairStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let calendars: CalendarSource
    let publication: PublicationRules
    let repairRules: RepairRules
    let listTypes: any ListTypeStore

    public init(
        database: CreditDatabase,
        clock: any CreditClock,
        calendars: CalendarSource,
        publication: PublicationRules,
        repairRules: RepairRules = .shipped,
        listTypes: any ListTypeStore
    ) {
        self.db = database
        self.clock = clock
        self.calendars = calendars
        self.publication = publication
        self.repairRules = repairRules
        self.listTypes = listTypes
    }

    /// What an application reads: its records and listings, the open cases of those items, the entity's name.
    struct Snapshot {
        var records: [Int: StoredRecord] = [:]
        var listings: [Int: Listing] = [:]
        /// The open case of each item, keyed `kind:id` as ``RepairPlan/accept`` reads them.
        var open: [String: Int] = [:]
        var entityName: String?
    }

    public func apply(entityCode: String, _ application: RepairApplication, by: String?) async throws -> RepairCase {
        let named = try application.parsed()
        let materials = try MaterialUpload.checked(application.materials ?? [], already: 0, limits: repairRules.materialLimits)
        let today = clock.today()
        let types = try await listTypes.versions().inForce(on: today)
        let snapshot = try await db.read { sql in try await Self.snapshot(named, entityCode: entityCode, sql: sql) }
        // Records first, then listings, each in the order named.
        var items: [RepairItem] = []
        for id in named[.record] ?? [] {
            guard let record = snapshot.records[id] else { throw Self.notFound("记录", "record", id) }
            items.append(
                .record(
                    RepairRecord(
                        id: id,
                        subjectCode: record.subjectCode,
                        departmentCode: record.departmentCode,
                        departmentName: record.departmentName,
                        documentNumber: record.documentNumber,
                        punishmentKinds: RecordValidator.punishmentKinds(record.content["punishmentKinds"]),
                        status: record.status,
                        window: record.publication
                    )
                )
            )
        }
        for id in named[.listing] ?? [] {
            guard let listing = snapshot.listings[id], let type = types.type(listing.list) else { throw Self.notFound("列入", "listing", id) }
            items.append(.listing(listing, type: type))
        }
        let accepted = try RepairPlan.accept(
            items,
            applicant: entityCode,
            entityName: snapshot.entityName ?? entityCode,
            commitmentAccepted: application.commitment?.accepted == true,
            openCases: snapshot.open,
            today: today,
            rules: repairRules,
            publication: publication,
            calendar: calendars.current
        )
        let (department, commitment, dueBy) = (accepted.departmentCode, accepted.commitment, accepted.dueBy)
        let hash = Hex.encode(SHA256.hash(data: Data(commitment.utf8)))
        let now = Timestamp.string(clock.now())
        let id: Int
        let chosen = accepted.items
        do {
            id = try await db.transaction { sql in
                let row = try await sql.insert(into: "repair_cases")
                    .columns(
                        "entity_code",
                        "department_code",
                        "status",
                        "accepted_on",
                        "due_by",
                        "commitment",
                        "commitment_hash",
                        "rules_version",
                        "created_at",
                        "updated_at"
                    )
                    .values(
                        SQLBind(entityCode),
                        SQLBind(department),
                        SQLBind(RepairCase.Status.accepted.rawValue),
                        SQLBind(today.description),
                        SQLBind(dueBy.description),
                        SQLBind(commitment),
                        SQLBind(hash),
                        SQLBind(repairRules.version),
                        SQLBind(now),
                        SQLBind(now)
                    )
                    .returning("id").first()
                let id = try row!.decode(column: "id", as: Int.self)
                for item in chosen {
                    try await sql.insert(into: "repair_items").columns("case_id", "kind", "item_id", "first_eligible_day", "open")
                        .values(SQLBind(id), SQLBind(item.kind.rawValue), SQLBind(item.id), SQLBind(item.firstEligibleDay.description), SQLBind(1))
                        .run()
                }
                try await CaseEvents.append(
                    .repair,
                    id: id,
                    at: now,
                    actor: by,
                    action: "申请并受理 / applied and accepted",
                    reason: nil,
                    sql: sql
                )
                try await CaseMaterials.append(materials, kind: .repair, id: id, at: now, by: by, sql: sql)
                return id
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            // Another application for one of these items was accepted a moment before.
            throw RepairError(code: "repair_case_open", message: "该事项已有办理中的修复申请 / a repair case for this item is already open")
        }
        guard let stored = try await repairCase(id: id) else { throw Self.notFound("修复申请", "repair", id) }
        return stored
    }

    public func decide(id: Int, _ decision: RepairDecision, departmentCode: String, by: String?) async throws -> RepairCase {
        let today = clock.today()
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            let current = try await Self.current(id, sql: sql)
            let reason = try RepairPlan.decision(decision, on: current, departmentCode: departmentCode)
            if decision.outcome == .approved {
                for item in current.items {
                    if item.kind == .listing {
                        _ = try await SQLListingStore.end(
                            id: item.id,
                            ListingPlan.Ending(outcome: .removed, reason: "信用修复（修复申请 \(id)）：\(reason)", on: today),
                            departmentCode: departmentCode,
                            by: by,
                            today: today,
                            now: now,
                            sql: sql
                        )
                    } else {
                        // Public through yesterday: from today on, no public surface shows it.
                        try await SQLRecordStore.endPublication(recordID: item.id, today: today, now: now, sql: sql)
                        try await sql.raw(
                            "UPDATE records SET repaired_on = \(bind: today.description), repair_case_id = \(bind: id) WHERE id = \(bind: item.id)"
                        ).run()
                    }
                }
            }
            try await sql.update("repair_cases").set("status", to: SQLBind(decision.outcome == .approved ? "approved" : "rejected"))
                .set("decided_on", to: SQLBind(today.description)).set("reason", to: SQLBind(reason)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).run()
            try await sql.update("repair_items").set("open", to: SQLBind(0)).where("case_id", .equal, SQLBind(id)).run()
            let action = decision.outcome == .approved ? "准予修复 / approved" : "不予修复 / rejected"
            try await CaseEvents.append(.repair, id: id, at: now, actor: by, action: action, reason: reason, sql: sql)
        }
        guard let stored = try await repairCase(id: id) else { throw Self.notFound("修复申请", "repair", id) }
        return stored
    }

    public func step(id: Int, _ step: RepairStep, actor: CaseActor, by: String?) async throws -> RepairCase {
        let today = clock.today()
        let now = Timestamp.string(clock.now())
        do {
            try await db.transaction { sql in
                let current = try await Self.current(id, sql: sql)
                let next = try RepairPlan.step(step, on: current, actor: actor, today: today, rules: repairRules, calendar: calendars.current)
                var update = sql.update("repair_cases").set("status", to: SQLBind(next.status.rawValue))
                    .set("due_by", to: SQLBind(next.dueBy.description)).set("extension_approved_by", to: SQLBind(next.extensionApprovedBy))
                    .set("material_requested", to: SQLBind(next.materialRequested ? 1 : 0)).set("reviewed", to: SQLBind(next.reviewed ? 1 : 0))
                    .set("updated_at", to: SQLBind(now))
                if next.reviewed != current.reviewed {
                    // Under review the case is undecided again; the timeline keeps the first answer.
                    update = update.set("decided_on", to: SQLBind(String?.none)).set("reason", to: SQLBind(String?.none))
                }
                try await update.where("id", .equal, SQLBind(id)).run()
                if let open = next.itemsOpen {
                    try await sql.update("repair_items").set("open", to: SQLBind(open ? 1 : 0)).where("case_id", .equal, SQLBind(id)).run()
                }
                try await CaseMaterials.append(next.materials, kind: .repair, id: id, at: now, by: by, sql: sql)
                try await CaseEvents.append(
                    .repair,
                    id: id,
                    at: now,
                    actor: by,
                    action: next.action,
                    reason: next.reason,
                    sql: sql
                )
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw RepairError(code: "repair_case_open", message: "该事项已有办理中的修复申请 / a repair case for this item is already open")
        }
        guard let stored = try await repairCase(id: id) else { throw Self.notFound("修复申请", "repair", id) }
        return stored
    }

    public func material(caseID: Int, number: Int) async throws -> (CaseMaterial, Data)? {
        try await db.read { sql in try await CaseMaterials.read(.repair, id: caseID, number: number, sql: sql) }
    }

    public func repairCase(id: Int) async throws -> RepairCase? {
        try await db.read { sql in try await Self.cases(where: "id = \(bind: id)", limit: 1, sql: sql).first }
    }

    public func cases(entityCode: String?, departmentCode: String?, limit: Int) async throws -> [RepairCase] {
        try await db.read { sql in
            let filter: SQLQueryString =
                if let entityCode { "entity_code = \(bind: entityCode)" } else if let departmentCode {
                    "department_code = \(bind: departmentCode)"
                } else { "1 = 1" }
            return try await Self.cases(where: filter, limit: limit, sql: sql)
        }
    }

    /// The case `id` as it stands in `sql`'s transaction, or `repair_not_found`.
    static func current(_ id: Int, sql: any SQLDatabase) async throws -> RepairCase {
        guard let found = try await cases(where: "id = \(bind: id)", limit: 1, sql: sql).first else {
            throw RepairError(code: "repair_not_found", message: "没有编号为 \(id) 的修复申请 / no repair case \(id)")
        }
        return found
    }

    /// The cases `filter` selects, newest first (at most 500), with their items, steps and materials read in one query
    /// each for all of them.
    static func cases(where filter: SQLQueryString, limit: Int, sql: any SQLDatabase) async throws -> [RepairCase] {
        let rows = try await sql.raw(
            """
            SELECT id, entity_code, department_code, status, accepted_on, due_by, commitment, commitment_hash, rules_version, decided_on,
            reason, extension_approved_by, material_requested, reviewed FROM repair_cases WHERE \(filter)
            ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
            """
        ).all()
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        guard !ids.isEmpty else { return [] }
        var items: [Int: [RepairCase.Item]] = [:]
        for item in try await sql.raw(
            "SELECT case_id, kind, item_id, first_eligible_day FROM repair_items WHERE \(sql.oneOf("case_id", ids)) ORDER BY case_id, kind, item_id"
        ).all() {
            items[try item.decode(column: "case_id", as: Int.self), default: []].append(
                RepairCase.Item(
                    kind: RepairCase.Item.Kind(rawValue: try item.decode(column: "kind", as: String.self)) ?? .record,
                    id: try item.decode(column: "item_id", as: Int.self),
                    firstEligibleDay: LocalDate(try item.decode(column: "first_eligible_day", as: String.self))!
                )
            )
        }
        let events = try await CaseEvents.read(.repair, ids: ids, sql: sql)
        let materials = try await CaseMaterials.list(.repair, ids: ids, sql: sql)
        return try zip(rows, ids).map { row, id in
            func day(_ column: String) throws -> LocalDate? { try row.decode(column: column, as: String?.self).flatMap { LocalDate($0) } }
            return RepairCase(
                id: id,
                entityCode: try row.decode(column: "entity_code", as: String.self),
                departmentCode: try row.decode(column: "department_code", as: String.self),
                items: items[id] ?? [],
                status: RepairCase.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .accepted,
                acceptedOn: try day("accepted_on")!,
                dueBy: try day("due_by")!,
                commitment: try row.decode(column: "commitment", as: String.self),
                commitmentHash: try row.decode(column: "commitment_hash", as: String.self),
                rulesVersion: try row.decode(column: "rules_version", as: String.self),
                decidedOn: try day("decided_on"),
                reason: try row.decode(column: "reason", as: String?.self),
                extensionApprovedBy: try row.decode(column: "extension_approved_by", as: String?.self),
                materialRequested: try row.decode(column: "material_requested", as: Int.self) == 1,
                reviewed: try row.decode(column: "reviewed", as: Int.self) == 1,
                materials: materials[id] ?? [],
                events: events[id] ?? []
            )
        }
    }

    static func snapshot(_ named: [RepairCase.Item.Kind: [Int]], entityCode: String, sql: any SQLDatabase) async throws -> Snapshot {
        var snapshot = Snapshot()
        for id in named[.record] ?? [] {
            snapshot.records[id] = try await sql.raw(
                """
                SELECT \(unsafeRaw: SQLRecordStore.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE r.id = \(bind: id)
                """
            ).first().map(SQLRecordStore.record)
        }
        for id in named[.listing] ?? [] {
            snapshot.listings[id] = try await sql.raw("SELECT \(unsafeRaw: SQLListingStore.columns) FROM listings WHERE id = \(bind: id)").first()
                .map(SQLListingStore.listing)
        }
        for (kind, ids) in named {
            for id in ids {
                if let row = try await sql.raw(
                    "SELECT case_id FROM repair_items WHERE kind = \(bind: kind.rawValue) AND item_id = \(bind: id) AND open = 1"
                ).first() {
                    snapshot.open["\(kind.rawValue):\(id)"] = try row.decode(column: "case_id", as: Int.self)
                }
            }
        }
        snapshot.entityName = try await sql.raw("SELECT name FROM entities WHERE code = \(bind: entityCode)").first()?
            .decode(column: "name", as: String.self)
        return snapshot
    }

    static func notFound(_ zh: String, _ en: String, _ id: Int) -> RepairError {
        RepairError(code: "item_not_found", message: "没有编号为 \(id) 的\(zh) / no \(en) \(id)")
    }
}
