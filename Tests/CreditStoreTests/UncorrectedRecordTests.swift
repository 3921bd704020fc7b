import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import Testing

/// A penalty marked uncorrected by its department (a new version), kept public past its maximum period and saying why;
/// marked corrected again, it comes down at the maximum.
@Suite("Stored records kept public because the conduct was not corrected")
struct UncorrectedRecordTests {
    @Test("marked, the record is public through the day stated and says why; unmarked, it ends at the maximum", arguments: TestEngine.available)
    func markAndUnmark(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let code = f.items[0].entity.code.rawValue
            var penalty = Builders.penalty(code, number: "济市监罚〔2026〕88号", decidedOn: "2026-09-01")
            f.clock.set(LocalDate("2026-09-02")!)
            let first = try await f.submit(RecordStoreTests.market, [penalty])
            let id = try #require(first.first?.id)
            /// The days of `days` on which the public sees it.
            func publicOn(_ days: [String]) async throws -> [String] {
                var seen: [String] = []
                for day in days where try await f.store.publicRecords(subjectCode: code, on: LocalDate(day)!).contains(where: { $0.id == id }) {
                    seen.append(day)
                }
                return seen
            }
            let days = ["2027-09-01", "2027-09-02", "2027-12-01", "2028-03-01", "2028-03-02"]
            #expect(try await publicOn(days) == ["2027-09-01"])

            f.clock.set(LocalDate("2027-08-20")!)
            penalty.fields["uncorrectedUntil"] = "2028-03-01"
            penalty.fields["uncorrectedBasis"] = "限制从业至2028-03-01"
            penalty.changeReason = "最长公示期届满仍未纠正"
            #expect(try await f.submit(RecordStoreTests.market, [penalty]).first?.status == .updated)
            let kept = try #require(try await f.store.fetchRecord(id: id))
            #expect(kept.publication?.until == LocalDate("2028-03-01") && kept.publication?.maxUntil == LocalDate("2027-09-01"))
            let because = try #require(kept.stillPublicBecause(catalogue: f.catalogue))
            #expect(because.contains("2027-09-01") && because.contains("限制从业至2028-03-01") && because.contains("国家发展改革委令2025年第36号"))
            #expect(try await publicOn(days) == ["2027-09-01", "2027-09-02", "2027-12-01", "2028-03-01"])
            #expect(try await f.store.fetchVersions(recordID: id).count == 2, "the mark is a version of its own")

            // Corrected: sent again without the mark, the record ends at its maximum.
            f.clock.set(LocalDate("2027-10-08")!)
            penalty.fields["uncorrectedUntil"] = nil
            penalty.fields["uncorrectedBasis"] = nil
            penalty.changeReason = "已纠正"
            #expect(try await f.submit(RecordStoreTests.market, [penalty]).first?.status == .updated)
            let ended = try #require(try await f.store.fetchRecord(id: id))
            #expect(ended.publication?.until == LocalDate("2027-09-01") && ended.publication?.maxUntil == nil)
            #expect(ended.stillPublicBecause(catalogue: f.catalogue) == nil)
            #expect(try await publicOn(days) == ["2027-09-01"])
        }
    }
}
