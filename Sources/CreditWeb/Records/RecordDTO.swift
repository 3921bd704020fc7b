import CreditCore
import Foundation
import Hummingbird

struct ProblemDTO: Encodable, Sendable {
    var field: String
    var value: String?
    var code: String
    var message: String

    init(_ p: FieldProblem) {
        field = p.field
        value = p.value
        code = p.code
        message = p.message
    }
}

/// `POST /api/v1/records`.
struct SubmissionDTO: ResponseEncodable, Sendable {
    var results: [Result]

    struct Result: Encodable, Sendable {
        var index: Int
        var status: String
        var id: String?
        var errors: [ProblemDTO]
        /// What a stored record was accepted with, though not right (absent when nothing).
        var warnings: [ProblemDTO]?

        init(_ r: SubmissionResult) {
            index = r.index
            status = r.status.rawValue
            id = r.id.map(String.init)
            errors = r.problems.map(ProblemDTO.init)
            warnings = r.warnings.isEmpty ? nil : r.warnings.map(ProblemDTO.init)
        }
    }
}

struct WithdrawalDTO: Encodable, Sendable {
    var revokedOn: String
    var workingDays: Int
    var dueBy: String
    var late: Bool
    var delayWorkingDays: Int

    init(_ w: Withdrawal) {
        revokedOn = w.revokedOn.description
        workingDays = w.workingDays
        dueBy = w.dueBy.description
        late = w.late
        delayWorkingDays = w.delayWorkingDays
    }
}

struct PublicationDTO: Encodable, Sendable {
    var from: String
    var earliestEnd: String
    var repairFrom: String
    var until: String
    var ruleSet: String?
    /// The maximum period's last day, when the record stays public past it (its subject's conduct marked uncorrected).
    var maxUntil: String?
    /// Why it stays public past its maximum period.
    var stillPublicBecause: String?

    init(_ w: PublicationWindow, because: String? = nil) {
        from = w.from.description
        earliestEnd = w.earliestEnd.description
        repairFrom = w.repairFrom.description
        until = w.until.description
        ruleSet = w.ruleSet
        maxUntil = w.maxUntil?.description
        stillPublicBecause = because
    }
}

/// `GET /api/v1/records/{id}`: the record with everything the platform computed, and its versions.
struct RecordDTO: ResponseEncodable, Sendable {
    var id: String
    var category: String
    var categoryName: String
    var documentNumber: String
    var department: DepartmentRef
    var subject: Subject
    var matched: Bool
    var decidedOn: String
    var receivedAt: String
    /// The clock (absent for a category the seed does not time): due by, late or not, by how many working days.
    var dueBy: String?
    var late: Bool?
    var delayWorkingDays: Int?
    var clockWorkingDays: Int?
    /// The due date runs into a year with no holiday arrangement loaded (counted with the law's holidays).
    var dueByEstimated: Bool?
    /// A revoked decision's withdrawal: revoked on, due by, late or not.
    var withdrawal: WithdrawalDTO?
    var severity: String?
    var status: String
    /// `null` (not absent) when the record is not published, as `interface.md` says.
    var publication: Nullable<PublicationDTO>
    var notPublished: String?
    var publicToday: Bool
    var underObjection: Bool
    /// The day a repair ended its publication (已修复).
    var repairedOn: String?
    var catalogVersion: String
    var fields: [String: String]
    /// Every version, oldest first (absent in lists of records).
    var versions: [Version]?

    struct DepartmentRef: Encodable, Sendable {
        var code: String
        var name: String
    }

    struct Subject: Encodable, Sendable {
        var code: String?
        var idNumber: String?
        var name: String
    }

    struct Version: Encodable, Sendable {
        var version: Int
        var status: String
        var recordedAt: String
        var changeReason: String?
        var fields: [String: String]
    }

