import Foundation

/// The shared pieces of case steps, throwing this area's errors.
private typealias Step = CaseStep<Objection>

/// The objection clocks of one period (异议处理), versioned data with an effective date (`Resources/objections/`):
/// Shandong's values by default (山东省社会信用条例 Art. 39–40).
public struct ObjectionRules: Sendable, Codable, Hashable {
    public var version: String
    public var effectiveFrom: LocalDate
    public var basis: String
    /// Working days for the platform to check an objection in its own scope.
    public var platformCheckWorkingDays: Int
    /// Working days for the source department's decision, from acceptance (when another unit must verify).
    public var decideWorkingDays: Int
    public var extensionWorkingDays: Int

    public static let shipped: ObjectionRules = try! BundledData.decode(
        ObjectionRules.self,
        named: "2026-04-01",
        subdirectory: "objections"
    )
}

public typealias ObjectionError = AreaError<Objection>

/// An objection to a record or a list entry (异议): the item is marked 异议处理中 from acceptance until the source
/// department decides; every step is kept.
public struct Objection: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, Hashable {
        /// Accepted: the item shows `underObjection` everywhere; the source department's clock runs.
        case accepted
        case decided
    }

    /// What the source department found. `upheld`: the information stands as it was (the objection is not
    /// established); the others make it right.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable {
        case corrected, supplemented, unpublished, delisted, upheld

        public var label: String {
            switch self {
            case .corrected: "更正"
            case .supplemented: "补充"
            case .unpublished: "停止公示"
            case .delisted: "移出名单"
            case .upheld: "维持原信息"
            }
        }
    }

    /// Who filed it: the subject's own account, or a department or the credit office (for a natural person, on
    /// their behalf, saying how their identity was checked).
    public enum FilerKind: String, Sendable, Codable, Hashable {
        case entity, department, office
    }

    public var id: Int
    public var item: RepairCase.Item.Kind
    public var itemID: Int
    public var departmentCode: String
    public var filerKind: FilerKind
    public var filer: String
    public var onBehalfOf: String?
    public var identityCheck: String?
    public var grounds: String
    public var status: Status
    public var acceptedOn: LocalDate
    public var dueBy: LocalDate
    public var outcome: Outcome?
    public var reason: String?
    /// For an objection that was right: the notice telling the subject what was wrong and what was done (纠错告知).
    public var remedy: String?
    public var decidedOn: LocalDate?
    /// The item's version when the objection was accepted (nil for one accepted before versions were kept).
    public var itemVersion: Int?
    /// For `corrected` and `supplemented`: the record's version that made it right (更正后的版本).
    public var correctedVersion: Int?
    /// Who approved the one extension of the source department's clock, when there was one.
    public var extensionApprovedBy: String?
    /// The filer asked for the one review an upheld objection allows.
    public var reviewed: Bool
    public var materials: [CaseMaterial]
    public var events: [RepairCase.Event]

    public init(
        id: Int,
        item: RepairCase.Item.Kind,
        itemID: Int,
        departmentCode: String,
        filerKind: FilerKind,
        filer: String,
        onBehalfOf: String?,
        identityCheck: String?,
        grounds: String,
        status: Status,
        acceptedOn: LocalDate,
        dueBy: LocalDate,
        outcome: Outcome? = nil,
        reason: String? = nil,
        remedy: String? = nil,
        decidedOn: LocalDate? = nil,
        itemVersion: Int? = nil,
        correctedVersion: Int? = nil,
        extensionApprovedBy: String? = nil,
        reviewed: Bool = false,
        materials: [CaseMaterial] = [],
        events: [RepairCase.Event] = []
    ) {
        self.id = id
        self.item = item
        self.itemID = itemID
        self.departmentCode = departmentCode
        self.filerKind = filerKind
        self.filer = filer
        self.onBehalfOf = onBehalfOf
        self.identityCheck = identityCheck
        self.grounds = grounds
        self.status = status
        self.acceptedOn = acceptedOn
        self.dueBy = dueBy
        self.outcome = outcome
        self.reason = reason
        self.remedy = remedy
        self.decidedOn = decidedOn
        self.itemVersion = itemVersion
        self.correctedVersion = correctedVersion
        self.extensionApprovedBy = extensionApprovedBy
        self.reviewed = reviewed
        self.materials = materials
        self.events = events
    }

    public func isOverdue(on day: LocalDate) -> Bool { status == .accepted && dueBy < day }
}

