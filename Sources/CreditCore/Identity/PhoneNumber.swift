/// A telephone number in China: a mobile number (11 digits, `1[3-9]…`, as the MIIT numbering plan
/// allocates them) or a fixed-line number with its area code (`0` + 2–3 digits, then 7–8 digits).
/// An optional `+86`/`86` prefix, spaces and hyphens are accepted and dropped.
///
/// ```swift
/// let phone = try PhoneNumber(validating: "+86 138-0531-5678")
/// phone.rawValue   // "13805315678"
/// phone.masked     // "138****5678"
/// ```
///
/// A phone number is personal information: like ``IdentityNumber``, its ``description`` is the masked
/// form, it is stored sealed, and it is never logged.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The digits only. Personal data: never log it.
    public let rawValue: String

    /// Validates and normalises a phone number.
    /// - Throws: ``IdentifierProblem`` (`invalid_character` or `wrong_length`); `found` never repeats the number.
    public init(validating text: String) throws(IdentifierProblem) {
        var digits = ""
        for (i, character) in text.trimmingASCIIWhitespace().enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == " " || character == "-" || (character == "+" && i == 0) {
                continue
            } else {
                throw IdentifierProblem(kind: .invalidCharacter, position: i + 1, expected: "0–9", found: "")
            }
        }
        if digits.isEmpty { throw IdentifierProblem(kind: .empty) }
        if digits.hasPrefix("86"), digits.count == 13 { digits.removeFirst(2) }
        let valid: Bool
        switch digits.first {
        case "1": valid = digits.count == 11 && "3456789".contains(digits[digits.index(after: digits.startIndex)])
        case "0": valid = (10...12).contains(digits.count)
        default: valid = false
        }
        guard valid else {
            throw IdentifierProblem(kind: .wrongLength, expected: "11（手机）或 10–12（含区号的固定电话）", found: String(digits.count))
        }
        self.rawValue = digits
    }

    /// The first 3 and last 4 digits, the rest hidden.
    public var masked: String {
        String(rawValue.prefix(3)) + String(repeating: "*", count: rawValue.count - 7) + String(rawValue.suffix(4))
    }

    public var description: String { masked }
}
