import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import Testing

@Suite("The public's view in SQL is the rule in CreditCore")
struct PublicVisibilityTests {
    @Test(
        "on generated records (every severity, warning-only, revoked), each day around every window shows in SQL exactly what PublicVisibility says",
        arguments: TestEngine.available
    )
    func generated(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            // setup: penalties with random decision dates and severities, some warning-only, some revoked later
            var rng = SplitMix64(seed: 22)
            let codes = f.items.map(\.entity.code.rawValue)
            let first = LocalDate("2023-01-01")!.dayNumber
            var submissions: [RecordSubmission] = []
            for i in 0..<40 {
                let decided = LocalDate(dayNumber: first + rng.below(LocalDate("2026-05-08")!.dayNumber - first))
                let severity = rng.pick([("minor", 1), ("general", 3), ("serious", 2)])
                let kinds = rng.pick([("罚款", 4), ("警告", 1)])
                submissions.append(
                    RecordStoreTests.penalty(
                        codes[i % codes.count],
                        number: "生成〔2026〕\(i)号",
                        decidedOn: decided.description,
                        severity: severity,
                        kinds: kinds
                    )
                )
            }
            let stored = try await f.submit(RecordStoreTests.market, submissions)
            #expect(stored.allSatisfy { $0.status == .accepted }, "\(stored.filter { $0.status != .accepted })")
            var revocations: [RecordSubmission] = []
            for (i, submission) in submissions.enumerated() where i % 7 == 3 {
                var revocation = submission
                revocation.revoked = true
                revocation.revokedOn = submission.fields["decidedOn"]
                revocation.changeReason = "复议撤销"
                revocations.append(revocation)
            }
            _ = try await f.submit(RecordStoreTests.market, revocations)
            var records: [StoredRecord] = []
            for result in stored {
                let id = try #require(result.id)
                records.append(try #require(try await f.store.fetchRecord(id: id)))
            }
            #expect(records.contains { $0.status == .revoked } && records.contains { $0.publication == nil && $0.status == .active })
            // the days that matter: each side of every window's first and last day
            var days: Set<LocalDate> = [LocalDate("2026-05-11")!]
            for window in records.compactMap(\.publication) {
                for day in [window.from, window.until] { days.formUnion([-1, 0, 1].map { LocalDate(dayNumber: day.dayNumber + $0) }) }
            }
            for day in days.sorted(by: { $0.dayNumber < $1.dayNumber }) {
                // MUT
                let shown = try await f.store.searchPublic(PublicRecordQuery(), on: day, page: 1, size: 100).items.map(\.id)
                // validate
                let expected = records.filter { PublicVisibility.isVisible(status: $0.status, window: $0.publication, on: day) }.map(\.id)
                #expect(Set(shown) == Set(expected), "\(day)")
                let subject = codes[0]
                let forSubject = try await f.store.publicRecords(subjectCode: subject, on: day).map(\.id)
                #expect(Set(forSubject) == Set(records.filter { $0.subjectCode == subject && $0.isPublic(on: day) }.map(\.id)), "\(day)")
            }
        }
    }
}