/// An objection as it is filed (`POST /api/v1/objections`).
public struct ObjectionFiling: Sendable, Hashable, Codable {
    public var recordId: Int?
    public var listingId: Int?
    public var grounds: String?
    /// A natural person's name when a department or the credit office files for them.
    public var onBehalfOf: String?
    /// How that person's identity was checked (身份证原件核验, …).
    public var identityCheck: String?
    /// The evidence for the grounds (PDF, OFD, JPEG, PNG), in base64.
    public var materials: [MaterialUpload]?

    public init(
        recordId: Int? = nil,
        listingId: Int? = nil,
        grounds: String?,
        onBehalfOf: String? = nil,
        identityCheck: String? = nil,
        materials: [MaterialUpload]? = nil
    ) {
        self.recordId = recordId
        self.listingId = listingId
        self.grounds = grounds
        self.onBehalfOf = onBehalfOf
        self.identityCheck = identityCheck
        self.materials = materials
    }
}

/// What the store knows of the item objected to.
public struct ObjectedItem: Sendable, Hashable {
    public var kind: RepairCase.Item.Kind
    public var id: Int
    /// The entity it is about; nil for a natural person's.
    public var subjectCode: String?
    public var departmentCode: String
    public var documentNumber: String
    /// Its version now.
    public var version: Int

    public init(kind: RepairCase.Item.Kind, id: Int, subjectCode: String?, departmentCode: String, documentNumber: String, version: Int = 1) {
        self.kind = kind
        self.id = id
        self.subjectCode = subjectCode
        self.departmentCode = departmentCode
        self.documentNumber = documentNumber
        self.version = version
    }
}

/// The decisions about objections (`domain-rules.md` §4 and rule 6), made before anything is written.
public enum ObjectionPlan {
    /// The item a filing names, or why it cannot be read.
    public static func item(_ filing: ObjectionFiling) throws(ObjectionError) -> (RepairCase.Item.Kind, Int) {
        switch (filing.recordId, filing.listingId) {
        case (let id?, nil) where id > 0: return (.record, id)
        case (nil, let id?) where id > 0: return (.listing, id)
        default:
            throw ObjectionError(code: "invalid_field", message: "应给出 recordId 或 listingId 之一 / name a recordId or a listingId")
        }
    }

    /// Whether `filer` may object to `item`, with the grounds and on-behalf details trimmed, or why not.
    /// - Throws: ``ObjectionError`` `missing_field`, `not_your_item`, `identity_check_required`, `objection_open`.
    public static func acceptance(
        _ filing: ObjectionFiling,
        item: ObjectedItem,
        filerKind: Objection.FilerKind,
        filer: String,
        openObjection: Int?
    ) throws(ObjectionError) -> (grounds: String, onBehalfOf: String?, identityCheck: String?) {
        let grounds: String = try Step.required(filing.grounds, code: "missing_field", zh: "异议理由（grounds）", en: "the grounds")
        var onBehalfOf: String?
        var identityCheck: String?
        switch filerKind {
        case .entity:
            guard item.subjectCode == filer else {
                throw ObjectionError(code: "not_your_item", message: "只能对本主体的信用信息提出异议 / an entity objects only to information about itself")
            }
        case .department, .office:
            if item.subjectCode == nil {
                // A natural person's objection about themselves, entered for them: who, and how they were identified.
                guard let name = Step.trimmed(filing.onBehalfOf), let check = Step.trimmed(filing.identityCheck) else {
                    throw ObjectionError(
                        code: "identity_check_required",
                        message:
                            "代自然人提出异议应写明当事人姓名（onBehalfOf）和身份核验方式（identityCheck） / for a natural person, say who (onBehalfOf) and how their identity was checked (identityCheck)"
                    )
                }
                (onBehalfOf, identityCheck) = (name, check)
            }
        }
        if let openObjection {
            throw ObjectionError(
                code: "objection_open",
                message: "该信息已在异议处理中（异议 \(openObjection)） / objection \(openObjection) about this item is still open"
            )
        }
        return (grounds, onBehalfOf, identityCheck)
    }

