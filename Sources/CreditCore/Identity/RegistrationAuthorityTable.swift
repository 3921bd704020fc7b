import Foundation

/// The table of 登记管理部门码 and their 机构类别码 (GB 32100-2015), loaded from data.
///
/// The shipped table is `Resources/registration-authorities.json`; new codes are added to the data,
/// not to the code.
public struct RegistrationAuthorityTable: Sendable, Codable, Hashable {
    /// One entity category of an authority.
    public struct Category: Sendable, Codable, Hashable {
        public var code: Character
        public var name: String

        enum CodingKeys: String, CodingKey { case code, name }
        public init(code: Character, name: String) {
            self.code = code
            self.name = name
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let text = try c.decode(String.self, forKey: .code)
            guard text.count == 1 else {
                throw DecodingError.dataCorruptedError(forKey: .code, in: c, debugDescription: "category code must be one character")
            }
            self.code = text.first!
            self.name = try c.decode(String.self, forKey: .name)
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(String(code), forKey: .code)
            try c.encode(name, forKey: .name)
        }
    }

    /// One registration authority (position 1).
    public struct Authority: Sendable, Codable, Hashable {
        public var code: String
        public var name: String
        public var categories: [Category]
    }

    public var authorities: [Authority]
    private var byCode: [Character: [Category]] = [:]

    enum CodingKeys: String, CodingKey { case authorities }

    public init(authorities: [Authority]) {
        self.authorities = authorities
        for authority in authorities { byCode[authority.code.first!] = authority.categories }
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(authorities: try c.decode([Authority].self, forKey: .authorities))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(authorities, forKey: .authorities)
    }

    /// The categories of an authority code, or nil when the authority does not exist.
    public func categories(of authority: Character) -> [Category]? { byCode[authority] }
    /// The authority codes, for messages.
    public var authorityCodes: String { authorities.map(\.code).joined(separator: " ") }
    /// The name of an authority and category, e.g. ("工商（市场监管）", "企业").
    public func names(authority: Character, category: Character) -> (authority: String, category: String)? {
        guard let a = authorities.first(where: { $0.code.first == authority }),
            let c = a.categories.first(where: { $0.code == category })
        else { return nil }
        return (a.name, c.name)
    }

    /// The table shipped with the platform.
    public static let standard: RegistrationAuthorityTable = {
        do {
            return try BundledData.decode(RegistrationAuthorityTable.self, named: "registration-authorities")
        } catch {
            fatalError("the bundled registration-authorities.json is unreadable: \(error)")
        }
    }()
}
