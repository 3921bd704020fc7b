import Foundation

/// What happened to one submitted record.
public enum SubmissionStatus: String, Sendable, Codable, Hashable {
    /// A new record.
    case accepted
    /// A new version of a record the department sent before (a correction or a revocation).
    case updated
    /// The same content as the record's current version: nothing changed.
    case unchanged
    /// Refused with every problem listed; kept in the department's rejection queue.
    case rejected
}

public struct SubmissionResult: Sendable, Hashable {
    public var index: Int
    public var status: SubmissionStatus
    public var id: Int?
    public var problems: [FieldProblem]
    /// What a stored record was accepted with, though not right (a legacy code failing its position-17 check).
    public var warnings: [FieldProblem]

    public init(index: Int, status: SubmissionStatus, id: Int? = nil, problems: [FieldProblem] = [], warnings: [FieldProblem] = []) {
        self.index = index
        self.status = status
        self.id = id
        self.problems = problems
        self.warnings = warnings
    }
}

/// One item of a batch: its position, the validation outcome, and the original as it arrived (kept
/// whole in the rejection queue when it is refused).
public struct SubmissionItem: Sendable, Hashable {
    public var index: Int
    public var outcome: Result<ValidRecord, RecordProblems>
    public var original: String
    /// The fields as sent, by API name (kept with a rejection, so that it can be corrected on a page).
    public var fields: [String: String]
    /// What the item was sent as, when it is known even if the item is refused (a file's category, or
    /// ``EntityRegistration/category`` for a registration file): kept with a rejection.
    public var category: String?

    public init(
        index: Int,
        outcome: Result<ValidRecord, RecordProblems>,
        original: String,
        fields: [String: String] = [:],
        category: String? = nil
    ) {
        self.index = index
        self.outcome = outcome
        self.original = original
        self.fields = fields
        self.category = category
    }
}

/// Whether a record's decision stands or was withdrawn (撤销); stored as its raw value.
public enum RecordStatus: String, Sendable, Hashable, Codable {
    case active
    case revoked

    public init(revoked: Bool) { self = revoked ? .revoked : .active }
}

/// Who sees a record: the public's view on a day is every record whose status is ``visibleStatus`` and whose
/// publication window encloses the day, first and last day included. ``StoredRecord/publicState(on:)`` applies it to
/// one record; the stores' public queries are built from the same two facts and held to it by a test.
public enum PublicVisibility {
    /// The only status the public sees.
    public static let visibleStatus = RecordStatus.active

    /// Whether a record of `status` with `window` is public on `day`.
    public static func isVisible(status: RecordStatus, window: PublicationWindow?, on day: LocalDate) -> Bool {
        guard status == visibleStatus, let window else { return false }
        return window.from <= day && day <= window.until
    }
}

/// A stored record with what the platform computed about it.
public struct StoredRecord: Sendable, Hashable {
    public var id: Int
    public var departmentCode: String
    public var departmentName: String
    public var category: String
    public var documentNumber: String
    public var version: Int
    public var status: RecordStatus
    public var subjectCode: String?
    /// The subject's identity number, masked, for records about a natural person.
    public var subjectIDMasked: String?
    public var subjectName: String
    public var matched: Bool
    public var decidedOn: LocalDate
    public var receivedAt: String
    /// Its clock; nil for a category the seed does not time.
    public var timeliness: Timeliness?
    /// For a revoked decision: when it was revoked and whether it was withdrawn in time (nil before the rule).
    public var withdrawal: Withdrawal?
    public var severity: Severity?
    public var content: [String: String]
    public var catalogueVersion: String
    public var publication: PublicationWindow?
    public var notPublished: String?
    /// An objection about it is open (异议处理中): shown wherever it is.
    public var underObjection = false
    /// The day a repair ended its publication early (已修复), shown in the subject's own file.
    public var repairedOn: LocalDate?

