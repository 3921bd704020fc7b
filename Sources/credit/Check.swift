import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "信用核查 / check a subject as GET /api/v1/check does: prints the answer with its signed receipt as JSON; the check is stored.",
        discussion: "credit check 91370100MA3C0000X1 --scenario government-procurement --purpose 开标资格审查"
    )

    @OptionGroup var db: DatabaseOptions
    @Argument(help: "统一社会信用代码，或自然人的身份证号码 / a credit code, or a person's identity number") var subject: String
    @Option(
        help:
            "核查场景 / the scenario: administrative-licensing, government-procurement, public-resource-trading, subsidy, honour, financing, public-office"
    )
    var scenario: String
    @Option(help: "核查事由 / why you check (stored with the check)") var purpose: String
    @Option(help: "行业（国民经济行业分类大类代码） / the activity's GB/T 4754 division: a ban applies only in its industries") var industry: String?
    @Option(help: "核查人 / who checks (stored with the check and in its receipt)") var checker =
        ProcessInfo.processInfo.environment["USER"] ?? "command line"

    func run() async throws {
        let logger = Log.make("credit")
        let text = subject.trimmingCharacters(in: .whitespaces).uppercased()
        let isCode = text.count == 18 && (try? CreditCode(validating: text)) != nil
        let parsed: CheckSubject
        do { parsed = try CheckSubject.parse(code: isCode ? text : nil, idNumber: isCode ? nil : text) } catch {
            throw ValidationError(
                text.count == 18 && text.first?.isNumber == true && !isCode
                    ? "统一社会信用代码或身份证号码有误 / not a valid credit code or identity number: \(error.message)" : error.message
            )
        }
        let signer = try db.signer(logger: logger)
        let result = try await db.withStores(logger: logger, signer: signer) { stores in
            try await stores.checks.check(
                [CheckRequest(subject: parsed, scenario: scenario, purpose: purpose, industry: industry)],
                checker: "cli:" + checker,
                accountID: nil,
                requestID: nil
            )[0]
        }
        print(try CanonicalJSON.text(result))
    }
}
