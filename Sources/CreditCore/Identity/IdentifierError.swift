/// A reason an identifier (credit code or identity number) was refused, with where and what.
///
/// Each problem carries the 1-based position, what was expected there and what was found, so that a
/// department's clerk can fix the row without guessing. ``message`` is Chinese first, then English.
public struct IdentifierProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is; stable, used as an error code by the API.
    public enum Kind: String, Sendable, Hashable {
        case empty
        case wrongLength = "wrong_length"
        case invalidCharacter = "invalid_character"
        case unknownRegistrationAuthority = "unknown_registration_authority"
        case unknownEntityCategory = "unknown_entity_category"
        case checkCharacterMismatch = "check_character_mismatch"
        case invalidBirthDate = "invalid_birth_date"
    }

    public var kind: Kind
    /// 1-based position of the offending character, when there is one.
    public var position: Int?
    /// What the rule expected at that position (a character, a set, or a length).
    public var expected: String?
    /// What was found.
    public var found: String?

    public init(kind: Kind, position: Int? = nil, expected: String? = nil, found: String? = nil) {
        self.kind = kind
        self.position = position
        self.expected = expected
        self.found = found
    }

    /// A sentence a person understands, Chinese then English.
    public var message: String {
        let pos = position.map(String.init) ?? "?"
        let exp = expected ?? ""
        let fnd = found ?? ""
        switch kind {
        case .empty:
            return "代码为空 / the code is empty"
        case .wrongLength:
            return "长度应为 \(exp) 位，实为 \(fnd) 位 / expected \(exp) characters, found \(fnd)"
        case .invalidCharacter:
            return "第 \(pos) 位应为 \(exp)，实为“\(fnd)” / position \(pos) must be \(exp), found '\(fnd)'"
        case .unknownRegistrationAuthority:
            return "第 1 位登记管理部门码“\(fnd)”不存在，应为 \(exp) 之一 / position 1: unknown registration authority '\(fnd)', expected one of \(exp)"
        case .unknownEntityCategory:
            return
                "第 2 位机构类别码“\(fnd)”与登记管理部门码不符，应为 \(exp) 之一 / position 2: entity category '\(fnd)' does not exist for this authority, expected one of \(exp)"
        case .checkCharacterMismatch:
            return "第 \(pos) 位校验码应为“\(exp)”，实为“\(fnd)” / position \(pos): check character should be '\(exp)', found '\(fnd)'"
        case .invalidBirthDate:
            return "第 7–14 位出生日期“\(fnd)”不是有效日期 / positions 7–14: '\(fnd)' is not a real birth date"
        }
    }

    public var description: String { message }
}
