import Foundation

/// The categories of credit information the platform may collect (the catalogue gate: the law forbids
/// collecting outside the 公共信用信息基础目录 and its local supplement), with their fields, disclosure level
/// and publication rule. Versioned data with an effective date: the credit office loads a new version;
/// the version in force on a day governs submissions of that day.
public struct Catalogue: Sendable, Codable, Hashable {
    public var version: String
    public var effectiveFrom: LocalDate
    public var source: String
    public var categories: [Category]

    public init(version: String, effectiveFrom: LocalDate, source: String, categories: [Category]) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.source = source
        self.categories = categories
    }

    public func category(_ code: String) -> Category? { categories.first { $0.code == code } }

    /// The catalogue shipped with the platform.
    public static func bundled() throws -> Catalogue {
        try BundledData.decode(Catalogue.self, named: "2026-04-01", subdirectory: "catalogue")
    }

    /// Who may see records of a category.
    public enum Disclosure: String, Sendable, Codable, Hashable {
        /// Everyone, inside the publication window.
        case `public`
        /// Government users (departments, the credit office, inspectors, approvers), not the public.
        case government
        /// Only on an authorised query with a purpose.
        case authorised
    }

    /// How long records of a category are public.
    public struct Publication: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable, Hashable {
            /// Adverse records: by severity, under the publication rule set in force (``PublicationRules``).
            case severity
            /// A fixed number of months from the decision date.
            case fixed
            /// A court's list (失信被执行人, 虚假诉讼): from the listing until the term the court sends (`listedUntil`),
            /// ended early by the court's deletion (法释〔2017〕7号); no severity period.
            case court
            /// Never published.
            case none
        }
        public var kind: Kind
        public var months: Int?
        /// Whether minor (轻微) records of this category are published at all (then at most the rule's maximum).
        public var publishMinor: Bool?
        /// Whether a record whose subject has not corrected its conduct stays public past the maximum period, and how
        /// long; absent: it comes down at the maximum whatever the department says.
        public var uncorrected: Uncorrected?

        public init(kind: Kind, months: Int? = nil, publishMinor: Bool? = nil, uncorrected: Uncorrected? = nil) {
            self.kind = kind
            self.months = months
            self.publishMinor = publishMinor
            self.uncorrected = uncorrected
        }
    }

    /// Order 36's exception at the maximum period: a record the department marks uncorrected (with the basis, fields
    /// `uncorrectedBasis` and `uncorrectedUntil`) stays public through the day the department states, as the sector's
    /// rule has it (a restriction's end: 总局令第45号 Art. 13), at most `longestMonths` past the maximum when set.
    public struct Uncorrected: Sendable, Codable, Hashable {
        public var longestMonths: Int?
        /// The rule that keeps such a record public, shown with it.
        public var source: String

        public init(longestMonths: Int?, source: String) {
            self.longestMonths = longestMonths
            self.source = source
        }
    }

    public struct Field: Sendable, Codable, Hashable {
        public enum FieldType: String, Sendable, Codable, Hashable {
            case text, date, creditCode, idNumber, severity, money, procedure
            /// An amount in 万元 as the national standard writes it (0.5 = 5,000 yuan), stored exactly in fen.
            case wanYuan
            /// 行政相对人类别: which of the code and the identity number names the subject.
            case subjectKind
        }
        /// The API name (lowerCamelCase).
        public var name: String
        /// The Chinese column name of the national data standard.
        public var label: String
        /// Column names accepted in files for this field (the label among them).
        public var aliases: [String]
        public var type: FieldType
        public var required: Bool
        /// Required of decisions made on or after this day (a field a rule adds: earlier records may lack it).
        public var requiredFrom: LocalDate?
        public var help: String?

        /// The column's name in the national standard: the label, or the standard's numbered name for a subject code
        /// (行政相对人代码_1（统一社会信用代码）).
        public var standardColumn: String { aliases.first { $0.hasPrefix("行政相对人代码_") && $0.contains("（") } ?? label }

        /// A column of a file that is not a catalogue category's (registrations, listing decisions): named by `label`
        /// and `aliases` in Chinese as well as by its API name.
        public static func column(
            _ name: String,
            _ label: String,
            _ aliases: [String],
            _ type: FieldType,
            required: Bool,
            help: String? = nil
        ) -> Field {
            Field(name: name, label: label, aliases: [label] + aliases, type: type, required: required, help: help)
        }

        /// Whether a file's column header names this field, by its API name or any alias.
        public func isNamed(byColumn column: String) -> Bool {
            let trimmed = column.trimmingCharacters(in: .whitespaces)
            if name == trimmed || aliases.contains(trimmed) { return true }
            // Exports differ in brackets and spaces (行政相对人代码_1(统一社会信用代码)) and in the case of field codes.
            let folded = Self.fold(trimmed)
            return aliases.contains { Self.fold($0) == folded }
        }

        /// A column name with half-width brackets made full-width, spaces removed and Latin letters upper-cased.
        static func fold(_ text: String) -> String {
            String(
                text.uppercased().compactMap { c -> Character? in
                    switch c {
                    case "(": "（"
                    case ")": "）"
                    case " ", "\u{3000}": nil
                    default: c
                    }
                }
            )
        }
    }

    public struct Category: Sendable, Codable, Hashable {
        public var code: String
        public var name: String
        public var adverse: Bool
        public var disclosure: Disclosure
        /// Who sees the records about natural persons, when not as ``disclosure`` says.
        public var personDisclosure: Disclosure?
        /// Why the category is collected and disclosed as it is (the source), shown on the catalogue page.
        public var note: String?
        /// The 7-working-day clock of 国办发〔2019〕35号: working days after the decision by which a record must be on
        /// the platform; absent for what the seed does not time (courts' lists, complaints, third-party and voluntary
        /// information).
        public var deadlineWorkingDays: Int?
        public var publication: Publication
        public var fields: [Field]

        /// Who sees a record of this category about an entity, or about a natural person.
        public func disclosure(aboutPerson: Bool) -> Disclosure { aboutPerson ? personDisclosure ?? disclosure : disclosure }

        public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    }
}

