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
    let catalogues: CatalogueVersions
    let rules: PublicationRules
    /// The working-day calendar, read once per batch (a running server replaces it when a year is loaded).
    let calendars: CalendarSource

    /// A store over one catalogue version (tests, tools).
    public init(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        clock: any CreditClock = SystemClock(),
        catalogue: Catalogue,
        rules: PublicationRules,
        calendar: WorkingDayCalendar
    ) {
        self.init(database: database, keys: keys, clock: clock, catalogues: CatalogueVersions([catalogue]), rules: rules, calendar: calendar)
    }

    /// The same store over every catalogue version the credit office has loaded: each batch is checked
    /// against the version in force on the day it arrives.
    public init(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        clock: any CreditClock = SystemClock(),
        catalogues: CatalogueVersions,
        rules: PublicationRules,
        calendar: WorkingDayCalendar
    ) {
        self.init(database: database, keys: keys, clock: clock, catalogues: catalogues, rules: rules, calendars: CalendarSource(calendar))
    }

    /// The store counting with a calendar the server may replace (``CalendarSource``).
    public init(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        clock: any CreditClock = SystemClock(),
        catalogues: CatalogueVersions,
        rules: PublicationRules,
        calendars: CalendarSource
    ) {
        self.db = database
        self.keys = keys
        self.clock = clock
        self.catalogues = catalogues
        self.rules = rules
        self.calendars = calendars
    }

    /// The catalogue in force today.
    var catalogue: Catalogue { catalogues.inForce(on: clock.today()) }

    public static let versionKind = "record-version"

    /// Text fields as JSON with sorted keys: a stable form to hash and to store.
    static func canonical(_ content: [String: String]) -> String {
        String(decoding: TamperEvidentLog.canonicalJSON(object: content), as: UTF8.self)
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
    /// - Parameter content: `canonical(record.content)`.
    static func contentHash(_ record: ValidRecord, subject: String, content: String) -> String {
        let payload = TamperEvidentLog.canonicalJSON([
            record.status.rawValue, subject, record.subjectName, record.decidedOn.description, record.severity?.rawValue ?? "",
            content,
        ])
        return Hex.encode(SHA256.hash(data: Data(payload)))
    }

    static let recordColumns = """
        r.id, r.department_code, d.name AS department_name, r.category, r.document_number, r.version, r.status, r.subject_code,
        p.id_number_masked, r.subject_name, r.matched, r.decided_on, r.received_at, r.clock_days, r.due_by, r.late, r.delay_working_days, r.clock_estimated, r.severity,
        r.content, r.catalogue_version, r.rule_set, r.public_from, r.earliest_end, r.public_until, r.public_max_until, r.not_published,
        r.revoked_on, r.withdrawal_days, r.withdrawal_due_by, r.withdrawal_late, r.withdrawal_delay, r.under_objection, r.repaired_on
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
                until: until,
                maxUntil: try row.decode(column: "public_max_until", as: String?.self).flatMap { LocalDate($0) }
            )
        }
        var record = StoredRecord(
            id: try row.decode(column: "id", as: Int.self),
            departmentCode: try row.decode(column: "department_code", as: String.self),
            departmentName: try row.decode(column: "department_name", as: String.self),
            category: try row.decode(column: "category", as: String.self),
            documentNumber: try row.decode(column: "document_number", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            status: try Self.status(row),
            subjectCode: try row.decode(column: "subject_code", as: String?.self),
            subjectIDMasked: try row.decode(column: "id_number_masked", as: String?.self),
            subjectName: try row.decode(column: "subject_name", as: String.self),
            matched: try row.decode(column: "matched", as: Int.self) == 1,
            decidedOn: LocalDate(try row.decode(column: "decided_on", as: String.self))!,
            receivedAt: try row.decode(column: "received_at", as: String.self),
            timeliness: try row.decode(column: "clock_days", as: Int?.self).map { days in
                Timeliness(
                    workingDays: days,
                    dueBy: LocalDate(try row.decode(column: "due_by", as: String.self))!,
                    late: try row.decode(column: "late", as: Int.self) == 1,
                    delayWorkingDays: try row.decode(column: "delay_working_days", as: Int.self),
                    estimated: try row.decode(column: "clock_estimated", as: Int.self) != 0
                )
            },
            severity: try row.decode(column: "severity", as: String?.self).flatMap(Severity.init(rawValue:)),
            content: try decodeContent(try row.decode(column: "content", as: String.self)),
            catalogueVersion: try row.decode(column: "catalogue_version", as: String.self),
            publication: publication,
            notPublished: try row.decode(column: "not_published", as: String?.self)
        )
        record.underObjection = try row.decode(column: "under_objection", as: Int.self) == 1
        record.repairedOn = try row.decode(column: "repaired_on", as: String?.self).flatMap { LocalDate($0) }
        if let revokedOn = try row.decode(column: "revoked_on", as: String?.self).flatMap({ LocalDate($0) }),
            let days = try row.decode(column: "withdrawal_days", as: Int?.self),
            let due = try row.decode(column: "withdrawal_due_by", as: String?.self).flatMap({ LocalDate($0) })
        {
            record.withdrawal = Withdrawal(
                revokedOn: revokedOn,
                clock: Timeliness(
                    workingDays: days,
                    dueBy: due,
                    late: try row.decode(column: "withdrawal_late", as: Int?.self) == 1,
                    delayWorkingDays: try row.decode(column: "withdrawal_delay", as: Int?.self) ?? 0
                )
            )
        }
        return record
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
                    status: try Self.status(row),
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
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id
                WHERE r.subject_code = \(bind: subjectCode) AND \(Self.publicOn(day))
                ORDER BY r.decided_on DESC, r.id DESC
                """
            ).all().map(Self.record)
        }
    }

    public func subjectRecords(subjectCode: String, limit: Int) async throws -> [StoredRecord] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id
                WHERE r.subject_code = \(bind: subjectCode) ORDER BY r.decided_on DESC, r.id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 1000))))
                """
            ).all().map(Self.record)
        }
    }

    public func rejections(departmentCode: String, after cursor: String?, limit: Int) async throws -> [Rejection] {
        guard let cursor else { return try await openRejections(departmentCode: departmentCode, filter: "", limit: limit) }
        guard let (receivedAt, position, id) = Rejection.cursorParts(cursor) else { return [] }
        return try await openRejections(
            departmentCode: departmentCode,
            filter: " AND (received_at, position, id) > (\(bind: receivedAt), \(bind: position), \(bind: id))",
            limit: limit
        )
    }

    public func openRejectionCount(departmentCode: String) async throws -> Int {
        try await db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM rejections WHERE department_code = \(bind: departmentCode) AND resolved_at IS NULL")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func rejection(id: Int, departmentCode: String) async throws -> Rejection? {
        try await openRejections(departmentCode: departmentCode, filter: " AND id = \(bind: id)", limit: 1).first
    }

    /// A department's unresolved rejections that match a further condition.
    func openRejections(departmentCode: String, filter: SQLQueryString, limit: Int) async throws -> [Rejection] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT id, received_at, source, position, category, document_number, original, problems, fields, sealed FROM rejections
                WHERE department_code = \(bind: departmentCode) AND resolved_at IS NULL
                """ + filter + " ORDER BY received_at, position, id LIMIT \(bind: limit)"
            ).all().map { row in
                // Rows stored before rejections were sealed are plain until `credit keys reencrypt` seals them.
                let sealed = try row.decode(column: "sealed", as: Int.self) == 1
                let open = { (text: String) throws -> String in sealed ? try keys.open(text) : text }
                return Rejection(
                    id: try row.decode(column: "id", as: Int.self),
                    receivedAt: try row.decode(column: "received_at", as: String.self),
                    source: try row.decode(column: "source", as: String.self),
                    position: try row.decode(column: "position", as: Int.self),
                    category: try row.decode(column: "category", as: String?.self),
                    documentNumber: try row.decode(column: "document_number", as: String?.self),
                    original: try open(try row.decode(column: "original", as: String.self)),
                    problems: try JSONDecoder().decode([FieldProblem].self, from: Data(try row.decode(column: "problems", as: String.self).utf8)),
                    fields: try row.decode(column: "fields", as: String?.self).map { try Self.decodeContent(try open($0)) } ?? [:]
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

    public func resolveCorrected(departmentCode: String, category: String, documentNumbers: [String]) async throws {
        guard !documentNumbers.isEmpty else { return }
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await Self.resolveCorrected([category: documentNumbers], department: departmentCode, at: now, sql: sql)
        }
    }

    public func timeliness(departmentCode: String?, from: LocalDate, to: LocalDate) async throws -> [TimelinessRow] {
        let filter: SQLQueryString = departmentCode.map { " AND r.department_code = \(bind: $0)" } ?? ""
        return try await db.read { sql in
            var rows = try await sql.raw(
                """
                SELECT r.department_code, d.name, r.category, COUNT(*) AS n, SUM(r.late) AS late, SUM(r.delay_working_days) AS delay,
                SUM(CASE WHEN r.clock_estimated > 0 THEN 1 ELSE 0 END) AS estimated
                FROM records r JOIN departments d ON d.code = r.department_code
                WHERE r.clock_days IS NOT NULL AND r.decided_on >= \(bind: from.description) AND r.decided_on <= \(bind: to.description)
                """ + filter + " GROUP BY r.department_code, d.name, r.category ORDER BY r.department_code, r.category"
            ).all().map { row in
                TimelinessRow(
                    departmentCode: try row.decode(column: "department_code", as: String.self),
                    departmentName: try row.decode(column: "name", as: String.self),
                    category: try row.decode(column: "category", as: String.self),
                    records: try row.decode(column: "n", as: Int.self),
                    late: try row.decode(column: "late", as: Int.self),
                    delayWorkingDays: try row.decode(column: "delay", as: Int.self),
                    estimated: try row.decode(column: "estimated", as: Int.self)
                )
            }
            // Withdrawals: of the decisions revoked in the period, by the day they were revoked.
            let withdrawals = try await sql.raw(
                """
                SELECT r.department_code, d.name, r.category, COUNT(*) AS n, SUM(r.withdrawal_late) AS late
                FROM records r JOIN departments d ON d.code = r.department_code
                WHERE r.withdrawal_due_by IS NOT NULL AND r.revoked_on >= \(bind: from.description) AND r.revoked_on <= \(bind: to.description)
                """ + filter + " GROUP BY r.department_code, d.name, r.category"
            ).all()
            for row in withdrawals {
                let (code, category) = (
                    try row.decode(column: "department_code", as: String.self), try row.decode(column: "category", as: String.self)
                )
                let name = try row.decode(column: "name", as: String.self)
                if !rows.contains(where: { $0.departmentCode == code && $0.category == category }) {
                    rows.append(
                        TimelinessRow(departmentCode: code, departmentName: name, category: category, records: 0, late: 0, delayWorkingDays: 0)
                    )
                }
                let index = rows.firstIndex { $0.departmentCode == code && $0.category == category }!
                rows[index].withdrawals = try row.decode(column: "n", as: Int.self)
                rows[index].withdrawalsLate = try row.decode(column: "late", as: Int.self)
            }
            return rows.sorted { ($0.departmentCode, $0.category) < ($1.departmentCode, $1.category) }
        }
    }

    /// The records the public sees on a day, as ``PublicVisibility`` says: the visible status, and a window that
    /// encloses the day (a record never published has no window: NULL compares false).
    static func publicOn(_ day: LocalDate) -> SQLQueryString {
        let d = day.description
        return "r.status = \(bind: PublicVisibility.visibleStatus.rawValue) AND r.public_from <= \(bind: d) AND r.public_until >= \(bind: d)"
    }

    /// A stored status, which only this platform writes.
    static func status(_ row: any SQLRow) throws -> RecordStatus {
        let text = try row.decode(column: "status", as: String.self)
        guard let status = RecordStatus(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown record status \(text)"))
        }
        return status
    }

    /// The WHERE clause of a public search on a day.
    static func publicFilter(_ query: PublicRecordQuery, on day: LocalDate) -> SQLQueryString {
        var clause = publicOn(day)
        if let category = query.category { clause = clause + " AND r.category = \(bind: category)" }
        if let department = query.departmentCode { clause = clause + " AND r.department_code = \(bind: department)" }
        if let from = query.from { clause = clause + " AND r.decided_on >= \(bind: from.description)" }
        if let to = query.to { clause = clause + " AND r.decided_on <= \(bind: to.description)" }
        return clause
    }

    public func searchPublic(_ query: PublicRecordQuery, on day: LocalDate, page: Int, size: Int) async throws -> RecordPage {
        try await records(where: Self.publicFilter(query, on: day), orderBy: "r.decided_on DESC, r.id DESC", page: page, size: size)
    }

    /// One page of the records a filter keeps, in an order, and how many it keeps (counted to 10,000).
    func records(where filter: SQLQueryString, orderBy order: String, page: Int, size: Int) async throws -> RecordPage {
        try await db.read { sql in
            let total =
                try await sql.raw("SELECT COUNT(*) AS n FROM (SELECT 1 FROM records r WHERE " + filter + " LIMIT 10000) AS c").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let items = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE
                """ + " " + filter + " ORDER BY \(unsafeRaw: order) LIMIT \(bind: size) OFFSET \(bind: (page - 1) * size)"
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

    public func activeDepartmentRecords(_ departmentCode: String, category: String, after id: Int, limit: Int) async throws -> [StoredRecord] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.recordColumns) FROM records r JOIN departments d ON d.code = r.department_code
                LEFT JOIN persons p ON p.id = r.subject_person_id WHERE r.department_code = \(bind: departmentCode)
                AND r.category = \(bind: category) AND r.status = \(bind: RecordStatus.active.rawValue) AND r.id > \(bind: id)
                ORDER BY r.id LIMIT \(bind: limit)
                """
            ).all().map(Self.record)
        }
    }

    public func departmentRecords(
        _ departmentCode: String,
        _ query: DepartmentRecordQuery,
        page: Int,
        size: Int
    ) async throws -> RecordPage {
        var filter: SQLQueryString
        if let number = query.documentNumber {
            // One document: found through the unique key (department, category, number) — with the categories named,
            // each is a probe — then ordered; not a walk of the department's records.
            var key: SQLQueryString = "x.department_code = \(bind: departmentCode) AND x.document_number = \(bind: number)"
            if let categories = query.categories { key = key + " AND x.category IN (\(binds: categories))" }
            filter = "r.id IN (SELECT x.id FROM records x WHERE " + key + ")"
        } else {
            // The department's records in the order of `records_department_received`, the latest received first.
            filter = "r.department_code = \(bind: departmentCode)"
            if let categories = query.categories { filter = filter + " AND r.category IN (\(binds: categories))" }
        }
        if let from = query.from { filter = filter + " AND r.decided_on >= \(bind: from.description)" }
        if let to = query.to { filter = filter + " AND r.decided_on <= \(bind: to.description)" }
        if query.lateOnly { filter = filter + " AND r.late = 1" }
        return try await records(where: filter, orderBy: "r.received_at DESC, r.id DESC", page: page, size: size)
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
