import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Testing

/// What every ``RepairStore`` promises, with the shipped repair and publication rules and an injected clock: an
/// application is refused before the minimum period (naming the first day), accepted on it with the applicant's
/// commitment, decided only by the department that decided the item, and an approval takes the record out of every
/// public view and the listing out of every credit check at once.
public enum RepairConformance {
    static var market: String { ListingConformance.market }
    static var tax: String { ListingConformance.tax }

    static let committed = RepairApplication.Commitment(accepted: true)

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "a general penalty decided 2026-10-15 is refused before 2027-01-16, accepted on it, and once approved leaves the public view"
        ) { world in
            let seeded = try await world.seed(2)
            let code = seeded[0].entity.code.rawValue
            let today = world.clock.today()
            let items = TestDatabase.items(
                [Builders.penalty(code, number: "济市监罚〔2026〕1015号", decidedOn: "2026-10-15")],
                catalogue: world.stores.catalogues.inForce(on: today),
                today: today
            )
            let recordID = try #require(try await world.stores.records.submit(departmentCode: market, items: items, source: "api").first?.id)
            let repairs = world.stores.repairs
            let application = RepairApplication(items: [.init(recordId: recordID)], commitment: committed)

            let early = await expectError("repair_not_yet_eligible") { _ = try await repairs.apply(entityCode: code, application, by: "申请人") }
            #expect(early?.contains("2027-01-16") == true, "the refusal names the first eligible day")

            world.clock.set(LocalDate("2027-01-16")!)
            await expectError("not_your_item") {
                _ = try await repairs.apply(entityCode: seeded[1].entity.code.rawValue, application, by: nil)
            }
            await expectError("commitment_required") {
                _ = try await repairs.apply(entityCode: code, RepairApplication(items: application.items, commitment: nil), by: nil)
            }
            #expect(try await repairs.cases(entityCode: code, departmentCode: nil, limit: 10).isEmpty, "nothing written by a refusal")
            let accepted = try await repairs.apply(entityCode: code, application, by: "申请人")
            #expect(accepted.status == .accepted && accepted.departmentCode == market, "谁认定、谁修复")
            #expect(accepted.items == [RepairCase.Item(kind: .record, id: recordID, firstEligibleDay: LocalDate("2027-01-16")!)])
            // Saturday 2027-01-16 + 3 working days; no 2027 holiday notice yet, so only weekends are off.
            #expect(accepted.dueBy == LocalDate("2027-01-20"))
            #expect(accepted.commitment.contains("济市监罚〔2026〕1015号") && accepted.commitmentHash.count == 64)
            await expectError("repair_case_open") { _ = try await repairs.apply(entityCode: code, application, by: nil) }

            await expectError("not_deciding_department") {
                _ = try await repairs.decide(id: accepted.id, RepairDecision(outcome: .approved, reason: "已履行"), departmentCode: tax, by: nil)
            }
            await expectError("reason_required") {
                _ = try await repairs.decide(id: accepted.id, RepairDecision(outcome: .approved, reason: " "), departmentCode: market, by: nil)
            }
            #expect(try await world.stores.records.publicRecords(subjectCode: code, on: LocalDate("2027-01-16")!).map(\.id) == [recordID])
            let approved = try await repairs.decide(
                id: accepted.id,
                RepairDecision(outcome: .approved, reason: "罚款已缴清，违法行为已改正"),
                departmentCode: market,
                by: "审核员"
            )
            #expect(approved.status == .approved && approved.decidedOn == LocalDate("2027-01-16"))
            #expect(approved.events.map(\.actor) == ["申请人", "审核员"])
            #expect(try await world.stores.records.publicRecords(subjectCode: code, on: LocalDate("2027-01-16")!).isEmpty)
            #expect(try await world.stores.records.fetchRecord(id: recordID)?.publication?.until == LocalDate("2027-01-15"))
            // Out of the public view, still in the entity's own file, shown as repaired.
            let file = try await world.stores.records.subjectRecords(subjectCode: code, limit: 10)
            #expect(file.map(\.id) == [recordID] && file.first?.fileLabel(on: LocalDate("2027-01-16")!) == "已修复（2027-01-16）")
            await expectError("repair_closed") {
                _ = try await repairs.decide(id: accepted.id, RepairDecision(outcome: .rejected, reason: "x"), departmentCode: market, by: nil)
            }
            // The department corrects the record afterwards: the new version stays out of the public view.
            var corrected = Builders.penalty(code, number: "济市监罚〔2026〕1015号", decidedOn: "2026-10-15", content: "罚款人民币四千元")
            corrected.changeReason = "更正罚款金额"
            let correction = TestDatabase.items([corrected], catalogue: world.stores.catalogues.inForce(on: today), today: world.clock.today())
            #expect(try await world.stores.records.submit(departmentCode: market, items: correction, source: "api").first?.status == .updated)
            #expect(try await world.stores.records.publicRecords(subjectCode: code, on: LocalDate("2027-01-16")!).isEmpty)
            // Closed, the item may be named again — and is answered that it is no longer public.
            await expectError("repair_not_needed") { _ = try await repairs.apply(entityCode: code, application, by: nil) }
        },
        PortBehaviour("a black-list entry repaired after a year leaves the credit checks at once, as a new version of the entry") { world in
            let item = try await world.seed(1)[0]
            let code = item.entity.code.rawValue
            let entered = try await world.stores.listings.enter(
                try ListingConformance.request("market-serious-violator", code: code, number: "济市监严〔2026〕修1号").parse(),
                departmentCode: market,
                by: nil
            )
            let listingID = try #require(entered.listing.id)
            let application = RepairApplication(items: [.init(listingId: listingID)], commitment: committed)
            let early = await expectError("repair_not_yet_eligible") {
                _ = try await world.stores.repairs.apply(entityCode: code, application, by: nil)
            }
            #expect(early?.contains("2027-11-27") == true, "a year after the entry started on 2026-11-26")

            world.clock.set(LocalDate("2027-11-29")!)
            let check = { () async throws -> CheckAnswer in
                try await world.stores.checks.check(
                    [CheckRequest(subject: .entity(item.entity.code), scenario: "government-procurement", purpose: "资格审查")],
                    checker: "审批员",
                    accountID: nil,
                    requestID: nil
                )[0].answer
            }
            #expect(try await check().result == CheckAnswer.listed)
            let accepted = try await world.stores.repairs.apply(entityCode: code, application, by: nil)
            let rejected = try await world.stores.repairs.decide(
                id: accepted.id,
                RepairDecision(outcome: .rejected, reason: "未提交履行义务的证明"),
                departmentCode: market,
                by: nil
            )
            #expect(rejected.status == .rejected && rejected.reason == "未提交履行义务的证明")
            #expect(try await check().result == CheckAnswer.listed, "a rejection changes nothing")

            let again = try await world.stores.repairs.apply(entityCode: code, application, by: nil)
            _ = try await world.stores.repairs.decide(
                id: again.id,
                RepairDecision(outcome: .approved, reason: "已整改"),
                departmentCode: market,
                by: nil
            )
            #expect(try await check().result == CheckAnswer.noListings)
            let versions = try await world.stores.listings.versions(id: listingID)
            #expect(versions.map(\.status) == [.listed, .removed] && versions.last?.endReason?.contains("信用修复") == true)
            #expect(try await world.stores.log.verify(publicKey: nil).ok)
        },
    ]
}
