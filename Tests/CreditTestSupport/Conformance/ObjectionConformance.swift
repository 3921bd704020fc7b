import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``ObjectionStore`` promises, with an injected clock: an objection marks the item at once wherever it
/// is read (the public record, the credit check), only the source department decides it, and its outcome takes effect
/// in the same step — a record unpublished leaves the public view with a remedy notice; an upheld entry stays.
public enum ObjectionConformance {
    static var market: String { ListingConformance.market }
    static var tax: String { ListingConformance.tax }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "an objection marks the record and the entry at once everywhere; unpublished takes the record out with a remedy notice, upheld keeps the entry"
        ) { world in
            let seeded = try await world.seed(2)
            let code = seeded[0].entity.code.rawValue
            let today = world.clock.today()
            let items = TestDatabase.items(
                [Builders.penalty(code, number: "济市监罚〔2026〕1126号", decidedOn: "2026-11-20")],
                catalogue: world.stores.catalogues.inForce(on: today),
                today: today
            )
            let recordID = try #require(try await world.stores.records.submit(departmentCode: market, items: items, source: "api").first?.id)
            let listingID = try #require(
                try await world.stores.listings.enter(
                    try ListingConformance.request("market-serious-violator", code: code, number: "济市监严〔2026〕异1号").parse(),
                    departmentCode: market,
                    by: nil
                ).listing.id
            )
            let objections = world.stores.objections
            let filing = ObjectionFiling(recordId: recordID, grounds: "处罚决定已被行政复议撤销")

            await expectError("not_your_item") {
                _ = try await objections.file(filing, filerKind: .entity, filer: seeded[1].entity.code.rawValue, by: nil)
            }
            await expectError("missing_field") {
                _ = try await objections.file(ObjectionFiling(recordId: recordID, grounds: " "), filerKind: .entity, filer: code, by: nil)
            }
            await expectError("item_not_found") {
                _ = try await objections.file(ObjectionFiling(recordId: recordID + 1000, grounds: "x"), filerKind: .entity, filer: code, by: nil)
            }
            #expect(try await world.stores.records.fetchRecord(id: recordID)?.underObjection == false, "nothing marked by a refusal")

            let onRecord = try await objections.file(filing, filerKind: .entity, filer: code, by: "经办人")
            #expect(onRecord.status == .accepted && onRecord.departmentCode == market)
            // 2026-11-26 (Thursday) + 7 working days: 27 Nov, 30 Nov, 1–4 Dec, 7 Dec.
            #expect(onRecord.dueBy == LocalDate("2026-12-07"))
            #expect(try await world.stores.records.publicRecords(subjectCode: code, on: today).map(\.underObjection) == [true])
            await expectError("objection_open") { _ = try await objections.file(filing, filerKind: .entity, filer: code, by: nil) }

            let onListing = try await objections.file(
                ObjectionFiling(listingId: listingID, grounds: "列入依据适用错误"),
                filerKind: .entity,
                filer: code,
                by: nil
            )
            let check = { () async throws -> CheckAnswer in
                try await world.stores.checks.check(
                    [CheckRequest(subject: .entity(seeded[0].entity.code), scenario: "government-procurement", purpose: "资格审查")],
                    checker: "审批员",
                    accountID: nil,
                    requestID: nil
                )[0].answer
            }
            #expect(try await check().listings.map(\.underObjection) == [true], "a check says the entry is disputed")

            await expectError("not_source_department") {
                _ = try await objections.decide(id: onRecord.id, .unpublished, reason: "x", departmentCode: tax, by: nil)
            }
            await expectError("outcome_not_for_item") {
                _ = try await objections.decide(id: onRecord.id, .delisted, reason: "x", departmentCode: market, by: nil)
            }
            let unpublished = try await objections.decide(id: onRecord.id, .unpublished, reason: "原处罚决定已撤销", departmentCode: market, by: "审核员")
            #expect(unpublished.outcome == .unpublished && unpublished.remedy?.contains("济市监罚〔2026〕1126号") == true)
            #expect(try await world.stores.records.publicRecords(subjectCode: code, on: today).isEmpty)
            #expect(try await world.stores.records.fetchRecord(id: recordID)?.underObjection == false)
            await expectError("objection_closed") {
                _ = try await objections.decide(id: onRecord.id, .upheld, reason: "x", departmentCode: market, by: nil)
            }

            let upheld = try await objections.decide(id: onListing.id, .upheld, reason: "列入依据适用正确", departmentCode: market, by: nil)
            #expect(upheld.outcome == .upheld && upheld.remedy == nil)
            let after = try await check()
            #expect(after.result == CheckAnswer.listed && after.listings.map(\.underObjection) == [nil], "the entry stands, unmarked")
            #expect(try await objections.objections(filer: code, departmentCode: nil, limit: 10).map(\.id) == [onListing.id, onRecord.id])
        },
        PortBehaviour(
            "a correction is the record's new version sent first: corrected before it is refused, after it names that version; both versions stay"
        ) { world in
            let code = try await world.seed(1)[0].entity.code.rawValue
            let today = world.clock.today()
            let catalogue = world.stores.catalogues.inForce(on: today)
            let number = "济市监罚〔2026〕1127号"
            let first = TestDatabase.items([Builders.penalty(code, number: number, decidedOn: "2026-11-20")], catalogue: catalogue, today: today)
            let recordID = try #require(try await world.stores.records.submit(departmentCode: market, items: first, source: "api").first?.id)
            let objections = world.stores.objections
            let filed = try await objections.file(ObjectionFiling(recordId: recordID, grounds: "罚款金额记载有误"), filerKind: .entity, filer: code, by: nil)
            #expect(filed.itemVersion == 1)
            let notSent = await expectError("correction_not_sent") {
                _ = try await objections.decide(id: filed.id, .corrected, reason: "金额更正为四千元", departmentCode: market, by: nil)
            }
            #expect(notSent?.contains("POST /api/v1/records") == true, "the refusal says where the corrected version goes")
            var fixed = Builders.penalty(code, number: number, decidedOn: "2026-11-20", content: "罚款人民币四千元")
            fixed.changeReason = "异议 \(filed.id)：更正罚款金额"
            let sent = TestDatabase.items([fixed], catalogue: catalogue, today: today)
            #expect(try await world.stores.records.submit(departmentCode: market, items: sent, source: "api").first?.status == .updated)
            let corrected = try await objections.decide(id: filed.id, .corrected, reason: "金额更正为四千元", departmentCode: market, by: "审核员")
            #expect(corrected.outcome == .corrected && corrected.correctedVersion == 2)
            #expect(corrected.remedy?.contains("第 2 版") == true && corrected.remedy?.contains(number) == true)
            let versions = try await world.stores.records.fetchVersions(recordID: recordID)
            #expect(versions.count == 2, "nothing deleted: the version objected to is kept")
            #expect(try await world.stores.records.publicRecords(subjectCode: code, on: today).map(\.underObjection) == [false])
            // A list entry is not corrected here: a wrong one is delisted.
            let listingID = try #require(
                try await world.stores.listings.enter(
                    try ListingConformance.request("market-serious-violator", code: code, number: "济市监严〔2026〕异3号").parse(),
                    departmentCode: market,
                    by: nil
                ).listing.id
            )
            let onListing = try await objections.file(ObjectionFiling(listingId: listingID, grounds: "x"), filerKind: .entity, filer: code, by: nil)
            await expectError("outcome_not_for_item") {
                _ = try await objections.decide(id: onListing.id, .corrected, reason: "x", departmentCode: market, by: nil)
            }
        },
        PortBehaviour("an objection that is right about a list entry revokes it as a new version") { world in
            let code = try await world.seed(1)[0].entity.code.rawValue
            let listingID = try #require(
                try await world.stores.listings.enter(
                    try ListingConformance.request("market-serious-violator", code: code, number: "济市监严〔2026〕异2号").parse(),
                    departmentCode: market,
                    by: nil
                ).listing.id
            )
            let filed = try await world.stores.objections.file(
                ObjectionFiling(listingId: listingID, grounds: "并非本单位"),
                filerKind: .department,
                filer: market,
                by: nil
            )
            let decided = try await world.stores.objections.decide(id: filed.id, .delisted, reason: "主体认定错误", departmentCode: market, by: nil)
            #expect(decided.remedy?.contains("移出名单") == true)
            let versions = try await world.stores.listings.versions(id: listingID)
            #expect(versions.map(\.status) == [.listed, .revoked])
            #expect(try await world.stores.listings.listing(id: listingID)?.underObjection == false)
            #expect(try await world.stores.log.verify(publicKey: nil).ok)
        },
    ]
}