    init(_ r: StoredRecord, catalogue: Catalogue, versions: [RecordVersion]?, today: LocalDate) {
        id = String(r.id)
        category = r.category
        categoryName = catalogue.category(r.category)?.name ?? r.category
        documentNumber = r.documentNumber
        department = DepartmentRef(code: r.departmentCode, name: r.departmentName)
        subject = Subject(code: r.subjectCode, idNumber: r.subjectIDMasked, name: r.subjectName)
        matched = r.matched
        decidedOn = r.decidedOn.description
        receivedAt = r.receivedAt
        dueBy = r.timeliness?.dueBy.description
        late = r.timeliness?.late
        delayWorkingDays = r.timeliness?.delayWorkingDays
        clockWorkingDays = r.timeliness?.workingDays
        dueByEstimated = r.timeliness?.estimated
        withdrawal = r.withdrawal.map(WithdrawalDTO.init)
        severity = r.severity?.rawValue
        status = r.status.rawValue
        publication = Nullable(r.publication.map { PublicationDTO($0, because: r.stillPublicBecause(catalogue: catalogue)) })
        notPublished = r.notPublished
        publicToday = r.isPublic(on: today)
        underObjection = r.underObjection
        repairedOn = r.repairedOn?.description
        catalogVersion = r.catalogueVersion
        fields = r.content
        self.versions = versions?.map {
            Version(version: $0.version, status: $0.status.rawValue, recordedAt: $0.recordedAt, changeReason: $0.changeReason, fields: $0.content)
        }
    }
}

/// `GET /api/v1/rejections`: the department's queue, with each original as it arrived; `total` open in all, and
/// `next` (for `?after=`) when more follow.
struct RejectionsDTO: ResponseEncodable, Sendable {
    var items: [Item]
    var total: Int
    var next: String?

    struct Item: Encodable, Sendable {
        var id: String
        var receivedAt: String
        var source: String
        var position: Int
        var category: String?
        var documentNumber: String?
        var original: String
        var errors: [ProblemDTO]

        init(_ r: Rejection) {
            id = String(r.id)
            receivedAt = r.receivedAt
            source = r.source
            position = r.position
            category = r.category
            documentNumber = r.documentNumber
            original = r.original
            errors = r.problems.map(ProblemDTO.init)
        }
    }
}

/// `GET /api/v1/entities/{code}/records` and `GET /api/v1/records`: what the public may see today.
struct PublicRecordsDTO: ResponseEncodable, Sendable {
    var items: [Item]
    /// For a search: how many match (counted to 10,000).
    var total: Int?

    struct Item: Encodable, Sendable {
        var id: String
        var category: String
        var categoryName: String
        var documentNumber: String
        var decidedOn: String
        var department: String
        var departmentCode: String
        var publicFrom: String?
        var publicUntil: String?
        /// For an adverse record: the last day of its shortest publication period; from the next day (`repairFrom`)
        /// the subject may apply for credit repair (its publication then stops early if granted).
        var earliestEnd: String?
        var repairFrom: String?
        /// Why it stays public past its maximum period (its subject's conduct marked uncorrected), when it does.
        var stillPublicBecause: String?
        var severity: String?
        var content: String?
        var basis: String?
        var subjectName: String
        var subjectCode: String?
        /// Masked: a natural person's identity number is never public.
        var subjectIdNumber: String?
        var underObjection: Bool

        init(_ r: StoredRecord, catalogue: Catalogue) {
            subjectName = r.subjectName
            subjectCode = r.subjectCode
            subjectIdNumber = r.subjectIDMasked
            id = String(r.id)
            category = r.category
            categoryName = catalogue.category(r.category)?.name ?? r.category
            documentNumber = r.documentNumber
            decidedOn = r.decidedOn.description
            department = r.departmentName
            departmentCode = r.departmentCode
            publicFrom = r.publication?.from.description
            publicUntil = r.publication?.until.description
            earliestEnd = catalogue.category(r.category)?.adverse == true ? r.publication?.earliestEnd.description : nil
            repairFrom = catalogue.category(r.category)?.adverse == true ? r.publication?.repairFrom.description : nil
            stillPublicBecause = r.stillPublicBecause(catalogue: catalogue)
            severity = r.severity?.rawValue
            content = r.content["content"]
            basis = r.content["basis"]
            underObjection = r.underObjection
        }
    }
}

/// A value that is written as JSON `null` when absent, instead of being left out.
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var value: Value?

    init(_ value: Value?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
