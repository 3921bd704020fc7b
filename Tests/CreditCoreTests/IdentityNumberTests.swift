import CreditCore
import Testing

@Suite("居民身份证号码 (GB 11643-1999)")
struct IdentityNumberTests {
    @Test("vectors of domain-rules.md §2", arguments: ["34052419800101001X", "53010219200508011X", "11010519491231002X", "440524188001010014"])
    func valid(_ text: String) throws {
        #expect(try IdentityNumber(validating: text).rawValue == text)
    }

    @Test("a lowercase x is accepted and normalised")
    func lowercaseX() throws {
        #expect(try IdentityNumber(validating: "11010519491231002x").rawValue == "11010519491231002X")
    }

    @Test("a wrong check character names the right one")
    func wrongCheck() {
        #expect(throws: IdentifierProblem(kind: .checkCharacterMismatch, position: 18, expected: "X", found: "1")) {
            try IdentityNumber(validating: "110105194912310021")
        }
    }

    @Test("an impossible birth date is refused", arguments: ["110105199902300011", "110105199913010011", "110105180001010011"])
    func birthDate(_ text: String) {
        #expect(throws: IdentifierProblem.self) { try IdentityNumber(validating: text) }
        do {
            _ = try IdentityNumber(validating: text)
        } catch {
            #expect(error.kind == .invalidBirthDate)
        }
    }

    @Test("a letter in the body is refused at its position")
    func letter() {
        #expect(throws: IdentifierProblem(kind: .invalidCharacter, position: 3, expected: "0–9", found: "A")) {
            try IdentityNumber(validating: "11A10519491231002X")
        }
    }

    @Test("the masked form shows the first 6 and last 4 characters only, and is what interpolation prints")
    func masking() throws {
        let id = try IdentityNumber(validating: "11010519491231002X")
        #expect(id.masked == "110105********002X")
        #expect("\(id)" == "110105********002X")
        #expect(!"\(id)".contains("19491231"))
    }

    @Test("birth date, region and sex are read from the number")
    func parts() throws {
        let id = try IdentityNumber(validating: "440524188001010014")
        #expect(id.birthDate == LocalDate("1880-01-01"))
        #expect(id.regionCode == "440524")
        #expect(id.isMale)
    }
}

@Suite("Phone numbers")
struct PhoneNumberTests {
    @Test("mobile and fixed-line numbers are normalised to digits and masked to the first 3 and last 4")
    func valid() throws {
        for (text, digits, masked) in [
            ("13805315678", "13805315678", "138****5678"), ("+86 138-0531-5678", "13805315678", "138****5678"),
            ("8613805315678", "13805315678", "138****5678"), ("0531-86012345", "053186012345", "053*****2345"),
            ("010 6512 3456", "01065123456", "010****3456"),
        ] {
            let phone = try PhoneNumber(validating: text)
            #expect(phone.rawValue == digits, "\(text)")
            #expect(phone.masked == masked, "\(text)")
            #expect("\(phone)" == masked, "interpolation shows the masked form")
        }
    }

    @Test("a wrong number says what is wrong without repeating it")
    func invalid() {
        for text in ["", "12805315678", "1380531567", "138053156789", "138O5315678", "5315678", "0531-123"] {
            #expect(throws: IdentifierProblem.self, "\(text)") { try PhoneNumber(validating: text) }
            do {
                _ = try PhoneNumber(validating: text)
            } catch {
                #expect(!text.isEmpty ? !error.message.contains(text) : true)
            }
        }
    }
}
