/// The kind of a market entity (市场主体类型).
public enum EntityKind: String, Sendable, Codable, CaseIterable, Hashable {
    case enterprise
    case individualBusiness = "individual-business"
    case farmersCooperative = "farmers-cooperative"
    case socialOrganisation = "social-organisation"
    case publicInstitution = "public-institution"
    case governmentBody = "government-body"
    case other

    /// The Chinese label shown on pages.
    public var label: String {
        switch self {
        case .enterprise: "企业"
        case .individualBusiness: "个体工商户"
        case .farmersCooperative: "农民专业合作社"
        case .socialOrganisation: "社会组织"
        case .publicInstitution: "事业单位"
        case .governmentBody: "机关"
        case .other: "其他"
        }
    }
}

extension EntityKind {
    /// Reads the API code, the label, or the 企业类型 of a registration export: “有限责任公司（自然人投资或控股）” and
    /// “股份有限公司” are enterprises, “个体工商户” an individual business, “农民专业合作社” a cooperative.
    public init?(text: String) {
        let t = text.trimmingASCIIWhitespace()
        if let kind = EntityKind(rawValue: t) ?? EntityKind.allCases.first(where: { $0.label == t }) {
            self = kind
        } else if t.contains("个体") {
            self = .individualBusiness
        } else if t.contains("合作社") {
            self = .farmersCooperative
        } else if ["社会团体", "民办非企业单位", "基金会", "社会服务机构"].contains(where: { t.contains($0) }) {
            // Before “企业”: a 民办非企业单位 is not an enterprise.
            self = .socialOrganisation
        } else if t.contains("事业单位") {
            self = .publicInstitution
        } else if t.contains("公司") || t.contains("企业") || t.contains("合伙") {
            self = .enterprise
        } else {
            return nil
        }
    }
}

/// The registration status of an entity.
public enum EntityStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case operating
    case deregistered
    case revoked

    public var label: String {
        switch self {
        case .operating: "存续（在营）"
        case .deregistered: "注销"
        case .revoked: "吊销"
        }
    }
}

extension EntityStatus {
    /// Reads the API code or the 登记状态 of a registration export: 存续, 在营, 开业 (operating), 注销, 吊销.
    public init?(text: String) {
        let t = text.trimmingASCIIWhitespace()
        if let status = EntityStatus(rawValue: t) {
            self = status
        } else if ["存续", "在营", "开业"].contains(where: { t.hasPrefix($0) }) {
            self = .operating
        } else if t.hasPrefix("注销") {
            self = .deregistered
        } else if t.hasPrefix("吊销") {
            self = .revoked
        } else {
            return nil
        }
    }
}

/// The role that links a natural person to an entity.
public enum PersonRole: String, Sendable, Codable, CaseIterable, Hashable {
    case legalRepresentative = "legal-representative"
    case principal
    case actualController = "actual-controller"

    public var label: String {
        switch self {
        case .legalRepresentative: "法定代表人"
        case .principal: "主要负责人"
        case .actualController: "实际控制人"
        }
    }
}

/// A natural person known to the registry. The identity number is personal data.
public struct Person: Sendable, Hashable {
    public var idNumber: IdentityNumber
    public var name: String
    /// A contact number, when known: personal data, stored sealed like the identity number.
    public var phone: PhoneNumber?

    public init(idNumber: IdentityNumber, name: String, phone: PhoneNumber? = nil) {
        self.idNumber = idNumber
        self.name = name
        self.phone = phone
    }
}

/// A market entity as registered: the facts of one version.
public struct Entity: Sendable, Hashable {
    public var code: CreditCode
    public var name: String
    public var kind: EntityKind
    public var status: EntityStatus
    /// GB/T 2260 code of the registered region.
    public var regionCode: String
    /// GB/T 4754 division (two digits), whose section follows from it.
    public var industryDivision: String
    public var establishedOn: LocalDate
    public var legalRepresentative: Person

    public init(
        code: CreditCode,
        name: String,
        kind: EntityKind,
        status: EntityStatus,
        regionCode: String,
        industryDivision: String,
        establishedOn: LocalDate,
        legalRepresentative: Person
    ) {
        self.code = code
        self.name = name
        self.kind = kind
        self.status = status
        self.regionCode = regionCode
        self.industryDivision = industryDivision
        self.establishedOn = establishedOn
        self.legalRepresentative = legalRepresentative
    }

}

/// A role held by a person in an entity, with its dates.
public struct RoleAssignment: Sendable, Hashable {
    public var entityCode: CreditCode
    public var person: Person
    public var role: PersonRole
    public var startsOn: LocalDate
    public var endsOn: LocalDate?

    public init(entityCode: CreditCode, person: Person, role: PersonRole, startsOn: LocalDate, endsOn: LocalDate? = nil) {
        self.entityCode = entityCode
        self.person = person
        self.role = role
        self.startsOn = startsOn
        self.endsOn = endsOn
    }
}

/// A department that provides data to the platform.
public struct Department: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    /// The registration authorities (the first character of a credit code, GB 32100) of the entities this
    /// department registers, as the city configured them (`credit departments add --registers`): "9" for a
    /// 行政审批服务局 that registers companies. Nil: decided by the department's name
    /// (``EntityRegistration/registeringDepartments``); empty: it registers none.
    public var registers: String?

    public init(code: CreditCode, name: String, registers: String? = nil) {
        self.code = code.rawValue
        self.name = name
        self.registers = registers
    }

    /// Whether this department registers entities with this credit code.
    public func mayRegister(_ code: CreditCode) -> Bool {
        if let registers { return registers.contains(code.registrationAuthority) }
        return (EntityRegistration.registeringDepartments[code.registrationAuthority] ?? []).contains { name.contains($0) }
    }
}
