import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``CommitmentStore`` promises, with the shipped item list, the 2026 calendar and an injected clock: the
/// 告知承诺 gate refuses a subject with a serious adverse record in public view, naming it; a clean subject signs the
/// template in force (its text hashed, countersigned, logged); a commitment not verified by its date is overdue; a
/// breach becomes an adverse record in the subject's file and the gate refuses the subject from then on.
public enum CommitmentConformance {
    static var market: String { ListingConformance.market }
    static var tax: String { ListingConformance.tax }

    static func premises(_ address: String = "济南市历下区泺源大街 1 号") -> CommitmentRequest {
        CommitmentRequest(item: "business-premises", templateVersion: "2026-04-01", fields: ["address": address])
    }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "a serious penalty in public view refuses 告知承诺 with its record; a clean entity signs, misses its verification, is found not to perform, and is refused next time"
        ) { world in
            let seeded = try await world.seed(2)
            let (dirty, clean) = (seeded[0].entity.code, seeded[1].entity.code)
            let today = world.clock.today()
            let serious = TestDatabase.items(
                [Builders.penalty(dirty.rawValue, number: "济市监罚〔2026〕严1号", decidedOn: "2026-11-20", severity: "serious", kinds: "罚款")],
                catalogue: world.stores.catalogues.inForce(on: today),
                today: today
            )
            let seriousID = try #require(try await world.stores.records.submit(departmentCode: market, items: serious, source: "api").first?.id)
            let commitments = world.stores.commitments

            let refused = try await commitments.eligibility(code: dirty, item: "business-premises", checker: "窗口")
            #expect(!refused.eligible && refused.reasons.map(\.code) == ["serious_record_public"] && refused.reasons.first?.recordId == seriousID)
            #expect(refused.receipt.answerDigest.count == 64 && !refused.receipt.signature.isEmpty)
            let notEligible = await expectError("not_eligible") {
                _ = try await commitments.sign(premises(), subjectCode: dirty.rawValue, signedBy: "经办人", onBehalfOf: nil)
            }
            #expect(notEligible?.contains("济市监罚〔2026〕严1号") == true, "the refusal names the record")
            // A voluntary public commitment is not gated.
            #expect(try await commitments.eligibility(code: dirty, item: "public-integrity", checker: "窗口").eligible)
            await expectError("unknown_item") { _ = try await commitments.eligibility(code: dirty, item: "no-such-item", checker: "窗口") }

            #expect(try await commitments.eligibility(code: clean, item: "business-premises", checker: "窗口").eligible)
            await expectError("template_superseded") {
                _ = try await commitments.sign(
                    CommitmentRequest(item: "business-premises", templateVersion: "2025-01-01", fields: ["address": "x"]),
                    subjectCode: clean.rawValue,
                    signedBy: "经办人",
                    onBehalfOf: nil
                )
            }
            await expectError("missing_field") {
                _ = try await commitments.sign(premises(" "), subjectCode: clean.rawValue, signedBy: "经办人", onBehalfOf: nil)
            }
            await expectError("not_item_department") {
                _ = try await commitments.sign(premises(), subjectCode: clean.rawValue, signedBy: "税务窗口", onBehalfOf: tax)
            }
            #expect(
                try await commitments.commitments(subjectCode: clean.rawValue, departmentCode: nil, limit: 10).isEmpty,
                "nothing written by a refusal"
            )
            let logBefore = try await world.stores.log.size()
            let signed = try await commitments.sign(premises(), subjectCode: clean.rawValue, signedBy: "经办人", onBehalfOf: nil)
            #expect(signed.departmentCode == market && signed.type == .approvalSubstitute && signed.text.contains("济南市历下区泺源大街 1 号"))
            #expect(signed.text.contains(seeded[1].entity.name) && signed.textHash.count == 64 && !signed.countersignature.isEmpty)
            // 2026-11-26 (Thursday) + 20 working days: 27 Nov; 30 Nov–4 Dec; 7–11 Dec; 14–18 Dec; 21–24 Dec.
            #expect(signed.verifyBy == LocalDate("2026-12-24"))
            #expect(try await world.stores.log.size() == logBefore + 1, "signed: one leaf")

            // Past its date unverified, it is overdue for the department.
            #expect(!signed.isOverdue(on: LocalDate("2026-12-24")!) && signed.isOverdue(on: LocalDate("2026-12-25")!))
            world.clock.set(LocalDate("2026-12-28")!)
            let mine = try await commitments.commitments(subjectCode: nil, departmentCode: market, limit: 10)
            #expect(mine.filter { $0.isOverdue(on: world.clock.today()) }.map(\.id) == [signed.id])

            await expectError("not_verifying_department") {
                _ = try await commitments.verify(id: signed.id, .notFulfilled, reason: "x", departmentCode: tax, by: nil)
            }
            await expectError("reason_required") {
                _ = try await commitments.verify(id: signed.id, .notFulfilled, reason: " ", departmentCode: market, by: nil)
            }
            let broken = try await commitments.verify(
                id: signed.id,
                .notFulfilled,
                reason: "实地核查：该地址为居民住宅，未取得利用住宅从事经营活动的同意",
                departmentCode: market,
                by: "核查员"
            )
            #expect(broken.outcome == .notFulfilled && broken.verifiedOn == LocalDate("2026-12-28") && broken.recordId != nil)
            await expectError("already_verified") {
                _ = try await commitments.verify(id: signed.id, .fulfilled, reason: "x", departmentCode: market, by: nil)
            }
            // The breach is an adverse record in the entity's public file, and the gate now refuses it.
            let file = try await world.stores.records.publicRecords(subjectCode: clean.rawValue, on: world.clock.today())
            #expect(file.map(\.category) == ["commitment-breach"] && file.first?.id == broken.recordId)
            let after = try await commitments.eligibility(code: clean, item: "licence-missing-material", checker: "窗口")
            #expect(
                !after.eligible && after.reasons.map(\.code) == ["commitment_breach_unrepaired"] && after.reasons.first?.recordId == broken.recordId
            )
            #expect(try await world.stores.log.verify(publicKey: nil).firstMismatch == nil, "signing and verifying are logged")
        },
        PortBehaviour(
            "the credit office loads a new item list: refused with its problems, in force from its effective date, never rewritten"
        ) { world in
            try await world.seed(1)
            let commitments = world.stores.commitments
            #expect(try await commitments.items().version == "2026-04-01", "the shipped list")
            var next = CommitmentItems.shipped
            next.version = "2027-01-01"
            next.effectiveFrom = LocalDate("2027-01-01")!
            next.items[0].name = "住所（经营场所）告知承诺（2027 年版）"
            var wrong = next
            wrong.items[0].field = "public-safety"
            let refused = await expectError("invalid_commitment_items") { try await commitments.loadItems(wrong, loadedBy: "信用办") }
            #expect(refused?.contains("国办发〔2020〕42号") == true)
            try await commitments.loadItems(next, loadedBy: "信用办")
            await expectError("commitment_items_version_exists") { try await commitments.loadItems(next, loadedBy: "信用办") }
            #expect(try await commitments.items().version == "2026-04-01", "not in force before its date")
            world.clock.set(LocalDate("2027-01-04")!)
            #expect(try await commitments.items().item("business-premises")?.name == "住所（经营场所）告知承诺（2027 年版）")
        },
        PortBehaviour("a department signs at a window on the applicant's behalf; an entry on a blacklist refuses 告知承诺") { world in
            let seeded = try await world.seed(2)
            let code = seeded[0].entity.code
            let commitments = world.stores.commitments
            let atWindow = try await commitments.sign(
                CommitmentRequest(item: "tax-clearance-proof", templateVersion: "2026-04-01", fields: ["purpose": "申请政府采购投标"]),
                subjectCode: code.rawValue,
                signedBy: "办税服务厅",
                onBehalfOf: tax
            )
            #expect(atWindow.onBehalf && atWindow.departmentCode == tax && atWindow.text.contains("申请政府采购投标"))
            let listed = try await world.stores.listings.enter(
                try ListingConformance.request("market-serious-violator", code: seeded[1].entity.code.rawValue, number: "济市监严〔2026〕承1号").parse(),
                departmentCode: market,
                by: nil
            )
            let answer = try await commitments.eligibility(code: seeded[1].entity.code, item: "tax-clearance-proof", checker: "窗口")
            #expect(answer.reasons.map(\.code) == ["serious_dishonesty_listing"] && answer.reasons.first?.listingId == listed.listing.id)
        },
    ]
}
