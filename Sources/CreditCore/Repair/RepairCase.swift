import Foundation

/// One repair application and what became of it: the items, the department that decides them (谁认定、谁修复), the
/// working-day clock, the commitment the applicant signed, and every step with who, when and why.
public struct RepairCase: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, Hashable, CaseIterable {
        /// Accepted and with the deciding department, its clock running.
        case accepted
        /// The department asked, once and in full, for more material: the clock waits for the applicant.
        case awaitingMaterial
        case approved
        case rejected
        case withdrawn

        public var label: String {
            switch self {
            case .accepted: "办理中"
            case .awaitingMaterial: "待补正材料"
            case .approved: "已修复"
            case .rejected: "不予修复"
            case .withdrawn: "已撤回"
            }
        }

        public var isOpen: Bool { self == .accepted || self == .awaitingMaterial }
    }

    public struct Item: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Codable, Hashable {
            case record, listing
        }

        public var kind: Kind
        public var id: Int
        public var firstEligibleDay: LocalDate

        public init(kind: Kind, id: Int, firstEligibleDay: LocalDate) {
            self.kind = kind
            self.id = id
            self.firstEligibleDay = firstEligibleDay
        }
    }

    public struct Event: Sendable, Hashable, Codable {
        public var at: String
        public var actor: String?
        public var action: String
        public var reason: String?

        public init(at: String, actor: String?, action: String, reason: String?) {
            self.at = at
            self.actor = actor
            self.action = action
            self.reason = reason
        }
    }

    public var id: Int
    public var entityCode: String
    public var departmentCode: String
    public var items: [Item]
    public var status: Status
    public var acceptedOn: LocalDate
    public var dueBy: LocalDate
    public var commitment: String
    /// SHA-256 of the commitment text, hex.
    public var commitmentHash: String
    public var rulesVersion: String
    public var decidedOn: LocalDate?
    public var reason: String?
    /// Who approved the one extension of the clock, when there was one.
    public var extensionApprovedBy: String?
    public var materialRequested: Bool
    /// The applicant asked for the one review a rejection allows.
    public var reviewed: Bool
    public var materials: [CaseMaterial]
    public var events: [Event]

    public init(
        id: Int,
        entityCode: String,
        departmentCode: String,
        items: [Item],
        status: Status,
        acceptedOn: LocalDate,
        dueBy: LocalDate,
        commitment: String,
        commitmentHash: String,
        rulesVersion: String,
        decidedOn: LocalDate? = nil,
        reason: String? = nil,
        extensionApprovedBy: String? = nil,
        materialRequested: Bool = false,
        reviewed: Bool = false,
        materials: [CaseMaterial] = [],
        events: [Event] = []
    ) {
        self.id = id
        self.entityCode = entityCode
        self.departmentCode = departmentCode
        self.items = items
        self.status = status
        self.acceptedOn = acceptedOn
        self.dueBy = dueBy
        self.commitment = commitment
        self.commitmentHash = commitmentHash
        self.rulesVersion = rulesVersion
        self.decidedOn = decidedOn
        self.reason = reason
        self.extensionApprovedBy = extensionApprovedBy
        self.materialRequested = materialRequested
        self.reviewed = reviewed
        self.materials = materials
        self.events = events
    }

    /// Overdue on `day`: with the department after its last day (the clock waits while material is awaited).
    public func isOverdue(on day: LocalDate) -> Bool { status == .accepted && dueBy < day }
}

/// An application as an entity sends it (`POST /api/v1/repairs`).
public struct RepairApplication: Sendable, Hashable, Codable {
    public struct ItemRef: Sendable, Hashable, Codable {
        public var recordId: Int?
        public var listingId: Int?

        public init(recordId: Int? = nil, listingId: Int? = nil) {
            self.recordId = recordId
            self.listingId = listingId
        }
    }

    public struct Commitment: Sendable, Hashable, Codable {
        public var accepted: Bool
        public var text: String?

        public init(accepted: Bool, text: String? = nil) {
            self.accepted = accepted
            self.text = text
        }
    }

    public var items: [ItemRef]
    public var commitment: Commitment?
    /// Proof that the obligations were fulfilled and the like, sent with the application.
    public var materials: [MaterialUpload]?

    public init(items: [ItemRef], commitment: Commitment?, materials: [MaterialUpload]? = nil) {
        self.items = items
        self.commitment = commitment
        self.materials = materials
    }

