import Foundation

/// Credit information an entity declares itself (自主申报: qualifications, business, contract performance, public
/// welfare, honours), with attachments, reviewed by the competent department or the credit office before it enters the
/// file as the catalogue's `voluntary` category, marked self-declared with who reviewed it.
public struct VoluntarySubmission: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case qualification, business, contract, welfare, honour

        public var label: String {
            switch self {
            case .qualification: "资质证书"
            case .business: "市场经营"
            case .contract: "合同履约"
            case .welfare: "社会公益"
            case .honour: "荣誉表彰"
            }
        }
    }

    public enum Status: String, Sendable, Codable, Hashable {
        case pending, accepted, rejected

        public var label: String {
            switch self {
            case .pending: "待审核"
            case .accepted: "已采纳（自主申报）"
            case .rejected: "未采纳"
            }
        }
    }

    public var id: Int
    public var subjectCode: String
    public var subjectName: String
    public var kind: Kind
    public var title: String
    public var content: String
    /// The competent department that reviews it (the credit office may too).
    public var departmentCode: String
    public var status: Status
    public var submittedAt: String
    public var submittedBy: String
    public var reason: String?
    public var reviewedBy: String?
    public var reviewedOn: LocalDate?
    /// The `voluntary` record an acceptance stored.
    public var recordId: Int?
    public var materials: [CaseMaterial]

    public init(
        id: Int,
        subjectCode: String,
        subjectName: String,
        kind: Kind,
        title: String,
        content: String,
        departmentCode: String,
        status: Status,
        submittedAt: String,
        submittedBy: String,
        reason: String? = nil,
        reviewedBy: String? = nil,
        reviewedOn: LocalDate? = nil,
        recordId: Int? = nil,
        materials: [CaseMaterial] = []
    ) {
        self.id = id
        self.subjectCode = subjectCode
        self.subjectName = subjectName
        self.kind = kind
        self.title = title
        self.content = content
        self.departmentCode = departmentCode
        self.status = status
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
        self.reason = reason
        self.reviewedBy = reviewedBy
        self.reviewedOn = reviewedOn
        self.recordId = recordId
        self.materials = materials
    }
}

/// Voluntary information that cannot be submitted or reviewed, with a stable code.
public typealias VoluntaryError = AreaError<VoluntarySubmission>

/// What an entity submits.
public struct VoluntaryInput: Sendable, Hashable, Codable {
    public var kind: String?
    public var title: String?
    public var content: String?
    /// The reviewing department's code.
    public var department: String?
    public var materials: [MaterialUpload]?

    public init(kind: String?, title: String?, content: String?, department: String?, materials: [MaterialUpload]? = nil) {
        self.kind = kind
        self.title = title
        self.content = content
        self.department = department
        self.materials = materials
    }
}

/// The decisions about voluntary information, made before anything is written.
public enum VoluntaryPlan {
    /// The kind, title and content, checked and trimmed.
    /// - Throws: ``VoluntaryError`` `invalid_field`, `missing_field`.
    public static func checked(_ input: VoluntaryInput) throws(VoluntaryError) -> (kind: VoluntarySubmission.Kind, title: String, content: String) {
        guard let kind = input.kind.flatMap(VoluntarySubmission.Kind.init(rawValue:)) else {
            let kinds = VoluntarySubmission.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw VoluntaryError(code: "invalid_field", message: "kind 应为 \(kinds) 之一 / kind is one of \(kinds)")
        }
        func text(_ value: String?, _ zh: String, _ en: String, max: Int) throws(VoluntaryError) -> String {
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !trimmed.isEmpty else { throw VoluntaryError(code: "missing_field", message: "请填写\(zh) / \(en) is required") }
            guard trimmed.count <= max else {
                throw VoluntaryError(code: "invalid_field", message: "\(zh)不超过 \(max) 字 / \(en): at most \(max) characters")
            }
            return trimmed
        }
        return (kind, try text(input.title, "名称（title）", "title", max: 200), try text(input.content, "内容（content）", "content", max: 2000))
    }

    /// Checks a review of `current` by `reviewer` (a department's code; nil: the credit office), with its reason.
    /// - Throws: ``VoluntaryError`` `not_reviewing_department`, `already_reviewed`, `reason_required` (a rejection says why).
    public static func review(accept: Bool, reason: String?, on current: VoluntarySubmission, reviewer: String?) throws(VoluntaryError) -> String? {
        if let reviewer, reviewer != current.departmentCode {
            throw VoluntaryError(
                code: "not_reviewing_department",
                message: "只有所申报的主管部门或信用办可以审核 / only the competent department or the credit office reviews it"
            )
        }
        guard current.status == .pending else {
            throw VoluntaryError(code: "already_reviewed", message: "该申报已审核（\(current.status.label)） / this submission was reviewed already")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !accept && (reason ?? "").isEmpty {
            throw VoluntaryError(code: "reason_required", message: "不予采纳应写明理由（reason） / say why it is not accepted")
        }
        return reason.flatMap { $0.isEmpty ? nil : String($0.prefix(2000)) }
    }

    /// The `voluntary` record an accepted submission becomes: self-declared, with who reviewed it.
    public static func record(_ s: VoluntarySubmission, reviewedBy: String, on day: LocalDate) -> RecordSubmission {
        RecordSubmission(
            category: "voluntary",
            fields: [
                "subjectName": s.subjectName, "subjectCode": s.subjectCode,
                "documentNumber": "自主申报〔\(day.description.prefix(4))〕\(s.id)号",
                "decidedOn": LocalDate(shanghaiDayOf: s.submittedAt)?.description ?? day.description,
                "content": "【\(s.kind.label)】\(s.title)：\(s.content)",
                "basis": "自主申报，经\(reviewedBy)于 \(day) 审核采纳",
            ]
        )
    }
}

/// Voluntary information: submitted with attachments, reviewed, and once accepted part of the file. Implemented by
/// `CreditStore`.
public protocol VoluntaryStore: Sendable {
    /// - Throws: ``VoluntaryError`` — the codes of ``VoluntaryPlan/checked(_:)``, `department_not_found`,
    ///   `subject_not_found`, and the material codes of ``MaterialUpload``.
    func submit(_ input: VoluntaryInput, subjectCode: String, by: String) async throws -> VoluntarySubmission
    func submission(id: Int) async throws -> VoluntarySubmission?
    /// The entity's own, a department's to review, or (both nil) every one, newest first.
    func submissions(subjectCode: String?, departmentCode: String?, limit: Int) async throws -> [VoluntarySubmission]
    /// Accepts (the information enters the file as a `voluntary` record through the record path) or rejects with a reason.
    /// - Parameter reviewer: the reviewing department's code; nil for the credit office.
    func review(id: Int, accept: Bool, reason: String?, reviewer: String?, by: String) async throws -> VoluntarySubmission
    /// An attachment and its bytes.
    func material(id: Int, number: Int) async throws -> (CaseMaterial, Data)?
}
