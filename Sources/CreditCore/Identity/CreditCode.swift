/// A 统一社会信用代码 (unified social credit code, GB 32100-2015), validated.
///
/// Eighteen characters from the 31-character set `0123456789ABCDEFGHJKLMNPQRTUWXY`:
/// the registration-authority code (position 1), the entity-category code (2), the GB/T 2260 region
/// of the registering authority (3–8), the 主体标识码 (9–17, an organisation code whose last character
/// is a GB 11714 check) and the check character (18).
///
/// ```swift
/// let code = try CreditCode(validating: " 91350100m000100y43 ")
/// code.rawValue        // "91350100M000100Y43"
/// code.regionCode      // "350100"
/// code.warnings        // [] — or a GB 11714 warning for a legacy code
/// ```
///
/// Input is trimmed and upper-cased. A failed position-17 (GB 11714) check is a *warning*, not a
/// rejection: legacy registrations exist that fail it (see `domain-rules.md` §1).
public struct CreditCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 18 normalised characters.
    public let rawValue: String
    /// Problems that do not make the code invalid (a failed GB 11714 check on position 17).
    public let warnings: [IdentifierProblem]

    /// The characters of the code set, in value order (0…30).
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    /// Weights of positions 1…17: 3^(i−1) mod 31.
    static let weights: [Int] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    /// Value of each ASCII byte in the code set, or -1.
    static let values: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (value, character) in alphabet.enumerated() { table[Int(character.asciiValue!)] = value }
        return table
    }()

    /// Validates and normalises a code.
    /// - Parameters:
    ///   - text: the code as typed or received; surrounding white space and lower case are accepted.
    ///   - table: the registration-authority table to check positions 1–2 against.
    /// - Throws: ``IdentifierProblem`` naming the first position that is wrong.
    public init(validating text: String, table: RegistrationAuthorityTable = .standard) throws(IdentifierProblem) {
        let trimmed = text.trimmingASCIIWhitespace().uppercased()
        if trimmed.isEmpty { throw IdentifierProblem(kind: .empty) }
        let bytes = Array(trimmed.utf8)
        let count = trimmed.count
        guard count == 18, bytes.count == 18 else {
            throw IdentifierProblem(kind: .wrongLength, expected: "18", found: String(count))
        }
        var sum = 0
        for i in 0..<17 {
            let byte = bytes[i]
            let value = byte < 128 ? Self.values[Int(byte)] : -1
            if value < 0 {
                throw IdentifierProblem(
                    kind: .invalidCharacter,
                    position: i + 1,
                    expected: "0–9, A–Y (no I/O/S/V/Z)",
                    found: String(Character(Unicode.Scalar(byte)))
                )
            }
            if (2...7).contains(i) && value > 9 {
                throw IdentifierProblem(
                    kind: .invalidCharacter,
                    position: i + 1,
                    expected: "0–9",
                    found: String(Character(Unicode.Scalar(byte)))
                )
            }
            sum += value * Self.weights[i]
        }
        let authority = Character(Unicode.Scalar(bytes[0]))
        let category = Character(Unicode.Scalar(bytes[1]))
        guard let categories = table.categories(of: authority) else {
            throw IdentifierProblem(
                kind: .unknownRegistrationAuthority,
                position: 1,
                expected: table.authorityCodes,
                found: String(authority)
            )
        }
        guard categories.contains(where: { $0.code == category }) else {
            throw IdentifierProblem(
                kind: .unknownEntityCategory,
                position: 2,
                expected: String(categories.map(\.code)),
                found: String(category)
            )
        }
        let check = Self.alphabet[(31 - sum % 31) % 31]
        let found = Character(Unicode.Scalar(bytes[17]))
        guard check == found else {
            throw IdentifierProblem(kind: .checkCharacterMismatch, position: 18, expected: String(check), found: String(found))
        }
        let organization = String(trimmed.dropFirst(8).prefix(9))
        var warnings: [IdentifierProblem] = []
        if let problem = OrganizationCode.checkProblem(organization, offset: 8) { warnings.append(problem) }
        self.rawValue = trimmed
        self.warnings = warnings
    }

    /// Builds a code from its first 17 characters by computing the check character; for generators.
    /// - Returns: nil when a character is outside the code set.
    public static func completing(_ first17: String) -> CreditCode? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17 else { return nil }
        var sum = 0
        for i in 0..<17 {
            let value = bytes[i] < 128 ? values[Int(bytes[i])] : -1
            if value < 0 { return nil }
            sum += value * weights[i]
        }
        return try? CreditCode(validating: first17 + String(alphabet[(31 - sum % 31) % 31]))
    }

    /// 登记管理部门码 (position 1).
    public var registrationAuthority: Character { rawValue.first! }
    /// 机构类别码 (position 2).
    public var entityCategory: Character { rawValue[rawValue.index(after: rawValue.startIndex)] }
    /// 登记管理机关行政区划码 (positions 3–8, GB/T 2260).
    public var regionCode: String { String(rawValue.dropFirst(2).prefix(6)) }
    /// 主体标识码 (组织机构代码, positions 9–17).
    public var organizationCode: String { String(rawValue.dropFirst(8).prefix(9)) }
    /// 校验码 (position 18).
    public var checkCharacter: Character { rawValue.last! }

    public var description: String { rawValue }
    public static func < (lhs: CreditCode, rhs: CreditCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The GB 11714-1997 organisation code check (position 9 of the organisation code, position 17 of a USCC).
public enum OrganizationCode {
    static let weights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// GB 11714's own value of a character: 0–9, then A=10 … Z=35 (I, O, S, V, Z included).
    static func value(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// The check character for an eight-character 本体代码, or nil when a character is not 0–9/A–Z.
    public static func checkCharacter(for body: String) -> Character? {
        let bytes = Array(body.utf8)
        guard bytes.count == 8 else { return nil }
        var sum = 0
        for i in 0..<8 {
            guard let v = value(bytes[i]) else { return nil }
            sum += v * weights[i]
        }
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let c: return Character(String(c))
        }
    }

    /// The problem with a nine-character organisation code's check, or nil when it is right.
    /// - Parameter offset: added to positions in the problem (8 when the code sits inside a USCC).
    static func checkProblem(_ code: String, offset: Int = 0) -> IdentifierProblem? {
        let body = String(code.prefix(8))
        guard let expected = checkCharacter(for: body) else {
            return IdentifierProblem(kind: .invalidCharacter, position: offset + 1, expected: "0–9, A–Z", found: body)
        }
        let found = code.last!
        return expected == found
            ? nil
            : IdentifierProblem(kind: .checkCharacterMismatch, position: offset + 9, expected: String(expected), found: String(found))
    }
}

extension String {
    /// The string without leading and trailing ASCII white space (and the ideographic space U+3000).
    /// Works on Unicode scalars, not characters: no grapheme breaking for every field of every row, and a line
    /// ending `\r\n` (one character) is trimmed too.
    public func trimmingASCIIWhitespace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{3000}" }
        let scalars = unicodeScalars
        // Most fields have nothing to trim: answer without building a new string.
        if let first = scalars.first, let last = scalars.last, !isSpace(first), !isSpace(last) { return self }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }), let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }
}
