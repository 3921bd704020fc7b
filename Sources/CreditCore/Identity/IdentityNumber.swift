/// A 居民身份证号码 (GB 11643-1999), validated with ISO 7064 MOD 11-2 and a real birth date.
///
/// ```swift
/// let id = try IdentityNumber(validating: "11010519491231002x")
/// id.rawValue   // "11010519491231002X"
/// id.masked     // "110105********002X"
/// ```
///
/// The number is personal information: show ``masked`` everywhere outside authorised views, and never
/// put ``rawValue`` in a log line. ``description`` is the masked form, so string interpolation is safe.
public struct IdentityNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 18 normalised characters (a trailing `x` becomes `X`). Personal data: never log it.
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = Array("10X98765432")

    /// Validates and normalises an identity number.
    /// - Throws: ``IdentifierProblem`` naming the first position that is wrong. The problem's `found`
    ///   never repeats the whole number.
    public init(validating text: String) throws(IdentifierProblem) {
        let trimmed = text.trimmingASCIIWhitespace().uppercased()
        if trimmed.isEmpty { throw IdentifierProblem(kind: .empty) }
        let bytes = Array(trimmed.utf8)
        guard bytes.count == 18, trimmed.count == 18 else {
            throw IdentifierProblem(kind: .wrongLength, expected: "18", found: String(trimmed.count))
        }
        var sum = 0
        for i in 0..<17 {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else {
                throw IdentifierProblem(
                    kind: .invalidCharacter,
                    position: i + 1,
                    expected: "0–9",
                    found: String(Character(Unicode.Scalar(b)))
                )
            }
            sum += Int(b - UInt8(ascii: "0")) * Self.weights[i]
        }
        let last = bytes[17]
        guard (last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9")) || last == UInt8(ascii: "X") else {
            throw IdentifierProblem(
                kind: .invalidCharacter,
                position: 18,
                expected: "0–9, X",
                found: String(Character(Unicode.Scalar(last)))
            )
        }
        let birth = String(trimmed.dropFirst(6).prefix(8))
        guard let date = LocalDate(compact: birth), date.year >= 1850 else {
            throw IdentifierProblem(kind: .invalidBirthDate, position: 7, found: birth)
        }
        _ = date
        let expected = Self.checkCharacters[sum % 11]
        guard expected == Character(Unicode.Scalar(last)) else {
            throw IdentifierProblem(
                kind: .checkCharacterMismatch,
                position: 18,
                expected: String(expected),
                found: String(Character(Unicode.Scalar(last)))
            )
        }
        self.rawValue = trimmed
    }

    /// Completes a 17-digit body with its check character; for generators.
    public static func completing(_ first17: String) -> IdentityNumber? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17 else { return nil }
        var sum = 0
        for i in 0..<17 {
            guard bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { return nil }
            sum += Int(bytes[i] - UInt8(ascii: "0")) * weights[i]
        }
        return try? IdentityNumber(validating: first17 + String(checkCharacters[sum % 11]))
    }

    /// The form shown outside authorised views: the first 6 and the last 4 characters, the rest as `*`.
    public var masked: String { Self.mask(rawValue) }

    /// Masks any identity-number-like string: first 6 and last 4 visible.
    public static func mask(_ text: String) -> String {
        guard text.count > 10 else { return String(repeating: "*", count: text.count) }
        return String(text.prefix(6)) + String(repeating: "*", count: text.count - 10) + String(text.suffix(4))
    }

    /// The birth date in positions 7–14.
    public var birthDate: LocalDate { LocalDate(compact: String(rawValue.dropFirst(6).prefix(8)))! }
    /// The address code (positions 1–6, GB/T 2260).
    public var regionCode: String { String(rawValue.prefix(6)) }
    /// Odd 顺序码 = male.
    public var isMale: Bool { Int(String(rawValue.dropFirst(16).prefix(1)))! % 2 == 1 }

    /// The masked form, so that interpolating a number into a message never reveals it.
    public var description: String { masked }
}
