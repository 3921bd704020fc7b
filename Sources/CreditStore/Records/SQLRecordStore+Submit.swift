import CreditCore
import Foundation
import SQLKit

/// Storing a batch: a few statements per batch rather than several per record. Existing records and known
/// credit codes are read with one query each, new records, versions and log entries are written with
/// multi-row INSERTs; only corrections of existing records are updated one by one.
extension SQLRecordStore {
    /// What every item of one batch shares.
    struct StoreContext: Sendable {
        var department: String
        var departmentName: String
        var receivedAt: String
        var today: LocalDate
        var catalogue: Catalogue
        var rules: PublicationRules
        var calendar: WorkingDayCalendar
        var keys: PersonalDataKeys
    }

    /// A record of the batch, ready to be written.
    struct Planned {
        var position: Int
        var index: Int
        var record: ValidRecord
        var subjectCode: String?
        var personID: Int?
        var subjectRef: String
        var matched: Bool
        var hash: String
        var columns: [(String, any SQLExpression)]
        var status: String
        var content: String
        var existing: Existing?
    }

    struct Existing {
        var id: Int
        var version: Int
        var receivedAt: String
        var hash: String
        /// The file import and line that last stored it, if any.
        var importID: String?
        var importPosition: Int?
    }

    static func key(_ category: String, _ documentNumber: String) -> String { category + "\u{1F}" + documentNumber }

    public func submit(departmentCode: String, items: [SubmissionItem], source: String) async throws -> [SubmissionResult] {
        try await submit(departmentCode: departmentCode, items: items, source: source, importID: nil)
    }

    public func submit(departmentCode: String, items: [SubmissionItem], source: String, importID: String?) async throws -> [SubmissionResult] {
        let receivedAt = Timestamp.string(clock.now())
        let today = clock.today()
        let (catalogue, rules, calendar, keys) = (self.catalogue, self.rules, self.calendar, self.keys)
        return try await db.transaction { sql in
            guard
                let departmentName = try await sql.select().column("name").from("departments").where("code", .equal, departmentCode).first()?
                    .decode(column: "name", as: String.self)
            else {
                throw AccountError(code: "unknown_department", message: "部门 \(departmentCode) 未登记 / department \(departmentCode) is not registered")
            }
            let context = StoreContext(
                department: departmentCode,
                departmentName: departmentName,
                receivedAt: receivedAt,
                today: today,
                catalogue: catalogue,
                rules: rules,
                calendar: calendar,
                keys: keys
            )
            var results = [SubmissionResult?](repeating: nil, count: items.count)
            var valid: [(position: Int, item: SubmissionItem, record: ValidRecord)] = []
            var seen: [String: Int] = [:]
            for (position, item) in items.enumerated() {
                var outcome = item.outcome
                if case .success(let record) = outcome {
                    let key = Self.key(record.category, record.documentNumber)
                    if let first = seen[key] {
                        outcome = .failure(
                            RecordProblems([
                                FieldProblem(
                                    field: "documentNumber",
                                    value: record.documentNumber,
                                    code: "duplicate_in_batch",
                                    message: "文号与本批第 \(first + 1) 条重复 / the same document number as item \(first + 1) of this batch"
                                )
                            ])
                        )
                    } else {
                        seen[key] = item.index
                    }
                }
                switch outcome {
                case .failure(let problems):
                    try await Self.reject(item, problems: problems.problems, source: source, context: context, sql: sql)
                    results[position] = SubmissionResult(index: item.index, status: .rejected, problems: problems.problems)
                case .success(let record):
                    valid.append((position, item, record))
                }
            }
            let existing = try await Self.existing(valid.map(\.record), department: departmentCode, sql: sql)
            let known = try await Self.knownCodes(
                Set(valid.compactMap { if case .entity(let code) = $0.record.subject { code.rawValue } else { nil } }),
                sql: sql
            )
            var fresh: [Planned] = []
            var versions: [[any SQLExpression]] = []
            var log: [[any SQLExpression]] = []
            for (position, item, record) in valid {
                if let importID, let earlier = existing[Self.key(record.category, record.documentNumber)], earlier.importID == importID {
                    let problems = [
                        FieldProblem(
                            field: "documentNumber",
                            value: record.documentNumber,
                            code: "duplicate_in_file",
                            message:
                                "文号与第 \(earlier.importPosition ?? 0) 行重复 / the same document number as line \(earlier.importPosition ?? 0)"
                        )
                    ]
                    try await Self.reject(item, problems: problems, source: source, context: context, sql: sql)
                    results[position] = SubmissionResult(index: item.index, status: .rejected, problems: problems)
                    continue
                }
                var planned = try await Self.plan(
                    record,
                    position: position,
                    index: item.index,
                    known: known,
                    existing: existing,
                    context: context,
                    sql: sql
                )
                planned.columns += [("import_id", SQLBind(importID)), ("import_position", SQLBind(importID == nil ? nil : item.index))]
                if let found = planned.existing, found.hash == planned.hash {
                    results[position] = SubmissionResult(index: item.index, status: .unchanged, id: found.id)
                    continue
                }
                if let found = planned.existing {
                    // A correction or revocation: a new version of a record already stored.
                    var update = sql.update("records").set("version", to: SQLBind(found.version + 1))
                    for (column, value) in planned.columns { update = update.set(SQLIdentifier(column), to: value) }
                    try await update.where("id", .equal, found.id).run()
                    versions.append(Self.versionRow(planned, id: found.id, version: found.version + 1, context: context))
                    log.append(Self.logRow(planned, id: found.id, version: found.version + 1, context: context))
                    results[position] = SubmissionResult(index: item.index, status: .updated, id: found.id)
                } else {
                    planned.existing = nil
                    fresh.append(planned)
                }
            }
            // New records, many rows per statement; their ids come back with their keys.
            var ids: [String: Int] = [:]
            for chunk in fresh.chunked(by: 800) {
                let head = ["department_code", "category", "document_number", "version", "received_at"]
                let rows: [[any SQLExpression]] = chunk.map { p in
                    [SQLBind(departmentCode), SQLBind(p.record.category), SQLBind(p.record.documentNumber), SQLBind(1), SQLBind(receivedAt)]
                        + p.columns.map(\.1)
                }
                let returned = try await sql.insert(into: "records").columns(head + chunk.first!.columns.map(\.0)).rows(rows)
                    .returning("id", "category", "document_number").all()
                for row in returned {
                    let key = Self.key(
                        try row.decode(column: "category", as: String.self),
                        try row.decode(column: "document_number", as: String.self)
                    )
                    ids[key] = try row.decode(column: "id", as: Int.self)
                }
            }
            for p in fresh {
                guard let id = ids[Self.key(p.record.category, p.record.documentNumber)] else {
                    throw AccountError(code: "internal", message: "新记录没有取得编号 / a new record got no id")
                }
                versions.append(Self.versionRow(p, id: id, version: 1, context: context))
                log.append(Self.logRow(p, id: id, version: 1, context: context))
                results[p.position] = SubmissionResult(index: p.index, status: .accepted, id: id)
            }
            for chunk in versions.chunked(by: 2_000) {
                try await sql.insert(into: "record_versions")
                    .columns(
                        "record_id",
                        "version",
                        "status",
                        "subject_code",
                        "subject_person_id",
                        "subject_name",
                        "decided_on",
                        "severity",
                        "content",
                        "content_hash",
                        "change_reason",
                        "recorded_at"
                    ).rows(chunk).run()
            }
            for chunk in log.chunked(by: 5_000) {
                try await sql.insert(into: "log_entries").columns("kind", "subject_id", "version", "leaf_hash", "recorded_at").rows(chunk).run()
            }
            return results.compactMap { $0 }
        }
    }