    /// The items named, each once, or why the application cannot be read.
    public func parsed() throws(RepairError) -> [RepairCase.Item.Kind: [Int]] {
        guard !items.isEmpty, items.count <= 20 else {
            throw RepairError(code: "invalid_field", message: "应申请 1 至 20 项（items） / name 1 to 20 items")
        }
        var named: [RepairCase.Item.Kind: [Int]] = [:]
        for item in items {
            switch (item.recordId, item.listingId) {
            case (let id?, nil) where id > 0: named[.record, default: []].append(id)
            case (nil, let id?) where id > 0: named[.listing, default: []].append(id)
            default:
                throw RepairError(code: "invalid_field", message: "每项应给出 recordId 或 listingId 之一 / each item names a recordId or a listingId")
            }
        }
        guard named.values.allSatisfy({ Set($0).count == $0.count }) else {
            throw RepairError(code: "invalid_field", message: "同一事项申请了两次 / an item is named twice")
        }
        return named
    }

    /// The commitment text the applicant signs (信用修复承诺书, from the rules' template), or why there is none.
    public static func commitmentText(entityName: String, entityCode: String, documents: [String], date: LocalDate) -> String {
        """
        信用修复承诺书
        本单位\(entityName)（统一社会信用代码 \(entityCode)）就以下失信信息申请信用修复：\(documents.joined(separator: "；"))。
        本单位承诺：已纠正失信行为、履行相关义务，所提交材料真实、准确、完整；如有虚假承诺或不履行承诺，愿依法承担责任并接受失信惩戒。
        承诺日期：\(date)
        """
    }
}

/// The deciding department's answer (`POST /api/v1/repairs/{id}/decision`).
public struct RepairDecision: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Codable, Hashable {
        case approved, rejected
    }

    public var outcome: Outcome
    public var reason: String

    public init(outcome: Outcome, reason: String) {
        self.outcome = outcome
        self.reason = reason
    }
}

/// A step on a case other than the decision (`POST /api/v1/repairs/{id}/steps`).
public struct RepairStep: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Codable, Hashable, CaseIterable {
        /// The department asks, once and in full, for what is missing (`reason` lists it).
        case requestMaterial = "request-material"
        /// The applicant answers with `materials` (and a note): the department's clock starts again.
        case supply
        /// The department extends its clock once, with who approved it (`approvedBy`) and why.
        case extend
        case withdraw
        /// The applicant asks once for a rejected case to be looked at again (`reason`: why).
        case review

        public var label: String {
            switch self {
            case .requestMaterial: "要求补正材料 / more material requested"
            case .supply: "补正材料 / material supplied"
            case .extend: "延长办理期限 / clock extended"
            case .withdraw: "撤回申请 / withdrawn"
            case .review: "申请复核 / review asked"
            }
        }
    }

    public var action: Action
    public var reason: String?
    public var approvedBy: String?
    public var materials: [MaterialUpload]?

    public init(action: Action, reason: String? = nil, approvedBy: String? = nil, materials: [MaterialUpload]? = nil) {
        self.action = action
        self.reason = reason
        self.approvedBy = approvedBy
        self.materials = materials
    }
}

/// Who takes a step on a case.
public enum CaseActor: Sendable, Hashable {
    case entity(String)
    case department(String)
}

/// Repair cases, stored with their items and steps. Implemented by `CreditStore`.
public protocol RepairStore: Sendable {
    /// Accepts an application of `entityCode` when ``RepairPlan/eligibility`` allows every item; the case goes to the
    /// department that decided them.
    /// - Throws: ``RepairError``: `item_not_found`, `repair_items_across_departments`, `commitment_required`, and the
    ///   plan's codes.
    func apply(entityCode: String, _ application: RepairApplication, by: String?) async throws -> RepairCase
    /// Decides an open case as its department: approval ends each record's publication and each listing early
    /// (`removed`), as new versions, in one transaction.
    /// - Throws: ``RepairError`` `repair_not_found`, `not_deciding_department`, `repair_closed`, `reason_required`.
    func decide(id: Int, _ decision: RepairDecision, departmentCode: String, by: String?) async throws -> RepairCase
    /// Takes a step that ``RepairPlan/step(_:on:actor:today:rules:calendar:)`` allows, with its materials, in one
    /// transaction.
    func step(id: Int, _ step: RepairStep, actor: CaseActor, by: String?) async throws -> RepairCase
    /// The bytes of one material of a case, with what is known of it.
    func material(caseID: Int, number: Int) async throws -> (CaseMaterial, Data)?
    func repairCase(id: Int) async throws -> RepairCase?
    /// Cases of an entity, or of a department, newest first.
    func cases(entityCode: String?, departmentCode: String?, limit: Int) async throws -> [RepairCase]
}
