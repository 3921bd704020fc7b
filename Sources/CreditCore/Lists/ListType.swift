import Foundation

/// A kind of list (红黑名单) subjects are entered on: who keeps it, on what legal basis (none without one: 国办发〔2020〕49号),
/// who may be entered and for how long, and whether its measures reach the persons behind a listed entity.
public struct ListType: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// 严重失信主体名单: serious dishonesty.
        case black
        /// 守信激励对象名单: trustworthy, with incentives.
        case red
        /// 重点关注名单: attention.
        case focus
        /// 市场和行业禁入: a ban.
        case ban

        public var label: String {
            switch self {
            case .black: "严重失信主体名单"
            case .red: "守信激励名单"
            case .focus: "重点关注名单"
            case .ban: "市场和行业禁入"
            }
        }
    }

    /// A role the list's measures reach, with the law that says so (深圳经济特区社会信用条例 Art. 68: only where a law
    /// or regulation does).
    public struct Extension: Sendable, Codable, Hashable {
        /// A person holding this role in a listed entity (山东省社会信用条例 Art. 31).
        public var role: PersonRole
        public var basis: String

        public init(role: PersonRole, basis: String) {
            self.role = role
            self.basis = basis
        }
    }

    /// The fixed code (`interface.md`), lower-case letters, digits and hyphens.
    public var code: String
    public var name: String
    public var kind: Kind
    /// The authority that enters subjects on it.
    public var authority: String
    /// The law, regulation or central policy the list rests on.
    public var basis: String
    /// Who is entered, as the basis says.
    public var criteria: String
    /// How long an entry lasts unless its decision says otherwise; nil when the issuing authority always says.
    public var validityMonths: Int?
    /// When and how an entry may end early; nil when it may not (a statutory ban runs its term): no repair then.
    public var earlyRemoval: String?
    /// The months an entry must have lasted before leaving early may be asked for, where the list's own rule sets
    /// them (总局令第44号: one year); the minimum period of serious dishonesty applies besides.
    public var repairAfterMonths: Int?
    /// The roles in a listed entity its measures reach (empty: the entity alone).
    public var extendsTo: [Extension]
    /// Who sees its entries: the public (persons masked), or government only.
    public var disclosure: Catalogue.Disclosure
    /// What is still to be confirmed about it, or why it is as it is.
    public var note: String?
    /// Words of the names of the departments that may enter subjects on it (a department whose name holds one of
    /// them: "法院" for a 中级人民法院).
    public var issuers: [String]?
    /// The catalogue category whose records are this list's entries (a court's 失信被执行人 records): the same facts,
    /// not a second copy; a record withdrawn by its department ends its entry.
    public var recordCategory: String?
    /// Whether minors are never entered (法释〔2017〕7号 第六条 for judgment debtors).
    public var excludesMinors: Bool?

    public init(
        code: String,
        name: String,
        kind: Kind,
        authority: String,
        basis: String,
        criteria: String,
        validityMonths: Int?,
        earlyRemoval: String?,
        extendsTo: [Extension],
        disclosure: Catalogue.Disclosure,
        note: String? = nil,
        issuers: [String]? = nil,
        recordCategory: String? = nil,
        excludesMinors: Bool? = nil,
        repairAfterMonths: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.kind = kind
        self.authority = authority
        self.basis = basis
        self.criteria = criteria
        self.validityMonths = validityMonths
        self.earlyRemoval = earlyRemoval
        self.extendsTo = extendsTo
        self.disclosure = disclosure
        self.note = note
        self.issuers = issuers
        self.recordCategory = recordCategory
        self.excludesMinors = excludesMinors
        self.repairAfterMonths = repairAfterMonths
    }

    /// Whether a department may enter subjects on this list.
    public func mayBeIssued(by department: Department) -> Bool {
        (issuers ?? []).contains { department.name.contains($0) }
    }

    /// The last day of an entry starting on `start` with the default validity (two years from 2026-03-10 end on
    /// 2028-03-09); nil when the list has none.
    public func defaultEnd(startingOn start: LocalDate) -> LocalDate? {
        validityMonths.map { start.adding(months: $0).adding(days: -1) }
    }
}

/// A list type that cannot be loaded: `invalid_list_types` (every problem listed) or `list_types_version_exists`.
public typealias ListError = AreaError<ListType>

/// One version of the list types: versioned data with an effective date, loaded by the credit office.
public struct ListTypes: Sendable, Codable, Hashable {
    public var version: String
    public var effectiveFrom: LocalDate
    public var source: String
    public var types: [ListType]
    /// Where checks are made (the fixed codes of `interface.md` and any the city adds).
    public var scenarios: [Scenario]?
    /// The measures catalogue (失信惩戒措施基础清单 and the incentives): only these may be applied.
    public var measures: [Measure]?

