import CreditCore
import CreditTestSupport
import Testing

/// Penalties checked as the rules say: credit codes as `domain-rules.md` rule 1 says (refuse typed input, warn on
/// legacy files), the procedure (简易程序 not published; required of decisions from 2027-01-01), and severity against
/// the punishment kinds (Order 36).
@Suite("Penalties: codes, procedure and severity")
struct PenaltyRulesTests {
    static let catalogue = try! Catalogue.bundled()
    static let today = LocalDate("2027-01-08")!
    /// Position 17 is "0" where GB 11714 gives "7" for 本体码 MA3C4D5E; position 18 is right for the 17 before it
    /// (worked out by hand from GB 11714-1997 and GB 32100-2015). The right code is 91370102MA3C4D5E7Q.
    static let legacy = "91370102MA3C4D5E03"

    static func validate(_ submission: RecordSubmission, _ input: RecordInput = .typed) -> Result<ValidRecord, RecordProblems> {
        RecordValidator.validate(submission, catalogue: catalogue, today: today, input: input)
    }

    static func codes(_ outcome: Result<ValidRecord, RecordProblems>) -> [String] {
        if case .failure(let problems) = outcome { return problems.problems.map(\.code) }
        return []
    }

    @Test("a code failing only its position-17 check is refused when typed, and accepted with a warning from a file")
    func legacyCode() throws {
        let penalty = Builders.penalty(Self.legacy, number: "济税罚〔2027〕1号", decidedOn: "2027-01-04")
        #expect(Self.codes(Self.validate(penalty)) == ["organization_code_check"])
        let fromFile = try Self.validate(penalty, .file).get()
        #expect(fromFile.warnings.map(\.code) == ["organization_code_check"] && fromFile.warnings.first?.field == "subjectCode")
        let right = try Self.validate(Builders.penalty("91370102MA3C4D5E7Q", number: "济税罚〔2027〕2号", decidedOn: "2027-01-04")).get()
        #expect(right.warnings.isEmpty)
        // A wrong position 18 is refused from a file too.
        #expect(
            Self.codes(Self.validate(Builders.penalty("91370102MA3C4D5E04", number: "x", decidedOn: "2027-01-04"), .file)) == ["invalid_credit_code"]
        )
    }

    @Test("the procedure is read in Chinese or as a code, required of decisions from 2027-01-01, and checked")
    func procedure() throws {
        #expect(try Self.validate(Builders.penalty(number: "a", decidedOn: "2027-01-04", procedure: "简易程序")).get().procedure == .simple)
        #expect(try Self.validate(Builders.penalty(number: "b", decidedOn: "2027-01-04", procedure: "普通")).get().procedure == .ordinary)
        #expect(Self.codes(Self.validate(Builders.penalty(number: "c", decidedOn: "2027-01-04", procedure: "快速程序"))) == ["invalid_procedure"])
        var missing = Builders.penalty(number: "d", decidedOn: "2027-01-01")
        missing.fields["procedure"] = nil
        #expect(Self.codes(Self.validate(missing)) == ["required"])
        missing.fields["decidedOn"] = "2026-12-31"
        #expect(try Self.validate(missing).get().procedure == nil, "decided before the rule: may lack it")
    }

    @Test("a simple-procedure penalty is kept but not published; an ordinary one is")
    func simpleNotPublished() throws {
        func window(_ procedure: Procedure) -> Result<PublicationWindow, PublicationWindow.NotPublished> {
            Builders.window("penalty", decided: "2027-01-04", received: "2027-01-05", severity: .general, kinds: ["罚款"], procedure: procedure)
        }
        #expect(throws: PublicationWindow.NotPublished.simpleProcedure) { try window(.simple).get() }
        #expect(try window(.ordinary).get().until == LocalDate("2028-01-04"))
    }

    @Test(
        "kinds that close, revoke or bar are never minor; only 警告 or 通报批评 is minor",
        arguments: [
            ("罚款；吊销许可证件", "minor", false), ("责令关闭", "minor", false), ("限制从业；罚款", "minor", false),
            ("吊销营业执照", "general", true), ("警告", "general", false), ("警告；通报批评", "serious", false),
            ("警告", "minor", true), ("警告；罚款", "general", true), ("罚款", "minor", true),
        ]
    )
    func severityOfKinds(_ kinds: String, _ severity: String, _ accepted: Bool) {
        let outcome = Self.validate(Builders.penalty(number: "k", decidedOn: "2027-01-04", severity: severity, kinds: kinds))
        #expect(Self.codes(outcome) == (accepted ? [] : ["severity_contradicts_kinds"]))
    }
}

@Suite("Amounts in 万元")
struct WanYuanTests {
    @Test(
        "a plain number of 万元 with at most 6 decimals is read exactly into fen (1 万元 = 1,000,000 fen); anything else is refused",
        arguments: [
            ("0.5", 500_000), ("12", 12_000_000), ("0.000001", 1), ("3.25", 3_250_000), ("1.5万", nil), ("0.1234567", nil), ("1.", nil),
            ("-1", nil), ("1,000", nil), ("", nil),
        ] as [(String, Int?)]
    )
    func fen(_ text: String, _ fen: Int?) {
        #expect(WanYuan.fen(text) == fen)
    }

    @Test("fen written back in 万元 reads as the same amount", arguments: [0, 1, 500_000, 12_000_000, 3_250_000, 1_234_567])
    func text(_ fen: Int) {
        #expect(WanYuan.fen(WanYuan.text(fen)) == fen)
        #expect(!WanYuan.text(fen).hasSuffix("0") || !WanYuan.text(fen).contains("."))
    }
}