    public init(
        id: Int,
        departmentCode: String,
        departmentName: String,
        category: String,
        documentNumber: String,
        version: Int,
        status: RecordStatus,
        subjectCode: String?,
        subjectIDMasked: String?,
        subjectName: String,
        matched: Bool,
        decidedOn: LocalDate,
        receivedAt: String,
        timeliness: Timeliness?,
        severity: Severity?,
        content: [String: String],
        catalogueVersion: String,
        publication: PublicationWindow?,
        notPublished: String?
    ) {
        self.id = id
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.category = category
        self.documentNumber = documentNumber
        self.version = version
        self.status = status
        self.subjectCode = subjectCode
        self.subjectIDMasked = subjectIDMasked
        self.subjectName = subjectName
        self.matched = matched
        self.decidedOn = decidedOn
        self.receivedAt = receivedAt
        self.timeliness = timeliness
        self.withdrawal = nil
        self.severity = severity
        self.content = content
        self.catalogueVersion = catalogueVersion
        self.publication = publication
        self.notPublished = notPublished
    }

    /// Where a record stands with the public on a day.
    public enum PublicState: Sendable, Hashable {
        /// The decision was withdrawn (撤销): out of the public view at once, whatever its window.
        case revoked
        /// Never published (``StoredRecord/notPublished`` says why).
        case notPublished
        /// Public from a later day.
        case pending(from: LocalDate)
        case `public`
        /// Its window has ended.
        case ended
    }

    public func publicState(on day: LocalDate) -> PublicState {
        if PublicVisibility.isVisible(status: status, window: publication, on: day) { return .public }
        guard status == PublicVisibility.visibleStatus else { return .revoked }
        guard let window = publication else { return .notPublished }
        return day < window.from ? .pending(from: window.from) : .ended
    }

    /// Whether the public sees it on a day.
    public func isPublic(on day: LocalDate) -> Bool { publicState(on: day) == .public }

    /// Where it stands on a day, as its subject reads it in its own file: 公示中, 已修复, 公示期满, 未公示 …
    public func fileLabel(on day: LocalDate) -> String {
        switch publicState(on: day) {
        case .public: return underObjection ? "公示中（异议处理中）" : "公示中"
        case .revoked: return "已撤销"
        case .notPublished: return "不公示"
        case .pending(let from): return "\(from) 起公示"
        case .ended: return repairedOn.map { "已修复（\($0)）" } ?? "公示期满"
        }
    }

    /// Why it is public past its maximum period (Order 36's exception), in Chinese, or nil when it is not kept so.
    public func stillPublicBecause(catalogue: Catalogue) -> String? {
        guard let window = publication, let maximum = window.maxUntil else { return nil }
        let basis = content["uncorrectedBasis"].map { "（认定依据：\($0)）" } ?? ""
        let rule = catalogue.category(category)?.publication.uncorrected.map { "；\($0.source)" } ?? ""
        return "最长公示期至 \(maximum)；失信行为未纠正\(basis)，继续公示至 \(window.until)\(rule)"
    }
}

/// One version of a record, as kept forever.
public struct RecordVersion: Sendable, Hashable {
    public var version: Int
    public var status: RecordStatus
    public var subjectName: String
    public var decidedOn: LocalDate
    public var content: [String: String]
    public var changeReason: String?
    public var recordedAt: String

    public init(
        version: Int,
        status: RecordStatus,
        subjectName: String,
        decidedOn: LocalDate,
        content: [String: String],
        changeReason: String?,
        recordedAt: String
    ) {
        self.version = version
        self.status = status
        self.subjectName = subjectName
        self.decidedOn = decidedOn
        self.content = content
        self.changeReason = changeReason
        self.recordedAt = recordedAt
    }
}

/// A refused submission in a department's queue.
public struct Rejection: Sendable, Hashable {
    /// Where this rejection stands in its queue's order, for asking for the ones after it.
    public var cursor: String { "\(receivedAt)~\(position)~\(id)" }

    /// The parts of a ``cursor``, or nil when the text is not one.
    public static func cursorParts(_ text: String) -> (receivedAt: String, position: Int, id: Int)? {
        let parts = text.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count <= 40, let position = Int(parts[1]), let id = Int(parts[2]) else { return nil }
        return (String(parts[0]), position, id)
    }

    public var id: Int
    public var receivedAt: String
    public var source: String
    public var position: Int
    public var category: String?
    public var documentNumber: String?
    public var original: String
    public var problems: [FieldProblem]
    /// The fields by API name, when they could be read.
    public var fields: [String: String]

