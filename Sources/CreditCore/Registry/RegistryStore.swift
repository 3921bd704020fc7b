/// What the registry shows about an entity: the current version with its labels resolved.
public struct EntityRecord: Sendable, Hashable {
    public var code: CreditCode
    public var name: String
    public var formerNames: [String]
    public var kind: EntityKind
    public var status: EntityStatus
    public var regionCode: String
    public var industryDivision: String
    public var establishedOn: LocalDate
    public var legalRepresentativeName: String
    /// 1 for a first registration; each change of a registered fact adds one.
    public var version: Int

    public init(
        code: CreditCode,
        name: String,
        formerNames: [String],
        kind: EntityKind,
        status: EntityStatus,
        regionCode: String,
        industryDivision: String,
        establishedOn: LocalDate,
        legalRepresentativeName: String,
        version: Int
    ) {
        self.code = code
        self.name = name
        self.formerNames = formerNames
        self.kind = kind
        self.status = status
        self.regionCode = regionCode
        self.industryDivision = industryDivision
        self.establishedOn = establishedOn
        self.legalRepresentativeName = legalRepresentativeName
        self.version = version
    }
}

/// One stored version of an entity's registered facts.
public struct EntityVersion: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var legalRepresentativeName: String
    public var status: EntityStatus
    public var recordedAt: String
    public var reason: String?

    public init(version: Int, name: String, legalRepresentativeName: String, status: EntityStatus, recordedAt: String, reason: String?) {
        self.version = version
        self.name = name
        self.legalRepresentativeName = legalRepresentativeName
        self.status = status
        self.recordedAt = recordedAt
        self.reason = reason
    }
}

/// What happened to a registration.
public enum RegistrationOutcome: String, Sendable, Hashable {
    /// A new entity.
    case accepted
    /// A changed entity: a new version was stored.
    case updated
    /// The same facts as the current version: nothing stored.
    case unchanged
}

/// A page of search results.
public struct EntitySearchPage: Sendable, Hashable {
    public var items: [EntityRecord]
    /// The number of matches, counted up to the query's ``EntitySearchQuery/countLimit``.
    public var total: Int
    /// True when there are more matches than ``total`` says.
    public var totalIsLowerBound: Bool

    public init(items: [EntityRecord], total: Int, totalIsLowerBound: Bool) {
        self.items = items
        self.total = total
        self.totalIsLowerBound = totalIsLowerBound
    }
}

/// A request to search the registry by name fragment or whole credit code.
public struct EntitySearchQuery: Sendable, Hashable {
    /// What the user searches for, either a code or a name fragment.
    public enum Term: Sendable, Hashable {
        case code(CreditCode)
        /// A fragment already normalised with ``NameSearch/normalize(_:)``, at least two characters long.
        case nameFragment(String)
    }

    /// Matches are counted up to this many by default; beyond it the total is "more than".
    public static let defaultCountLimit = 1_000

    public var term: Term
    /// 1-based.
    public var page: Int
    public var size: Int
    /// Matches are counted up to this many; beyond it the total is "more than".
    public var countLimit: Int

    public init(term: Term, page: Int, size: Int, countLimit: Int = EntitySearchQuery.defaultCountLimit) {
        self.term = term
        self.page = page
        self.size = size
        self.countLimit = countLimit
    }
}

/// Persistence of the subject registry and the department list; implemented by `CreditStore`.
public protocol RegistryStore: Sendable {
    /// Registers or updates an entity; a change of any registered fact becomes a new version.
    func register(_ entity: Entity, reason: String?) async throws -> RegistrationOutcome
    /// Stores checked registrations in order, in one transaction: each entity (a new version when a registered fact
    /// changed) and the further persons' roles it names that it does not have yet (starting today). A new role on
    /// an otherwise unchanged entity counts as an update. Sending the same registrations again changes nothing.
    func apply(_ registrations: [EntityRegistration]) async throws -> [RegistrationOutcome]
    /// Registers many new entities with their persons and roles in one transaction (the demo generator, bulk loads).
    func registerNew(_ items: [NewEntity]) async throws
    func fetchEntity(code: CreditCode) async throws -> EntityRecord?
    func fetchVersions(code: CreditCode) async throws -> [EntityVersion]
    func fetchRoles(code: CreditCode) async throws -> [(role: PersonRole, name: String, startsOn: LocalDate, endsOn: LocalDate?)]
    func searchEntities(_ query: EntitySearchQuery) async throws -> EntitySearchPage
    func countEntities() async throws -> Int
    /// Refreshes the database's planner statistics after a bulk load.
    func refreshStatistics() async throws

    /// Registers a department, or renames it when the code exists.
    func addDepartment(_ department: Department) async throws
    func fetchDepartments() async throws -> [Department]
}

extension RegistryStore {
    /// Stores one checked registration (see ``apply(_:)-([EntityRegistration])``).
    public func apply(_ registration: EntityRegistration) async throws -> RegistrationOutcome {
        try await apply([registration])[0]
    }
}

/// The normalisation that name search uses on both engines, so that a fragment matches the same
/// names on SQLite and on PostgreSQL.
public enum NameSearch {
    /// Letters and digits only; full-width ASCII folded to half-width; Latin letters lower-cased.
    /// "（济南）历下 ＡＢＣ" → "济南历下abc".
    public static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for var scalar in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value) { scalar = Unicode.Scalar(scalar.value - 0xFEE0)! }
            let p = scalar.properties
            guard p.isAlphabetic || p.numericType != nil else { continue }
            if scalar.isASCII { out.append(contentsOf: String(scalar).lowercased().unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// The overlapping two-character grams of a normalised name: "济南历下" → ["济南", "南历", "历下"].
    public static func bigrams(_ normalized: String) -> [String] {
        let chars = Array(normalized)
        guard chars.count >= 2 else { return chars.isEmpty ? [] : [String(chars)] }
        return (0..<(chars.count - 1)).map { String(chars[$0]) + String(chars[$0 + 1]) }
    }
}