    public init(
        version: String,
        effectiveFrom: LocalDate,
        source: String,
        types: [ListType],
        scenarios: [Scenario]? = nil,
        measures: [Measure]? = nil
    ) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.source = source
        self.types = types
        self.scenarios = scenarios
        self.measures = measures
    }

    public func type(_ code: String) -> ListType? { types.first { $0.code == code } }

    /// The list types shipped with the platform: the national lists of `domain-rules.md` §5 with `interface.md`'s codes.
    /// The shipped list types, read once (every read of the lists starts from them).
    public static let shipped: ListTypes = try! bundled()

    public static func bundled() throws -> ListTypes {
        try BundledData.decode(ListTypes.self, named: "2026-04-01", subdirectory: "lists")
    }

    /// The fixed codes other systems depend on (`interface.md`): no version may drop one.
    public static let fixedCodes = [
        "dishonest-judgment-debtor", "major-tax-violator", "market-serious-violator", "procurement-serious-violator", "a-grade-taxpayer",
    ]

    /// What is wrong with a version the credit office wants to load, in Chinese and English; empty when it may be
    /// loaded. Like the catalogue, a version takes effect today or later.
    public func problems(today: LocalDate) -> [String] {
        var problems: [String] = []
        if version.trimmingCharacters(in: .whitespaces).isEmpty || version.count > 40 {
            problems.append("版本号应为 1 到 40 个字 / version must be 1 to 40 characters")
        }
        if effectiveFrom < today {
            problems.append("生效日期 \(effectiveFrom) 早于今天 \(today)：名单类型不能追溯生效 / effectiveFrom is in the past")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        var codes = Set<String>()
        for type in types {
            let c = type.code
            if !codes.insert(c).inserted { problems.append("名单 \(c) 重复 / list \(c) appears twice") }
            if c.isEmpty || c.count > 60 || !c.allSatisfy(allowed.contains) || c.first == "-" {
                problems.append("名单代码 \(c) 应为小写字母、数字和连字符 / list codes are lower-case letters, digits and hyphens")
            }
            if type.name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("名单 \(c) 没有名称 / list \(c) has no name") }
            if type.authority.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("名单 \(c) 没有列入机关 / list \(c) names no authority")
            }
            if type.basis.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("名单 \(c) 没有法律依据：没有依据不得设立名单 / list \(c) has no legal basis, and no list exists without one")
            }
            if let months = type.validityMonths, !(1...120).contains(months) {
                problems.append("名单 \(c) 的有效期应为 1 到 120 个月 / list \(c): validity is 1 to 120 months")
            }
            if let months = type.repairAfterMonths, !(1...120).contains(months) || type.earlyRemoval == nil {
                problems.append("名单 \(c) 的提前移出等待期应为 1 到 120 个月，且须写明移出条件 / list \(c): repairAfterMonths is 1 to 120, with earlyRemoval")
            }
            for reach in type.extendsTo where reach.basis.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(
                    "名单 \(c) 的措施及于\(reach.role.label)须有依据 / list \(c) reaches the \(reach.role.rawValue) only with a basis"
                )
            }
            if (type.issuers ?? []).allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                problems.append("名单 \(c) 没有写明由哪些部门列入（issuers） / list \(c) names no issuing departments")
            }
            if Set(type.extendsTo.map(\.role)).count != type.extendsTo.count {
                problems.append("名单 \(c) 的措施对象重复 / list \(c) names a role twice")
            }
        }
        for code in Self.fixedCodes where !codes.contains(code) {
            problems.append("缺少固定名单 \(code)：其他系统按此代码查询 / the fixed list \(code) is missing; other systems ask for it")
        }
        return problems + measureProblems()
    }
}

/// Every version of the list types the platform knows; the one in force on a day is the latest effective on or before it.
public struct ListTypeVersions: Sendable {
    public var all: [ListTypes]

    public init(_ versions: [ListTypes]) { all = versions.sorted { $0.effectiveFrom < $1.effectiveFrom } }

    /// The version in force on a day (the earliest known one for a day before them all).
    public func inForce(on day: LocalDate) -> ListTypes { all.last { $0.effectiveFrom <= day } ?? all[0] }
}

/// The list-type versions the credit office loads (`credit lists load`, `PUT /api/v1/lists`); the shipped version is
/// always known and never stored. Implemented by `CreditStore`.
public protocol ListTypeStore: Sendable {
    /// Checks and stores a new version; versions are never rewritten.
    /// - Throws: ``ListError`` `invalid_list_types` listing every problem, or `list_types_version_exists`.
    func load(_ types: ListTypes, loadedBy: String?) async throws
    /// The shipped version and every stored one.
    func versions() async throws -> ListTypeVersions
}