    public init(
        id: Int,
        receivedAt: String,
        source: String,
        position: Int,
        category: String?,
        documentNumber: String?,
        original: String,
        problems: [FieldProblem],
        fields: [String: String] = [:]
    ) {
        self.fields = fields
        self.id = id
        self.receivedAt = receivedAt
        self.source = source
        self.position = position
        self.category = category
        self.documentNumber = documentNumber
        self.original = original
        self.problems = problems
    }
}

extension RecordStore {
    /// The first `limit` of a department's unresolved rejections.
    public func rejections(departmentCode: String, limit: Int) async throws -> [Rejection] {
        try await rejections(departmentCode: departmentCode, after: nil, limit: limit)
    }

    /// Stores a batch sent over the API or the command line (not part of a file import).
    public func submit(departmentCode: String, items: [SubmissionItem], source: String) async throws -> [SubmissionResult] {
        try await submit(departmentCode: departmentCode, items: items, source: source, importID: nil, after: {})
    }
}

/// Credit records; implemented by `CreditStore`.
public protocol RecordStore: Sendable {
    /// Stores a batch from one department in one transaction: all of it, or (on a failure) none of it, so
    /// an acknowledged batch is never lost and a resubmitted one is never duplicated.
    /// - Parameters:
    ///   - source: `api`, `file` or `cli`, kept with rejections.
    ///   - importID: for one batch of a file import: a record already stored by an earlier batch of the same import
    ///     is a duplicate inside the file and is refused, naming the line of the first (`index`). The database
    ///     remembers it, so the importer needs no memory that grows with the file.
    ///   - after: run once the batch is checked and prepared and before it is written: an importer prepares one
    ///     batch while the previous one is written, and `after` waits for that write, so batches are stored in
    ///     file order.
    func submit(
        departmentCode: String,
        items: [SubmissionItem],
        source: String,
        importID: String?,
        after: @escaping @Sendable () async throws -> Void
    ) async throws -> [SubmissionResult]
    func fetchRecord(id: Int) async throws -> StoredRecord?
    func fetchVersions(recordID: Int) async throws -> [RecordVersion]
    /// The records of an entity that are public on a day, newest decision first.
    func publicRecords(subjectCode: String, on day: LocalDate) async throws -> [StoredRecord]
    /// Every record about an entity, public or not — its whole file, for its own account — newest decision first
    /// (at most `limit`).
    func subjectRecords(subjectCode: String, limit: Int) async throws -> [StoredRecord]
    /// A department's unresolved rejections, oldest submission first, in file (or batch) order within one; after a
    /// ``Rejection/cursor`` for the next page.
    func rejections(departmentCode: String, after cursor: String?, limit: Int) async throws -> [Rejection]
    /// How many unresolved rejections a department has.
    func openRejectionCount(departmentCode: String) async throws -> Int
    /// One unresolved rejection of a department, or nil (another department's is nil too).
    func rejection(id: Int, departmentCode: String) async throws -> Rejection?
    /// Marks a department's rejection as corrected; false when there is no such open rejection of that department.
    func resolveRejection(id: Int, departmentCode: String) async throws -> Bool
    /// Resolves the department's open rejections of these documents of a category (for registrations: credit
    /// codes), stored since, corrected. Record batches do this themselves; registration files call it.
    func resolveCorrected(departmentCode: String, category: String, documentNumbers: [String]) async throws
    /// Records public on a day that match a search, newest decision first, and how many match (counted to 10,000).
    func searchPublic(_ query: PublicRecordQuery, on day: LocalDate, page: Int, size: Int) async throws -> RecordPage
    /// Records public on a day that match a search, in id order after an id: for streamed exports.
    func publicRecords(_ query: PublicRecordQuery, on day: LocalDate, after id: Int, limit: Int) async throws -> [StoredRecord]
    /// Records whose credit code is not (yet) in the registry, oldest first: the credit office's queue.
    func unmatched(limit: Int) async throws -> [StoredRecord]
    /// A department's own records in every state (public, not published, past their window, revoked) that match a
    /// query, the latest received first, and how many match (counted to 10,000).
    func departmentRecords(
        _ departmentCode: String,
        _ query: DepartmentRecordQuery,
        page: Int,
        size: Int
    ) async throws -> RecordPage
    /// A department's records of one category in force (not revoked), in every public state, by id after `id`: its
    /// export, a batch at a time.
    func activeDepartmentRecords(_ departmentCode: String, category: String, after id: Int, limit: Int) async throws -> [StoredRecord]
    /// On-time figures of the records decided in a period, per department and category (`departmentCode` nil: all).
    func timeliness(departmentCode: String?, from: LocalDate, to: LocalDate) async throws -> [TimelinessRow]
}

