import Foundation

/// The commitment item list (信用承诺事项清单): for each item, what the applicant promises, what the department
/// verifies and by when, and what a false commitment costs (国办发〔2019〕35号 §(一); 国办发〔2020〕42号; 深圳经济特区社会信用条例
/// Art. 57–61). Versioned data with an effective date (`Resources/commitments/`), with the 告知承诺 gate's rule.
public struct CommitmentItems: Sendable, Codable, Hashable {
    public var version: String
    public var effectiveFrom: LocalDate
    public var source: String
    /// Fields where 告知承诺 does not apply (国办发〔2020〕42号: national security, public safety, financial prudential
    /// supervision, the environment, life and health).
    public var excludedFields: [Field]
    public var gate: GateRule
    public var items: [CommitmentItem]

    public struct Field: Sendable, Codable, Hashable {
        public var code: String
        public var name: String
    }

    /// Who 告知承诺 and 容缺受理 are refused to, until repaired (国办发〔2020〕42号).
    public struct GateRule: Sendable, Codable, Hashable {
        public var version: String
        public var basis: String
        /// Kinds of list whose entry in force refuses (`black`: 严重失信主体名单).
        public var refuseListKinds: [ListType.Kind]
        /// Severities of an adverse record still public that refuse (`serious`).
        public var refuseSeverities: [Severity]
        /// The catalogue category of a broken or false commitment: one still public refuses.
        public var breachCategory: String
    }

    public func item(_ code: String) -> CommitmentItem? { items.first { $0.code == code } }

    /// The version in force on `day` among `versions`: the latest that took effect by then (the earliest if none has).
    public static func inForce(_ versions: [CommitmentItems], on day: LocalDate) -> CommitmentItems {
        let sorted = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
        return sorted.last { $0.effectiveFrom <= day } ?? sorted.first ?? shipped
    }

    /// The shipped list.
    public static let shipped: CommitmentItems = try! BundledData.decode(CommitmentItems.self, named: "2026-04-01", subdirectory: "commitments")

    /// What is wrong with the list, every problem in one message each (empty: none).
    public func problems() -> [String] {
        var problems: [String] = []
        var codes: Set<String> = []
        let excluded = Set(excludedFields.map(\.code))
        for item in items {
            let c = item.code
            if !codes.insert(c).inserted { problems.append("承诺事项 \(c) 重复 / item \(c) appears twice") }
            if item.basis.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("承诺事项 \(c) 没有依据 / item \(c) has no basis") }
            if item.type.isGated && excluded.contains(item.field) {
                problems.append(
                    "承诺事项 \(c) 属于不适用告知承诺的领域（\(item.field)，国办发〔2020〕42号） / item \(c) is in a field excluded from 告知承诺"
                )
            }
            if item.type.isGated && item.verification == nil {
                problems.append("承诺事项 \(c) 须写明核查内容和期限 / item \(c) must say what is verified and by when")
            }
            if let days = item.verification?.workingDays, !(1...120).contains(days) {
                problems.append("承诺事项 \(c) 的核查期限应为 1 到 120 个工作日 / item \(c): verification within 1 to 120 working days")
            }
            if item.templates.isEmpty { problems.append("承诺事项 \(c) 没有承诺书模板 / item \(c) has no template") }
            for template in item.templates {
                for name in template.placeholders
                where !CommitmentTemplate.platformFields.contains(name) && !template.fields.contains(where: { $0.name == name }) {
                    problems.append(
                        "承诺事项 \(c) 模板 \(template.version) 的 {{\(name)}} 未定义 / template \(template.version) of \(c) names an undefined field \(name)"
                    )
                }
            }
        }
        return problems
    }
}

/// One item of the list.
public struct CommitmentItem: Sendable, Codable, Hashable {
    /// The kinds of commitment (`interface.md`).
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// 审批替代型 / 告知承诺: the commitment replaces a proof or a condition to be shown.
        case approvalSubstitute = "approval-substitute"
        /// 容缺受理: accepted with a gap, the missing material promised by a date.
        case acceptWithGaps = "accept-with-gaps"
        /// 主动型: a voluntary public commitment.
        case voluntary
        /// 行业自律型: an industry association's commitment.
        case industry
        /// 信用修复型: made to repair credit.
        case repair

        public var label: String {
            switch self {
            case .approvalSubstitute: "审批替代（告知承诺）"
            case .acceptWithGaps: "容缺受理"
            case .voluntary: "主动承诺"
            case .industry: "行业自律承诺"
            case .repair: "信用修复承诺"
            }
        }

        /// Whether the 告知承诺 gate decides before it is accepted.
        public var isGated: Bool { self == .approvalSubstitute || self == .acceptWithGaps }
        /// Whether it is published on the entity's page (others are shared among government).
        public var isPublic: Bool { self == .voluntary || self == .industry }
    }

    public struct Verification: Sendable, Codable, Hashable {
        /// What the department checks.
        public var what: String
        /// Working days from signing to the verification's deadline.
        public var workingDays: Int
    }

    public var code: String
    public var name: String
    public var type: Kind
    /// The authority that accepts and verifies it.
    public var authority: String
    /// Words of the names of the departments that own it ("市场监督管理").
    public var issuers: [String]
    /// The field it belongs to (checked against ``CommitmentItems/excludedFields``).
    public var field: String
    public var basis: String
    /// The conditions the applicant promises.
    public var conditions: [String]
    /// Nil for a commitment nobody verifies at a date (a voluntary one is checked in later supervision).
    public var verification: Verification?
    /// What a false commitment or non-performance costs.
    public var consequences: String
    public var templates: [CommitmentTemplate]

    /// The template in force on `day` (the latest that took effect by then).
    public func template(on day: LocalDate) -> CommitmentTemplate? {
        templates.filter { $0.effectiveFrom <= day }.max { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// Whether `department` owns the item.
    public func isOwned(by departmentName: String) -> Bool { issuers.contains { departmentName.contains($0) } }
}

/// A versioned template of a commitment's text (Chinese, with `{{field}}` placeholders): the platform fills its own
/// fields (``platformFields``), the applicant the template's ``fields``.
public struct CommitmentTemplate: Sendable, Codable, Hashable {
    public struct Field: Sendable, Codable, Hashable {
        public var name: String
        public var label: String
        public var required: Bool
        public var maxLength: Int
    }

    public var version: String
    public var effectiveFrom: LocalDate
    public var text: String
    public var fields: [Field]

    /// Filled by the platform: the subject, the item, its conditions, verification and consequences, the day.
    public static let platformFields: Set<String> = [
        "subjectName", "subjectCode", "itemName", "authority", "conditions", "verification", "consequences", "date",
    ]

    /// The names between `{{` and `}}`, in order.
    public var placeholders: [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// The text with every placeholder replaced.
    public func render(_ values: [String: String]) -> String {
        var out = text
        for name in placeholders { out = out.replacingOccurrences(of: "{{\(name)}}", with: values[name] ?? "") }
        return out
    }
}