    /// The current version of the batch's records that are already stored, by (category, document number).
    static func existing(_ records: [ValidRecord], department: String, sql: any SQLDatabase) async throws -> [String: Existing] {
        var found: [String: Existing] = [:]
        // By category too, so that the unique index (department, category, document number) answers each lookup.
        let byCategory = Dictionary(grouping: records, by: \.category).mapValues { Array(Set($0.map(\.documentNumber))) }
        for (category, numbers) in byCategory {
            for chunk in numbers.chunked(by: 500) {
                let rows = try await sql.raw(
                    """
                    SELECT r.id, r.category, r.document_number, r.version, r.received_at, r.import_id, r.import_position, v.content_hash
                    FROM records r
                    JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
                    WHERE r.department_code = \(bind: department) AND r.category = \(bind: category)
                    AND r.document_number IN \(SQLBind.group(Array(chunk)))
                    """
                ).all()
                for row in rows {
                    found[key(try row.decode(column: "category", as: String.self), try row.decode(column: "document_number", as: String.self))] =
                        Existing(
                            id: try row.decode(column: "id", as: Int.self),
                            version: try row.decode(column: "version", as: Int.self),
                            receivedAt: try row.decode(column: "received_at", as: String.self),
                            hash: try row.decode(column: "content_hash", as: String.self),
                            importID: try row.decode(column: "import_id", as: String?.self),
                            importPosition: try row.decode(column: "import_position", as: Int?.self)
                        )
                }
            }
        }
        return found
    }

    /// Which of these credit codes the registry knows.
    static func knownCodes(_ codes: Set<String>, sql: any SQLDatabase) async throws -> Set<String> {
        var known = Set<String>()
        for chunk in Array(codes).chunked(by: 500) {
            for row in try await sql.select().column("code").from("entities").where("code", .in, SQLBind.group(Array(chunk))).all() {
                known.insert(try row.decode(column: "code", as: String.self))
            }
        }
        return known
    }

