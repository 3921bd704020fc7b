import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``ReportStore`` promises (发改财金〔2025〕565号): a report of at most five years, not reaching past today,
/// with the four sections (an empty one says 无) and the commitments, a repaired penalty marked 已修复; it verifies by
/// its number, and a copy changed by one character does not.
public enum ReportConformance {
    static var market: String { ListingConformance.market }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "a three-year report shows the four sections and a repaired penalty as 已修复; it verifies, and fails when one character of a copy changes"
        ) { world in
            let code = try await world.seed(1)[0].entity.code.rawValue
            let today = world.clock.today()
            let items = TestDatabase.items(
                [Builders.penalty(code, number: "济市监罚〔2026〕601号", decidedOn: "2026-06-01")],
                catalogue: world.stores.catalogues.inForce(on: today),
                today: today
            )
            let recordID = try #require(try await world.stores.records.submit(departmentCode: market, items: items, source: "api").first?.id)
            let repair = try await world.stores.repairs.apply(
                entityCode: code,
                RepairApplication(items: [.init(recordId: recordID)], commitment: .init(accepted: true)),
                by: nil
            )
            _ = try await world.stores.repairs.decide(
                id: repair.id,
                RepairDecision(outcome: .approved, reason: "罚款已缴清"),
                departmentCode: market,
                by: nil
            )
            let entered = try await world.stores.listings.enter(
                try ListingConformance.request("market-serious-violator", code: code, number: "济市监严〔2026〕报1号").parse(),
                departmentCode: market,
                by: nil
            )
            let reports = world.stores.reports
            await expectError("period_too_long") {
                _ = try await reports.issue(subjectCode: code, from: "2020-11-26", to: "2026-11-26", issuedTo: "x")
            }
            await expectError("period_in_future") {
                _ = try await reports.issue(subjectCode: code, from: "2026-01-01", to: "2026-11-27", issuedTo: "x")
            }
            await expectError("invalid_period") {
                _ = try await reports.issue(subjectCode: code, from: "2026-11-26", to: "2026-01-01", issuedTo: "x")
            }
            await expectError("subject_not_found") {
                _ = try await reports.issue(subjectCode: "91370102MA3CT0097X", from: "2026-01-01", to: "2026-11-26", issuedTo: "x")
            }

            // Three years to today: from 2023-11-27.
            let issued = try await reports.issue(subjectCode: code, from: "2023-11-27", to: "2026-11-26", issuedTo: "经办人")
            let report = issued.report
            #expect(report.number == "XYBG20261126000001" && report.subject.code == code)
            #expect(report.sections.map(\.code) == ["penalty", "coercion", "serious-dishonesty", "criminal", "commitments"])
            let penalty = try #require(report.sections.first)
            #expect(penalty.items.map(\.reference) == ["济市监罚〔2026〕601号"] && penalty.items.first?.marks == ["已修复（2026-11-26）"])
            #expect(report.sections[1].none == "无" && report.sections[3].none == "无" && report.sections[3].items.isEmpty)
            #expect(report.sections[2].items.map(\.reference) == [entered.listing.documentNumber])
            #expect(report.dataVersion.logSize > 0)

            let verified = try await reports.verify(number: report.number, copy: report)
            #expect(verified.valid && verified.subjectName == report.subject.name && verified.summary?["penalty"] == 1)
            var changed = report
            changed.sections[0].items[0].content += "。"
            let forged = try await reports.verify(number: report.number, copy: changed)
            #expect(!forged.valid && forged.problems.count == 1)
            #expect(try await reports.verify(number: "XYBG20261126999999", copy: nil).valid == false)
            #expect(try await reports.verify(number: "not-a-number", copy: nil).valid == false)
            #expect(try await reports.reports(subjectCode: code, limit: 10).map(\.report.number) == [report.number])
            // A second one the same day takes the next number.
            #expect(
                try await reports.issue(subjectCode: code, from: "2026-01-01", to: "2026-11-26", issuedTo: "经办人").report.number
                    == "XYBG20261126000002"
            )
        }
    ]
}