    /// The source department's deadline for an objection accepted on `acceptedOn`.
    public static func dueBy(acceptedOn: LocalDate, rules: ObjectionRules, calendar: WorkingDayCalendar) -> LocalDate {
        calendar.adding(workingDays: rules.decideWorkingDays, to: acceptedOn)
    }

    static let closed = ObjectionError(code: "objection_closed", message: "该异议已处理 / this objection has been decided")

    /// Checks a decision on `current` by `departmentCode` against the item, and the remedy notice an objection that
    /// was right earns. A correction or supplement is the record's new version, sent first through the record path
    /// (nothing is deleted): the decision names it.
    /// - Throws: ``ObjectionError`` `not_source_department`, `objection_closed`, `reason_required`,
    ///   `outcome_not_for_item` (stop publishing and correcting are for records, leaving a list for entries),
    ///   `correction_not_sent` (no version of the record newer than the one objected to).
    public static func decision(
        _ outcome: Objection.Outcome,
        reason: String,
        on current: Objection,
        item: ObjectedItem,
        departmentCode: String,
        today: LocalDate
    ) throws(ObjectionError) -> (reason: String, remedy: String?, correctedVersion: Int?) {
        guard departmentCode == current.departmentCode else {
            throw ObjectionError(code: "not_source_department", message: "只有信息提供部门可以处理该异议 / only the department that provided the item decides")
        }
        guard current.status == .accepted else { throw closed }
        let reason: String = try Step.required(reason, zh: "处理理由（reason）", en: "the reason for the decision")
        var corrected: Int?
        switch (outcome, item.kind) {
        case (.unpublished, .listing), (.corrected, .listing), (.supplemented, .listing), (.delisted, .record):
            throw ObjectionError(
                code: "outcome_not_for_item",
                message:
                    "停止公示、更正和补充用于记录，列入有误的作移出名单处理 / unpublished, corrected and supplemented are for records; a wrong list entry is delisted"
            )
        case (.corrected, .record), (.supplemented, .record):
            guard item.version > current.itemVersion ?? 0 else {
                throw ObjectionError(
                    code: "correction_not_sent",
                    message:
                        "请先通过记录报送（POST /api/v1/records，写明 changeReason）报送\(outcome.label)后的版本，再作此处理 / send the \(outcome.rawValue) version of the record first"
                )
            }
            corrected = item.version
        default: break
        }
        guard outcome != .upheld else { return (reason, nil, nil) }
        let version = corrected.map { "，\(outcome.label)后的信息为第 \($0) 版，原版本依法留存" } ?? ""
        let remedy = """
            信用信息异议处理结果告知书
            经核查，您对 \(item.documentNumber) 提出的异议（异议编号 \(current.id)）成立，已作“\(outcome.label)”处理：\(reason)\(version)。
            处理日期：\(today)。相关信息已同步更新至公示、共享和核查各环节，由此造成的影响依法予以纠正。
            """
        return (reason, remedy, corrected)
    }
}

/// A step on an objection other than the decision (`POST /api/v1/objections/{id}/steps`).
public struct ObjectionStep: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Codable, Hashable, CaseIterable {
        /// The source department extends its clock once, with who approved it (`approvedBy`) and why.
        case extend
        /// The filer asks once for an upheld objection to be looked at again (复核): the mark returns, a new clock runs.
        case review

        public var label: String {
            switch self {
            case .extend: "延长办理期限 / clock extended"
            case .review: "申请复核 / review asked"
            }
        }
    }

    public var action: Action
    public var reason: String?
    public var approvedBy: String?

    public init(action: Action, reason: String? = nil, approvedBy: String? = nil) {
        self.action = action
        self.reason = reason
        self.approvedBy = approvedBy
    }
}

extension ObjectionPlan {
    /// What a step makes of an objection: its status, deadline, flags, and what the timeline says.
    public struct Stepped: Sendable, Hashable {
        public var reopened: Bool
        public var dueBy: LocalDate
        public var extensionApprovedBy: String?
        public var reviewed: Bool
        public var action: String
        public var reason: String
    }

