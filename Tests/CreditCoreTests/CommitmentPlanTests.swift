import CreditCore
import Testing

/// The commitment item list and the 告知承诺 gate (国办发〔2020〕42号: not for national security, public safety, financial
/// prudential supervision, the environment, life and health; refused to subjects with a fairly serious bad record or a
/// past false commitment until repaired), with the shipped list and the 2026 calendar.
@Suite("Commitments: the item list, the gate, templates")
struct CommitmentPlanTests {
    static let items = CommitmentItems.shipped
    static let premises = items.item("business-premises")!

    @Test("the shipped list is well formed; a 告知承诺 item in an excluded field, or without a verification, is refused")
    func listProblems() throws {
        #expect(Self.items.problems().isEmpty, "\(Self.items.problems())")
        var wrong = Self.items
        wrong.items[0].field = "life-health"
        wrong.items[1].verification = nil
        wrong.items[2].templates[0].text += "{{undefined}}"
        let problems = wrong.problems()
        #expect(problems.count == 3)
        #expect(problems[0].contains("国办发〔2020〕42号") && problems[2].contains("undefined"))
    }

    @Test("the gate refuses a blacklist entry, a serious record in public view and an unrepaired breach, naming each; a general penalty does not")
    func gate() {
        let rule = Self.items.gate
        let snapshot = GateSnapshot(
            records: [
                .init(id: 1, category: "penalty", severity: .general, documentNumber: "济市监罚〔2026〕1号"),
                .init(id: 2, category: "penalty", severity: .serious, documentNumber: "济市监罚〔2026〕2号"),
                .init(id: 3, category: "commitment-breach", severity: .general, documentNumber: "信承核〔2026〕3号"),
            ],
            entries: [.init(id: 9, kind: .black, listName: "市场监督管理严重违法失信名单"), .init(id: 10, kind: .red, listName: "纳税信用A级纳税人")]
        )
        let reasons = CommitmentPlan.refusals(Self.premises, snapshot: snapshot, rule: rule)
        #expect(reasons.map(\.code) == ["serious_dishonesty_listing", "serious_record_public", "commitment_breach_unrepaired"])
        #expect(reasons.map(\.listingId) == [9, nil, nil] && reasons.map(\.recordId) == [nil, 2, 3])
        #expect(
            CommitmentPlan.refusals(Self.premises, snapshot: GateSnapshot(records: [snapshot.records[0]], entries: [snapshot.entries[1]]), rule: rule)
                .isEmpty
        )
        // A voluntary public commitment is nobody's gate.
        #expect(CommitmentPlan.refusals(Self.items.item("public-integrity")!, snapshot: snapshot, rule: rule).isEmpty)
    }

    @Test("the text is the template in force with the platform's and the applicant's fields; a superseded version or a missing field is refused")
    func render() throws {
        let today = LocalDate("2026-11-26")!
        let request = CommitmentRequest(item: "business-premises", templateVersion: "2026-04-01", fields: ["address": " 济南市历下区泺源大街 1 号 "])
        let made = try CommitmentPlan.render(request, items: Self.items, subjectCode: "91370102MA3CT0001X", subjectName: "济南甲公司", today: today)
        #expect(made.text.contains("济南甲公司（统一社会信用代码 91370102MA3CT0001X）") && made.text.contains("住所（经营场所）：济南市历下区泺源大街 1 号。"))
        #expect(made.text.contains("实地核查住所（经营场所）（20 个工作日内）") && made.text.contains("承诺日期：2026-11-26") && !made.text.contains("{{"))
        #expect(made.fields == ["address": "济南市历下区泺源大街 1 号"])
        func code(_ r: CommitmentRequest) -> String? {
            do {
                _ = try CommitmentPlan.render(r, items: Self.items, subjectCode: "91370102MA3CT0001X", subjectName: "甲", today: today)
                return nil
            } catch { return error.code }
        }
        #expect(code(CommitmentRequest(item: "business-premises", templateVersion: "2025-01-01", fields: ["address": "x"])) == "template_superseded")
        #expect(code(CommitmentRequest(item: "business-premises", templateVersion: "2026-04-01", fields: [:])) == "missing_field")
        #expect(
            code(CommitmentRequest(item: "business-premises", templateVersion: "2026-04-01", fields: ["address": "x", "extra": "y"]))
                == "unknown_field"
        )
        #expect(
            code(CommitmentRequest(item: "business-premises", templateVersion: "2026-04-01", fields: ["address": String(repeating: "路", count: 201)]))
                == "field_too_long"
        )
        #expect(code(CommitmentRequest(item: "nothing", templateVersion: "2026-04-01", fields: [:])) == "unknown_item")
    }

    @Test("verification is due in working days: signed 2026-09-30, twenty working days across National Day and its 调休 Saturday end 2026-11-03")
    func verifyBy() {
        // 10-08, 10-09, 10-10 (调休 Saturday), 12–16, 19–23, 26–30 October, 2 and 3 November: twenty.
        #expect(CommitmentPlan.verifyBy(Self.premises, signedOn: LocalDate("2026-09-30")!, calendar: .bundled()) == LocalDate("2026-11-03"))
        #expect(CommitmentPlan.verifyBy(Self.items.item("public-integrity")!, signedOn: LocalDate("2026-09-30")!, calendar: .bundled()) == nil)
    }
}