/// How promptly one department sent one category's records (decided in a period) to the platform.
public struct TimelinessRow: Sendable, Hashable {
    public var departmentCode: String
    public var departmentName: String
    public var category: String
    public var records: Int
    public var late: Int
    /// Working days late, summed over the late records.
    public var delayWorkingDays: Int
    /// Records whose clock is an estimate (``Timeliness/estimated``): counted again when the year is loaded.
    public var estimated: Int
    /// Decisions revoked in the period whose withdrawal is timed, and how many were withdrawn late.
    public var withdrawals: Int
    public var withdrawalsLate: Int

    public init(
        departmentCode: String,
        departmentName: String,
        category: String,
        records: Int,
        late: Int,
        delayWorkingDays: Int,
        estimated: Int = 0,
        withdrawals: Int = 0,
        withdrawalsLate: Int = 0
    ) {
        self.withdrawals = withdrawals
        self.withdrawalsLate = withdrawalsLate
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.category = category
        self.records = records
        self.late = late
        self.delayWorkingDays = delayWorkingDays
        self.estimated = estimated
    }

    public var onTimeRate: Double { records == 0 ? 1 : Double(records - late) / Double(records) }
    /// The on-time share in thousandths, rounded to nearest (in integers: 7 of 9 is 778) except at the ends: 1,000
    /// only when no record is late and 0 only when all are — 2,000 on time and 1 late is 999, not the 1,000 that
    /// rounding alone would show beside "1 late".
    public var onTimePermille: Int {
        guard records > 0 else { return 1_000 }
        let rounded = ((records - late) * 2_000 + records) / (2 * records)
        return late > 0 && rounded == 1_000 ? 999 : late < records && rounded == 0 ? 1 : rounded
    }
    /// Average delay over all records (on-time ones count 0), in working days.
    public var averageDelay: Double { records == 0 ? 0 : Double(delayWorkingDays) / Double(records) }

    /// The rows of one department added up over its categories (`category` is empty).
    public static func total(of rows: [TimelinessRow], departmentCode: String, departmentName: String) -> TimelinessRow {
        TimelinessRow(
            departmentCode: departmentCode,
            departmentName: departmentName,
            category: "",
            records: rows.reduce(0) { $0 + $1.records },
            late: rows.reduce(0) { $0 + $1.late },
            delayWorkingDays: rows.reduce(0) { $0 + $1.delayWorkingDays },
            estimated: rows.reduce(0) { $0 + $1.estimated },
            withdrawals: rows.reduce(0) { $0 + $1.withdrawals },
            withdrawalsLate: rows.reduce(0) { $0 + $1.withdrawalsLate }
        )
    }
}

/// One page of records that match a search, and how many match in all (counted to 10,000).
public typealias RecordPage = (items: [StoredRecord], total: Int)

/// What a department looks for among its own records.
public struct DepartmentRecordQuery: Sendable, Hashable {
    /// Only records of these categories (nil: any). A document number looked for in every category the catalogue
    /// has had is found through the unique key (department, category, number) instead of a walk of the department.
    public var categories: [String]?
    /// The whole decision document number.
    public var documentNumber: String?
    /// Decision dates, inclusive.
    public var from: LocalDate?
    public var to: LocalDate?
    /// Only the records received after their due day.
    public var lateOnly: Bool

    public init(categories: [String]? = nil, documentNumber: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil, lateOnly: Bool = false) {
        self.categories = categories
        self.documentNumber = documentNumber
        self.from = from
        self.to = to
        self.lateOnly = lateOnly
    }
}

/// A public search of records; every filter is optional.
public struct PublicRecordQuery: Sendable, Hashable {
    public var category: String?
    public var departmentCode: String?
    /// Decision dates, inclusive.
    public var from: LocalDate?
    public var to: LocalDate?

    public init(category: String? = nil, departmentCode: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.category = category
        self.departmentCode = departmentCode
        self.from = from
        self.to = to
    }
}