    /// Why an objection in `current`'s state does not take `action` now, whoever asks; nil when it does: the source
    /// department extends an open objection once; the filer asks once for review of an upheld one.
    public static func refusal(_ action: ObjectionStep.Action, on current: Objection) -> ObjectionError? {
        switch action {
        case .extend:
            if current.status != .accepted { return closed }
            if current.extensionApprovedBy != nil {
                return ObjectionError(code: "already_extended", message: "办理期限只能延长一次 / the clock is extended once only")
            }
        case .review:
            if current.status != .decided || current.outcome != .upheld {
                return ObjectionError(code: "review_not_allowed", message: "只有维持原信息的异议可以申请复核 / only an upheld objection may be reviewed")
            }
            if current.reviewed { return ObjectionError(code: "review_used", message: "本件已申请过复核 / this objection was reviewed once already") }
        }
        return nil
    }

    /// Whether the caller may take `step` on `current` (see ``refusal(_:on:)``), and what it makes of the objection: an
    /// extension of its clock with a named approval, or a review that marks the item again and runs a new clock.
    /// - Parameters:
    ///   - isSourceDepartment: the caller is the department the objection was routed to.
    ///   - isFiler: the caller filed it.
    /// - Throws: ``ObjectionError`` `forbidden`, the codes of ``refusal(_:on:)``, `approval_required`,
    ///   `reason_required`.
    public static func step(
        _ step: ObjectionStep,
        on current: Objection,
        isSourceDepartment: Bool,
        isFiler: Bool,
        today: LocalDate,
        rules: ObjectionRules,
        calendar: WorkingDayCalendar
    ) throws(ObjectionError) -> Stepped {
        switch step.action {
        case .extend where !isSourceDepartment:
            throw ObjectionError(code: "forbidden", message: "只有信息提供部门可以延期 / only the source department extends its clock")
        case .review where !isFiler:
            throw ObjectionError(code: "forbidden", message: "复核由提出异议的一方申请 / the filer asks for review")
        default: break
        }
        if let refusal = refusal(step.action, on: current) { throw refusal }
        switch step.action {
        case .extend:
            let extended: (approvedBy: String, dueBy: LocalDate, reason: String) = try Step.extend(
                approvedBy: step.approvedBy,
                reason: step.reason,
                dueBy: current.dueBy,
                workingDays: rules.extensionWorkingDays,
                calendar: calendar
            )
            return Stepped(
                reopened: false,
                dueBy: extended.dueBy,
                extensionApprovedBy: extended.approvedBy,
                reviewed: current.reviewed,
                action: step.action.label,
                reason: extended.reason
            )
        case .review:
            return Stepped(
                reopened: true,
                dueBy: dueBy(acceptedOn: today, rules: rules, calendar: calendar),
                extensionApprovedBy: current.extensionApprovedBy,
                reviewed: true,
                action: step.action.label,
                reason: try Step.required(step.reason, zh: "复核理由（reason）", en: "the grounds for review")
            )
        }
    }
}

/// Objections, stored with their steps; the item objected to carries the mark while one is open. Implemented by
/// `CreditStore`.
public protocol ObjectionStore: Sendable {
    /// Accepts an objection: the item is marked under objection at once (the same transaction).
    func file(_ filing: ObjectionFiling, filerKind: Objection.FilerKind, filer: String, by: String?) async throws -> Objection
    /// Decides an open objection as its source department, clearing the mark and making the outcome take effect.
    func decide(id: Int, _ outcome: Objection.Outcome, reason: String, departmentCode: String, by: String?) async throws -> Objection
    /// Takes a step ``ObjectionPlan/step(_:on:isSourceDepartment:isFiler:today:rules:calendar:)`` allows.
    /// - Parameter filer: the caller as a filer is named (an entity's code, a department's code, the office's name).
    func step(id: Int, _ step: ObjectionStep, departmentCode: String?, filer: String, by: String?) async throws -> Objection
    /// The bytes of one material of an objection, with what is known of it.
    func material(objectionID: Int, number: Int) async throws -> (CaseMaterial, Data)?
    func objection(id: Int) async throws -> Objection?
    /// Objections filed by `filer`, or routed to a department, newest first.
    func objections(filer: String?, departmentCode: String?, limit: Int) async throws -> [Objection]
}