    /// Works out a record's subject, content hash, clock and window.
    static func plan(
        _ record: ValidRecord,
        position: Int,
        index: Int,
        known: Set<String>,
        existing: [String: Existing],
        context: StoreContext,
        sql: any SQLDatabase
    ) async throws -> Planned {
        var subjectCode: String?
        var personID: Int?
        let subjectRef: String
        var matched = true
        switch record.subject {
        case .entity(let code):
            subjectCode = code.rawValue
            subjectRef = code.rawValue
            matched = known.contains(code.rawValue)
        case .person(let number):
            personID = try await SQLRegistryStore.personID(Person(idNumber: number, name: record.subjectName), keys: context.keys, sql: sql)
            subjectRef = context.keys.index(number.rawValue)
        }
        let hash = contentHash(record, subject: subjectRef)
        let found = existing[key(record.category, record.documentNumber)]
        guard let category = context.catalogue.category(record.category) else {
            throw AccountError(code: "unknown_category", message: "类别 \(record.category) 不在目录中 / not in the catalogue")
        }
        // The clock runs from the first receipt: a correction does not make a late record on time.
        let receivedOn = LocalDate(shanghaiDayOf: found?.receivedAt ?? context.receivedAt) ?? context.today
        let timeliness = Timeliness(decidedOn: record.decidedOn, receivedOn: receivedOn, calendar: context.calendar)
        var publication: PublicationWindow?
        var notPublished: String?
        switch PublicationWindow.compute(
            category: category,
            severity: record.severity,
            punishmentKinds: record.punishmentKinds,
            departmentName: context.departmentName,
            decidedOn: record.decidedOn,
            receivedOn: receivedOn,
            rules: context.rules
        ) {
        case .success(let window): publication = window
        case .failure(let reason): notPublished = reason.rawValue
        }
        if record.revoked {
            // A revoked decision leaves the public view at once.
            publication = nil
            notPublished = "revoked"
        }
        let status = record.revoked ? "revoked" : "active"
        let content = canonical(record.content)
        let columns: [(String, any SQLExpression)] = [
            ("status", SQLBind(status)), ("subject_code", SQLBind(subjectCode)), ("subject_person_id", SQLBind(personID)),
            ("subject_name", SQLBind(record.subjectName)), ("matched", SQLBind(matched ? 1 : 0)),
            ("decided_on", SQLBind(record.decidedOn.description)), ("due_by", SQLBind(timeliness.dueBy.description)),
            ("late", SQLBind(timeliness.late ? 1 : 0)), ("delay_working_days", SQLBind(timeliness.delayWorkingDays)),
            ("severity", SQLBind(record.severity?.rawValue)), ("content", SQLBind(content)),
            ("catalogue_version", SQLBind(context.catalogue.version)), ("rule_set", SQLBind(publication?.ruleSet)),
            ("public_from", SQLBind(publication?.from.description)), ("earliest_end", SQLBind(publication?.earliestEnd.description)),
            ("public_until", SQLBind(publication?.until.description)), ("not_published", SQLBind(notPublished)),
            ("updated_at", SQLBind(context.receivedAt)),
        ]
        return Planned(
            position: position,
            index: index,
            record: record,
            subjectCode: subjectCode,
            personID: personID,
            subjectRef: subjectRef,
            matched: matched,
            hash: hash,
            columns: columns,
            status: status,
            content: content,
            existing: found
        )
    }

    static func versionRow(_ p: Planned, id: Int, version: Int, context: StoreContext) -> [any SQLExpression] {
        [
            SQLBind(id), SQLBind(version), SQLBind(p.status), SQLBind(p.subjectCode), SQLBind(p.personID), SQLBind(p.record.subjectName),
            SQLBind(p.record.decidedOn.description), SQLBind(p.record.severity?.rawValue), SQLBind(p.content), SQLBind(p.hash),
            SQLBind(p.record.changeReason), SQLBind(context.receivedAt),
        ]
    }

    static func logRow(_ p: Planned, id: Int, version: Int, context: StoreContext) -> [any SQLExpression] {
        let leaf = versionLeaf(
            department: context.department,
            category: p.record.category,
            documentNumber: p.record.documentNumber,
            version: version,
            status: p.status,
            subject: p.subjectRef,
            subjectName: p.record.subjectName,
            decidedOn: p.record.decidedOn.description,
            severity: p.record.severity?.rawValue,
            content: p.content,
            changeReason: p.record.changeReason,
            recordedAt: context.receivedAt
        )
        return [
            SQLBind(versionKind), SQLBind(id), SQLBind(version), SQLBind(MerkleTree.hex(MerkleTree.leafHash(leaf))), SQLBind(context.receivedAt),
        ]
    }

    static func reject(_ item: SubmissionItem, problems: [FieldProblem], source: String, context: StoreContext, sql: any SQLDatabase) async throws {
        var category: String?
        var documentNumber: String?
        if case .success(let record) = item.outcome {
            category = record.category
            documentNumber = record.documentNumber
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let problemsText = String(decoding: try encoder.encode(problems), as: UTF8.self)
        try await sql.insert(into: "rejections")
            .columns(
                "department_code",
                "received_at",
                "source",
                "position",
                "category",
                "document_number",
                "original",
                "problems",
                "fields"
            )
            .values(
                SQLBind(context.department),
                SQLBind(context.receivedAt),
                SQLBind(source),
                SQLBind(item.index),
                SQLBind(category),
                SQLBind(documentNumber),
                SQLBind(item.original),
                SQLBind(problemsText),
                SQLBind(canonical(item.fields))
            ).run()
    }
}

extension Array {
    /// The array in consecutive pieces of at most `size` elements.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
