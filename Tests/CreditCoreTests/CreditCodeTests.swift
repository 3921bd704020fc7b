import CreditCore
import Testing

@Suite("统一社会信用代码 (GB 32100-2015)")
struct CreditCodeTests {
    @Test(
        "vectors of domain-rules.md §1 that are valid",
        arguments: [
            "914403001922038216", "9144030071526726XG", "91440300708461136T", "91330100799655058B", "91110108551385082Q",
            "91440300192241158P", "91350100M000100Y43",
        ]
    )
    func validVectors(_ text: String) throws {
        let code = try CreditCode(validating: text)
        #expect(code.rawValue == text)
        #expect(code.warnings.isEmpty, "both checks pass for the published vectors")
    }

    @Test("the standard's worked example as printed names the check character it should have")
    func workedExampleAsPrinted() {
        #expect(throws: IdentifierProblem(kind: .checkCharacterMismatch, position: 18, expected: "3", found: "Z")) {
            try CreditCode(validating: "91350100M000100Y4Z")
        }
    }

    @Test("an altered Huawei code fails at position 18")
    func alteredCode() {
        #expect(throws: IdentifierProblem(kind: .checkCharacterMismatch, position: 18, expected: "6", found: "7")) {
            try CreditCode(validating: "914403001922038217")
        }
    }

    @Test("input is trimmed and upper-cased")
    func normalisation() throws {
        #expect(try CreditCode(validating: "  91350100m000100y43\u{3000}").rawValue == "91350100M000100Y43")
    }

    @Test(
        "each wrong input says what is wrong and where",
        arguments: [
            ("", IdentifierProblem(kind: .empty)),
            ("9144030019220382", IdentifierProblem(kind: .wrongLength, expected: "18", found: "16")),
            ("9144030019220382161", IdentifierProblem(kind: .wrongLength, expected: "18", found: "19")),
            ("91440300I922038216", IdentifierProblem(kind: .invalidCharacter, position: 9, expected: "0–9, A–Y (no I/O/S/V/Z)", found: "I")),
            ("9144A3001922038216", IdentifierProblem(kind: .invalidCharacter, position: 5, expected: "0–9", found: "A")),
            (
                "B14403001922038216",
                IdentifierProblem(kind: .unknownRegistrationAuthority, position: 1, expected: "1 2 3 4 5 6 7 8 9 A N Y", found: "B")
            ),
            ("94440300192203821X", IdentifierProblem(kind: .unknownEntityCategory, position: 2, expected: "123", found: "4")),
            ("91440300192203821中", IdentifierProblem(kind: .wrongLength, expected: "18", found: "18")),
        ]
    )
    func problems(_ text: String, _ expected: IdentifierProblem) {
        #expect(throws: expected) { try CreditCode(validating: text) }
    }

    @Test("a code whose GB 11714 check (position 17) fails is accepted with a warning")
    func legacyCodeWarns() throws {
        // Same body as the worked example with a wrong organisation-code check, and a correct position 18.
        let code = try #require(CreditCode.completing("91350100M000100Y5"))
        #expect(code.warnings == [IdentifierProblem(kind: .checkCharacterMismatch, position: 17, expected: "4", found: "5")])
    }

    @Test("the parts of a code")
    func decomposition() throws {
        let code = try CreditCode(validating: "91350100M000100Y43")
        #expect(code.registrationAuthority == "9")
        #expect(code.entityCategory == "1")
        #expect(code.regionCode == "350100")
        #expect(code.organizationCode == "M000100Y4")
        #expect(code.checkCharacter == "3")
        let names = RegistrationAuthorityTable.standard.names(authority: "9", category: "1")
        #expect(names?.authority == "工商（市场监管）")
        #expect(names?.category == "企业")
    }

    @Test("GB 11714 uses its own value map (M = 22, not 21)")
    func organizationCodeMap() {
        #expect(OrganizationCode.checkCharacter(for: "M000100Y") == "4")
        #expect(OrganizationCode.checkCharacter(for: "19220382") == "1")
    }

    @Test("messages are in Chinese and English and name the position")
    func message() {
        let problem = IdentifierProblem(kind: .checkCharacterMismatch, position: 18, expected: "3", found: "Z")
        #expect(problem.message.contains("第 18 位"))
        #expect(problem.message.contains("position 18"))
    }
}
