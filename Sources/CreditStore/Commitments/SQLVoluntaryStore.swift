import CreditCore
import Foundation
import SQLKit

/// Voluntary submissions in `voluntary_submissions`, their attachments in `case_materials` (owner `voluntary`); an
/// accepted one is stored as a `voluntary` record through ``SQLRecordStore``.
public struct SQLVoluntaryStore: VoluntaryStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let catalogues: CatalogueVersions
    let records: SQLRecordStore

    public init(database: CreditDatabase, clock: any CreditClock, catalogues: CatalogueVersions, records: SQLRecordStore) {
        self.db = database
        self.clock = clock
        self.catalogues = catalogues
        self.records = records
    }

    public func submit(_ input: VoluntaryInput, subjectCode: String, by: String) async throws -> VoluntarySubmission {
        let checked = try VoluntaryPlan.checked(input)
        let materials: [CheckedMaterial]
        do {
            materials = try MaterialUpload.checked(input.materials ?? [], already: 0, limits: RepairRules.shipped.materialLimits)
        } catch {
            throw VoluntaryError(code: error.code, message: error.message)
        }
        let now = Timestamp.string(clock.now())
        let id = try await db.transaction { sql -> Int in
            guard
                let name = try await sql.raw("SELECT name FROM entities WHERE code = \(bind: subjectCode)").first()?.decode(
                    column: "name",
                    as: String.self
                )
            else {
                throw VoluntaryError(code: "subject_not_found", message: "登记中没有主体 \(subjectCode) / no registered entity \(subjectCode)")
            }
            let department = input.department ?? ""
            guard try await sql.raw("SELECT code FROM departments WHERE code = \(bind: department)").first() != nil else {
                throw VoluntaryError(
                    code: "department_not_found",
                    message: "请选择审核的主管部门（department） / name the competent department that reviews it (department)"
                )
            }
            let row = try await sql.insert(into: "voluntary_submissions")
                .columns("subject_code", "subject_name", "kind", "title", "content", "department_code", "status", "submitted_at", "submitted_by")
                .values(
                    SQLBind(subjectCode),
                    SQLBind(name),
                    SQLBind(checked.kind.rawValue),
                    SQLBind(checked.title),
                    SQLBind(checked.content),
                    SQLBind(department),
                    SQLBind(VoluntarySubmission.Status.pending.rawValue),
                    SQLBind(now),
                    SQLBind(by)
                )
                .returning("id").first()
            let id = try row!.decode(column: "id", as: Int.self)
            try await CaseMaterials.append(materials, owner: .voluntary, id: id, at: now, by: by, sql: sql)
            return id
        }
        guard let stored = try await submission(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func review(id: Int, accept: Bool, reason: String?, reviewer: String?, by: String) async throws -> VoluntarySubmission {
        guard let current = try await submission(id: id) else { throw Self.notFound(id) }
        let reason = try VoluntaryPlan.review(accept: accept, reason: reason, on: current, reviewer: reviewer)
        let today = clock.today()
        var accepted: Int?
        if accept {
            // Into the file first, through the record path: a retry after a failure below finds it, not a second one.
            let submission = VoluntaryPlan.record(current, reviewedBy: by, on: today)
            let result = try await records.submit(
                departmentCode: current.departmentCode,
                items: [
                    SubmissionItem(
                        index: 0,
                        outcome: RecordValidator.validate(submission, catalogue: catalogues.inForce(on: today), today: today),
                        original: "voluntary \(id)",
                        fields: submission.fields,
                        category: submission.category
                    )
                ],
                source: "voluntary"
            ).first
            guard let stored = result?.id else {
                throw VoluntaryError(
                    code: "record_not_stored",
                    message: "未能记入信用记录：\(result?.problems.map(\.message).joined(separator: "；") ?? "") / could not be stored"
                )
            }
            accepted = stored
        }
        let recordID = accepted
        let status = accept ? VoluntarySubmission.Status.accepted : .rejected
        // Only a pending submission is reviewed: of two reviews at once, the second finds nothing to update.
        let updated = try await db.transaction { sql in
            try await sql.raw(
                """
                UPDATE voluntary_submissions SET status = \(bind: status.rawValue), reason = \(bind: reason), reviewed_by = \(bind: by),
                reviewed_on = \(bind: today.description), record_id = \(bind: recordID) WHERE id = \(bind: id) AND status = 'pending' RETURNING id
                """
            ).all()
        }
        guard !updated.isEmpty else {
            throw VoluntaryError(code: "already_reviewed", message: "该申报已审核 / this submission was reviewed already")
        }
        guard let stored = try await submission(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func submission(id: Int) async throws -> VoluntarySubmission? {
        try await db.read { sql in try await Self.submissions(where: "id = \(bind: id)", limit: 1, sql: sql).first }
    }

    public func submissions(subjectCode: String?, departmentCode: String?, limit: Int) async throws -> [VoluntarySubmission] {
        try await db.read { sql in
            try await Self.submissions(where: .owned(subjectCode: subjectCode, departmentCode: departmentCode), limit: limit, sql: sql)
        }
    }

    public func material(id: Int, number: Int) async throws -> (CaseMaterial, Data)? {
        try await db.read { sql in try await CaseMaterials.read(owner: .voluntary, id: id, number: number, sql: sql) }
    }

    static func submissions(where filter: SQLQueryString, limit: Int, sql: any SQLDatabase) async throws -> [VoluntarySubmission] {
        let rows = try await sql.raw(
            """
            SELECT id, subject_code, subject_name, kind, title, content, department_code, status, submitted_at, submitted_by, reason,
            reviewed_by, reviewed_on, record_id FROM voluntary_submissions WHERE \(filter)
            ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
            """
        ).all()
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        let materials = try await CaseMaterials.list(owner: .voluntary, ids: ids, sql: sql)
        return try zip(rows, ids).map { row, id in
            func text(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
            func optional(_ c: String) throws -> String? { try row.decode(column: c, as: String?.self) }
            return VoluntarySubmission(
                id: id,
                subjectCode: try text("subject_code"),
                subjectName: try text("subject_name"),
                kind: VoluntarySubmission.Kind(rawValue: try text("kind")) ?? .business,
                title: try text("title"),
                content: try text("content"),
                departmentCode: try text("department_code"),
                status: VoluntarySubmission.Status(rawValue: try text("status")) ?? .pending,
                submittedAt: try text("submitted_at"),
                submittedBy: try text("submitted_by"),
                reason: try optional("reason"),
                reviewedBy: try optional("reviewed_by"),
                reviewedOn: try optional("reviewed_on").flatMap { LocalDate($0) },
                recordId: try row.decode(column: "record_id", as: Int?.self),
                materials: materials[id] ?? []
            )
        }
    }

    static func notFound(_ id: Int) -> VoluntaryError {
        VoluntaryError(code: "submission_not_found", message: "没有编号为 \(id) 的申报 / no submission \(id)")
    }
}
