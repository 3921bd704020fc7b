import CreditCore
import Crypto
import Foundation
import SQLKit

/// Credit records on SQLite or PostgreSQL: identity (department, category, document number), every version
/// kept and logged, publication windows and the 7-working-day clock computed when a version is stored.
public struct SQLRecordStore: RecordStore {
    let db: CreditDatabase
    let keys: PersonalDataKeys
    let clock: any CreditClock
    let catalogue: Catalogue
    let rules: PublicationRules
    let calendar: WorkingDayCalendar

    public init(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        clock: any CreditClock = SystemClock(),
        catalogue: Catalogue,
        rules: PublicationRules,
        calendar: WorkingDayCalendar
    ) {
        self.db = database
        self.keys = keys
        self.clock = clock
        self.catalogue = catalogue
        self.rules = rules
        self.calendar = calendar
    }

    public static let versionKind = "record-version"

    /// Text fields as JSON with sorted keys: a stable form to hash and to store.
    static func canonical(_ content: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(content)) ?? Data(), as: UTF8.self)
    }

    /// The canonical bytes of a record version, as the tamper-evident log hashes them. The subject is its
    /// credit code, or for a person the HMAC of the identity number (the log holds no personal data).
    public static func versionLeaf(
        department: String,
        category: String,
        documentNumber: String,
        version: Int,
        status: String,
        subject: String,
        subjectName: String,
        decidedOn: String,
        severity: String?,
        content: String,
        changeReason: String?,
        recordedAt: String
    ) -> Data {
        Data(
            TamperEvidentLog.canonicalJSON([
                versionKind, department, category, documentNumber, String(version), status, subject, subjectName, decidedOn, severity ?? "",
                content, changeReason ?? "", recordedAt,
            ])
        )
    }

    /// What decides whether a resubmission changes anything: everything but the reason and the time.
    static func contentHash(_ record: ValidRecord, subject: String) -> String {
        let payload = TamperEvidentLog.canonicalJSON([
            record.revoked ? "revoked" : "active", subject, record.subjectName, record.decidedOn.description, record.severity?.rawValue ?? "",
            canonical(record.content),
        ])
        return Hex.encode(SHA256.hash(data: Data(payload)))
    }

    public func submit(departmentCode: String, items: [SubmissionItem], source: String) async throws -> [SubmissionResult] {
        let context = StoreContext(
            receivedAt: Timestamp.string(clock.now()),
            today: clock.today(),
            catalogue: catalogue,
            rules: rules,
            calendar: calendar,
            keys: keys
        )
        return try await db.transaction { sql in
            guard
                let departmentName = try await sql.select().column("name").from("departments").where("code", .equal, departmentCode).first()?
                    .decode(column: "name", as: String.self)
            else {
                throw AccountError(code: "unknown_department", message: "部门 \(departmentCode) 未登记 / department \(departmentCode) is not registered")
            }
            var results: [SubmissionResult] = []
            var seen: [String: Int] = [:]
            for item in items {
                var outcome = item.outcome
                if case .success(let record) = outcome {
                    let key = record.category + "\u{1F}" + record.documentNumber
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
                    try await Self.reject(item, problems: problems.problems, department: departmentCode, source: source, context: context, sql: sql)
                    results.append(SubmissionResult(index: item.index, status: .rejected, problems: problems.problems))
                case .success(let record):
                    results.append(
                        try await Self.store(
                            record,
                            index: item.index,
                            department: departmentCode,
                            departmentName: departmentName,
                            context: context,
                            sql: sql
                        )
                    )
                }
            }
            return results
        }
    }

    /// What every item of one batch shares.
    struct StoreContext: Sendable {
        var receivedAt: String
        var today: LocalDate
        var catalogue: Catalogue
        var rules: PublicationRules
        var calendar: WorkingDayCalendar
        var keys: PersonalDataKeys
    }

    static func reject(
        _ item: SubmissionItem,
        problems: [FieldProblem],
        department: String,
        source: String,
        context: StoreContext,
        sql: any SQLDatabase
    ) async throws {
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
                SQLBind(department),
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

    static func store(
        _ record: ValidRecord,
        index: Int,
        department: String,
        departmentName: String,
        context: StoreContext,
        sql: any SQLDatabase
    ) async throws -> SubmissionResult {
        // The subject: an entity by code (matched when registered), or a person by identity number.
        var subjectCode: String?
        var personID: Int?
        let subjectRef: String
        var matched = true
        switch record.subject {
        case .entity(let code):
            subjectCode = code.rawValue
            subjectRef = code.rawValue
            matched = try await sql.select().column("id").from("entities").where("code", .equal, code.rawValue).first() != nil
        case .person(let number):
            personID = try await SQLRegistryStore.personID(Person(idNumber: number, name: record.subjectName), keys: context.keys, sql: sql)
            subjectRef = context.keys.index(number.rawValue)
        }
        let hash = contentHash(record, subject: subjectRef)
        let existing = try await sql.raw(
            """
            SELECT r.id, r.version, r.received_at, v.content_hash FROM records r
            JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
            WHERE r.department_code = \(bind: department) AND r.category = \(bind: record.category)
            AND r.document_number = \(bind: record.documentNumber)
            """
        ).first()
        if let existing, try existing.decode(column: "content_hash", as: String.self) == hash {
            return SubmissionResult(index: index, status: .unchanged, id: try existing.decode(column: "id", as: Int.self))
        }
        guard let category = context.catalogue.category(record.category) else {
            throw AccountError(code: "unknown_category", message: "类别 \(record.category) 不在目录中 / not in the catalogue")
        }
        // The clock runs from the first receipt: a correction does not make a late record on time.
        let firstReceipt = try existing?.decode(column: "received_at", as: String.self) ?? context.receivedAt
        let receivedOn = LocalDate(shanghaiDayOf: firstReceipt) ?? context.today
        let timeliness = Timeliness(decidedOn: record.decidedOn, receivedOn: receivedOn, calendar: context.calendar)
        var publication: PublicationWindow?
        var notPublished: String?
        switch PublicationWindow.compute(
            category: category,
            severity: record.severity,
            punishmentKinds: record.punishmentKinds,
            departmentName: departmentName,
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
            ("catalogue_version", SQLBind(context.catalogue.version)),
            ("rule_set", SQLBind(publication?.ruleSet)), ("public_from", SQLBind(publication?.from.description)),
            ("earliest_end", SQLBind(publication?.earliestEnd.description)), ("public_until", SQLBind(publication?.until.description)),
            ("not_published", SQLBind(notPublished)), ("updated_at", SQLBind(context.receivedAt)),
        ]
        let id: Int
        let version: Int
        if let existing {
            id = try existing.decode(column: "id", as: Int.self)
            version = try existing.decode(column: "version", as: Int.self) + 1
            var update = sql.update("records").set("version", to: SQLBind(version))
            for (column, value) in columns { update = update.set(SQLIdentifier(column), to: value) }
            try await update.where("id", .equal, id).run()
        } else {
            version = 1
            let head: [any SQLExpression] = [
                SQLBind(department), SQLBind(record.category), SQLBind(record.documentNumber), SQLBind(1), SQLBind(context.receivedAt),
            ]
            let row = try await sql.insert(into: "records")
                .columns(["department_code", "category", "document_number", "version", "received_at"] + columns.map(\.0))
                .values(head + columns.map(\.1))
                .returning("id").first()
            id = try row!.decode(column: "id", as: Int.self)
        }
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
            )
            .values(
                SQLBind(id),
                SQLBind(version),
                SQLBind(status),
                SQLBind(subjectCode),
                SQLBind(personID),
                SQLBind(record.subjectName),
                SQLBind(record.decidedOn.description),
                SQLBind(record.severity?.rawValue),
                SQLBind(content),
                SQLBind(hash),
                SQLBind(record.changeReason),
                SQLBind(context.receivedAt)
            ).run()
        let leaf = versionLeaf(
            department: department,
            category: record.category,
            documentNumber: record.documentNumber,
            version: version,
            status: status,
            subject: subjectRef,
            subjectName: record.subjectName,
            decidedOn: record.decidedOn.description,
            severity: record.severity?.rawValue,
            content: content,
            changeReason: record.changeReason,
            recordedAt: context.receivedAt
        )
        try await sql.insert(into: "log_entries").columns("kind", "subject_id", "version", "leaf_hash", "recorded_at")
            .values(
                SQLBind(versionKind),
                SQLBind(id),
                SQLBind(version),
                SQLBind(MerkleTree.hex(MerkleTree.leafHash(leaf))),
                SQLBind(context.receivedAt)
            )
            .run()
        return SubmissionResult(index: index, status: existing == nil ? .accepted : .updated, id: id)
    }

    static let recordColumns = """
        r.id, r.department_code, d.name AS department_name, r.category, r.document_number, r.version, r.status, r.subject_code,
        p.id_number_masked, r.subject_name, r.matched, r.decided_on, r.received_at, r.due_by, r.late, r.delay_working_days, r.severity,
        r.content, r.catalogue_version, r.rule_set, r.public_from, r.earliest_end, r.public_until, r.not_published
        """

    static func decodeContent(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    static func record(_ row: any SQLRow) throws -> StoredRecord {
        var publication: PublicationWindow?
        if let from = try row.decode(column: "public_from", as: String?.self).flatMap({ LocalDate($0) }),
            let earliest = try row.decode(column: "earliest_end", as: String?.self).flatMap({ LocalDate($0) }),
            let until = try row.decode(column: "public_until", as: String?.self).flatMap({ LocalDate($0) })
        {
            publication = PublicationWindow(
                ruleSet: try row.decode(column: "rule_set", as: String?.self),
                from: from,
                earliestEnd: earliest,
                until: until
            )
        }
        return StoredRecord(
            id: try row.decode(column: "id", as: Int.self),
            departmentCode: try row.decode(column: "department_code", as: String.self),
            departmentName: try row.decode(column: "department_name", as: String.self),
            category: try row.decode(column: "category", as: String.self),
            documentNumber: try row.decode(column: "document_number", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            status: try row.decode(column: "status", as: String.self),
            subjectCode: try row.decode(column: "subject_code", as: String?.self),
            subjectIDMasked: try row.decode(column: "id_number_masked", as: String?.self),
            subjectName: try row.decode(column: "subject_name", as: String.self),
            matched: try row.decode(column: "matched", as: Int.self) == 1,
            decidedOn: LocalDate(try row.decode(column: "decided_on", as: String.self))!,
            receivedAt: try row.decode(column: "received_at", as: String.self),
            timeliness: Timeliness(
                dueBy: LocalDate(try row.decode(column: "due_by", as: String.self))!,
                late: try row.decode(column: "late", as: Int.self) == 1,
                delayWorkingDays: try row.decode(column: "delay_working_days", as: Int.self)
            ),
            severity: try row.decode(column: "severity", as: String?.self).flatMap(Severity.init(rawValue:)),
            content: try decodeContent(try row.decode(column: "content", as: String.self)),
            catalogueVersion: try row.decode(column: "catalogue_version", as: String.self),
            publication: publication,
            notPublished: try row.decode(column: "not_published", as: String?.self)
        )
    }

    public func fetchRecord(id: Int) async throws -> StoredRecord? {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE r.id = \(bind: id)
                """
            ).first().map(Self.record)
        }
    }

    public func fetchVersions(recordID: Int) async throws -> [RecordVersion] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT version, status, subject_name, decided_on, content, change_reason, recorded_at FROM record_versions
                WHERE record_id = \(bind: recordID) ORDER BY version
                """
            ).all().map { row in
                RecordVersion(
                    version: try row.decode(column: "version", as: Int.self),
                    status: try row.decode(column: "status", as: String.self),
                    subjectName: try row.decode(column: "subject_name", as: String.self),
                    decidedOn: LocalDate(try row.decode(column: "decided_on", as: String.self))!,
                    content: try Self.decodeContent(try row.decode(column: "content", as: String.self)),
                    changeReason: try row.decode(column: "change_reason", as: String?.self),
                    recordedAt: try row.decode(column: "recorded_at", as: String.self)
                )
            }
        }
    }

    public func publicRecords(subjectCode: String, on day: LocalDate) async throws -> [StoredRecord] {
        let d = day.description
        return try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id
                WHERE r.subject_code = \(bind: subjectCode) AND r.status = 'active' AND r.public_from <= \(bind: d)
                AND r.public_until >= \(bind: d)
                ORDER BY r.decided_on DESC, r.id DESC
                """
            ).all().map(Self.record)
        }
    }

    public func rejections(departmentCode: String, limit: Int) async throws -> [Rejection] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT id, received_at, source, position, category, document_number, original, problems, fields FROM rejections
                WHERE department_code = \(bind: departmentCode) AND resolved_at IS NULL ORDER BY id LIMIT \(bind: limit)
                """
            ).all().map { row in
                Rejection(
                    id: try row.decode(column: "id", as: Int.self),
                    receivedAt: try row.decode(column: "received_at", as: String.self),
                    source: try row.decode(column: "source", as: String.self),
                    position: try row.decode(column: "position", as: Int.self),
                    category: try row.decode(column: "category", as: String?.self),
                    documentNumber: try row.decode(column: "document_number", as: String?.self),
                    original: try row.decode(column: "original", as: String.self),
                    problems: try JSONDecoder().decode([FieldProblem].self, from: Data(try row.decode(column: "problems", as: String.self).utf8)),
                    fields: try row.decode(column: "fields", as: String?.self).map(Self.decodeContent) ?? [:]
                )
            }
        }
    }

    public func resolveRejection(id: Int, departmentCode: String) async throws -> Bool {
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            try await sql.update("rejections").set("resolved_at", to: SQLBind(now)).where("id", .equal, id)
                .where("department_code", .equal, departmentCode).where("resolved_at", .is, SQLLiteral.null).returning("id").first() != nil
        }
    }

    public func timeliness(departmentCode: String?, from: LocalDate, to: LocalDate) async throws -> [TimelinessRow] {
        let filter: SQLQueryString = departmentCode.map { " AND r.department_code = \(bind: $0)" } ?? ""
        return try await db.read { sql in
            try await sql.raw(
                """
                SELECT r.department_code, d.name, r.category, COUNT(*) AS n, SUM(r.late) AS late, SUM(r.delay_working_days) AS delay
                FROM records r JOIN departments d ON d.code = r.department_code
                WHERE r.decided_on >= \(bind: from.description) AND r.decided_on <= \(bind: to.description)
                """ + filter + " GROUP BY r.department_code, d.name, r.category ORDER BY r.department_code, r.category"
            ).all().map { row in
                TimelinessRow(
                    departmentCode: try row.decode(column: "department_code", as: String.self),
                    departmentName: try row.decode(column: "name", as: String.self),
                    category: try row.decode(column: "category", as: String.self),
                    records: try row.decode(column: "n", as: Int.self),
                    late: try row.decode(column: "late", as: Int.self),
                    delayWorkingDays: try row.decode(column: "delay", as: Int.self)
                )
            }
        }
    }

    /// The WHERE clause of a public search on a day.
    static func publicFilter(_ query: PublicRecordQuery, on day: LocalDate) -> SQLQueryString {
        let d = day.description
        var clause: SQLQueryString = "r.status = 'active' AND r.public_from <= \(bind: d) AND r.public_until >= \(bind: d)"
        if let category = query.category { clause = clause + " AND r.category = \(bind: category)" }
        if let department = query.departmentCode { clause = clause + " AND r.department_code = \(bind: department)" }
        if let from = query.from { clause = clause + " AND r.decided_on >= \(bind: from.description)" }
        if let to = query.to { clause = clause + " AND r.decided_on <= \(bind: to.description)" }
        return clause
    }

    public func searchPublic(_ query: PublicRecordQuery, on day: LocalDate, page: Int, size: Int) async throws -> (items: [StoredRecord], total: Int)
    {
        let filter = Self.publicFilter(query, on: day)
        return try await db.read { sql in
            let total =
                try await sql.raw("SELECT COUNT(*) AS n FROM (SELECT 1 FROM records r WHERE " + filter + " LIMIT 10000) AS c").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let items = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE
                """ + " " + filter + " ORDER BY r.decided_on DESC, r.id DESC LIMIT \(bind: size) OFFSET \(bind: (page - 1) * size)"
            ).all().map(Self.record)
            return (items, total)
        }
    }

    public func publicRecords(_ query: PublicRecordQuery, on day: LocalDate, after id: Int, limit: Int) async throws -> [StoredRecord] {
        let filter = Self.publicFilter(query, on: day)
        return try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE
                """ + " " + filter + " AND r.id > \(bind: id) ORDER BY r.id LIMIT \(bind: limit)"
            ).all().map(Self.record)
        }
    }

    public func unmatched(limit: Int) async throws -> [StoredRecord] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE r.matched = 0 ORDER BY r.id LIMIT \(bind: limit)
                """
            ).all().map(Self.record)
        }
    }
}