/// How bad an adverse record is (国办发〔2025〕22号 §2): 轻微 / 一般 / 严重.
public enum Severity: String, Sendable, Codable, Hashable, CaseIterable {
    case minor, general, serious

    public var label: String {
        switch self {
        case .minor: "轻微"
        case .general: "一般"
        case .serious: "严重"
        }
    }

    /// Accepts the code or the Chinese label.
    public init?(text: String) {
        if let s = Severity.allCases.first(where: { $0.rawValue == text || $0.label == text }) {
            self = s
            return
        }
        let t = text.trimmingCharacters(in: .whitespaces)
        if let s = Severity(rawValue: t) {
            self = s
        } else if let s = Severity.allCases.first(where: { $0.label == t || $0.label + "失信" == t }) {
            self = s
        } else {
            return nil
        }
    }
}

/// The procedure a penalty was decided under (行政处罚法 Chapter V): 简易程序 decisions on the spot, or 普通程序.
public enum Procedure: String, Sendable, Codable, Hashable, CaseIterable {
    case ordinary, simple

    public var label: String { self == .ordinary ? "普通程序" : "简易程序" }

    /// Accepts the code, the Chinese label, or its short form (普通, 简易).
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let p = Procedure.allCases.first(where: { $0.rawValue == t || $0.label == t || String($0.label.prefix(2)) == t }) else { return nil }
        self = p
    }
}

/// 行政相对人类别 of the national 双公示 standard.
public enum SubjectKind: String, Sendable, Codable, Hashable, CaseIterable {
    /// 法人及非法人组织: the subject is named by its credit code.
    case organisation
    /// 自然人: the subject is named by an identity number.
    case person
    /// 个体工商户: by its credit code when it has one, else by its operator's identity number.
    case individualBusiness = "individual-business"

    public var label: String {
        switch self {
        case .organisation: "法人及非法人组织"
        case .person: "自然人"
        case .individualBusiness: "个体工商户"
        }
    }

    /// Accepts the code, the standard's label, or the shorter names exports use (法人, 非法人组织, 个体户).
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch t {
        case "organisation", "法人及非法人组织", "法人和非法人组织", "法人", "非法人组织", "法人或其他组织": self = .organisation
        case "person", "自然人": self = .person
        case "individual-business", "个体工商户", "个体户": self = .individualBusiness
        default: return nil
        }
    }
}

/// Amounts in 万元, read exactly.
public enum WanYuan {
    /// Fen in an amount written in 万元 (1 万元 = 1,000,000 fen): digits with at most 6 decimals, not negative; nil
    /// for anything else (a unit, a thousands separator, a sign, more decimals).
    public static func fen(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 9, whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else { return nil }
        return Int(whole)! * 1_000_000 + Int(fraction.padding(toLength: 6, withPad: "0", startingAt: 0))!
    }

    /// Fen written in 万元, without trailing zeros (500,000 fen: "0.5").
    public static func text(_ fen: Int) -> String {
        let (whole, rest) = (fen / 1_000_000, fen % 1_000_000)
        guard rest > 0 else { return String(whole) }
        var fraction = String(rest)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
