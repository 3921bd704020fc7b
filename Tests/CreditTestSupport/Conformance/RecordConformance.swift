import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Testing

/// What every ``RecordStore`` promises: the submission rules (``SubmissionRules``), the 7-working-day clock and the
/// publication windows of the bundled rules, held on what is stored and shown.
public enum RecordConformance {
    /// The tax bureau of the demo city.
    static let department = DemoCity.departments[2].code

    /// The city's intermediate court.
    static let court = DemoCity.departments.first { $0.name.hasSuffix("人民法院") }!.code

    /// Submits `records` as one batch of a department (the tax bureau unless told), checked against the catalogue in
    /// force today.
    static func submit(
        _ world: ConformanceWorld,
        _ records: [RecordSubmission],
        by department: String = department
    ) async throws -> [SubmissionResult] {
        let today = world.clock.today()
        let items = TestDatabase.items(records, catalogue: world.stores.catalogues.inForce(on: today), today: today)
        return try await world.stores.records.submit(departmentCode: department, items: items, source: "api")
    }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("a court's debtor is public through the court's term, untimed, and leaves the public view when the court deletes it") {
            world in
            let subject = try await world.seed(3)[0].entity
            var debtor = RecordSubmission(
                category: "dishonest-debtor",
                fields: [
                    "subjectCode": subject.code.rawValue, "subjectName": subject.name, "documentNumber": "（2026）鲁01执9号",
                    "decidedOn": "2026-11-20", "listedUntil": "2028-11-20", "content": "有履行能力而拒不履行生效法律文书确定的义务",
                    "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
                ]
            )
            let id = try #require(try await submit(world, [debtor], by: court).first?.id)
            let records = world.stores.records
            let listed = try #require(try await records.fetchRecord(id: id))
            #expect(listed.timeliness == nil, "the seed times administrative acts, not the courts' lists")
            #expect(listed.publication?.from == ConformanceWorld.today && listed.publication?.until == LocalDate("2028-11-20"))
            #expect(try await records.publicRecords(subjectCode: subject.code.rawValue, on: LocalDate("2028-11-20")!).map(\.id) == [id])
            #expect(try await records.publicRecords(subjectCode: subject.code.rawValue, on: LocalDate("2028-11-21")!).isEmpty)
            #expect(try await records.timeliness(departmentCode: court, from: LocalDate("2026-01-01")!, to: LocalDate("2026-12-31")!).isEmpty)
            // Without its term, or with a term before the listing: refused, naming the field.
            var untermed = debtor
            untermed.fields["documentNumber"] = "（2026）鲁01执10号"
            untermed.fields["listedUntil"] = nil
            var backwards = debtor
            backwards.fields["documentNumber"] = "（2026）鲁01执11号"
            backwards.fields["listedUntil"] = "2026-11-19"
            let refused = try await submit(world, [untermed, backwards], by: court)
            #expect(refused.map(\.status) == [.rejected, .rejected])
            #expect(refused.map { $0.problems.map(\.field) } == [["listedUntil"], ["listedUntil"]])
            // The court deletes the listing (the debtor paid): at once out of the public view, the history kept.
            world.clock.set(LocalDate("2026-12-03")!)
            debtor.revoked = true
            debtor.revokedOn = "2026-12-02"
            debtor.changeReason = "被执行人已履行，法院删除失信信息"
            #expect(try await submit(world, [debtor], by: court).map(\.status) == [.updated])
            #expect(try await records.publicRecords(subjectCode: subject.code.rawValue, on: LocalDate("2026-12-03")!).isEmpty)
            #expect(try await records.fetchVersions(recordID: id).map(\.status) == [.active, .revoked])
        },
        PortBehaviour("a revocation names its day and is withdrawn within 3 working days of it; one sent on the 4th is late") { world in
            let subject = try await world.seed(3)[2].entity.code.rawValue
            let penalties = [
                Builders.penalty(subject, number: "济税罚〔2026〕201号", decidedOn: "2026-11-20"),
                Builders.penalty(subject, number: "济税罚〔2026〕202号", decidedOn: "2026-11-20"),
            ]
            let ids = try await submit(world, penalties).compactMap(\.id)
            // Revoked on Monday 30 November: 3 working days are Tuesday 1 to Thursday 3 December.
            func revocation(_ penalty: RecordSubmission, on day: String?) -> RecordSubmission {
                RecordSubmission(category: penalty.category, fields: penalty.fields, changeReason: "经行政复议撤销", revoked: true, revokedOn: day)
            }
            world.clock.set(LocalDate("2026-12-02")!)
            #expect(try await submit(world, [revocation(penalties[0], on: nil)]).map { $0.problems.map(\.field) } == [["revokedOn"]])
            world.clock.set(LocalDate("2026-12-03")!)
            #expect(try await submit(world, [revocation(penalties[0], on: "2026-11-30")]).map(\.status) == [.updated])
            world.clock.set(LocalDate("2026-12-04")!)
            #expect(try await submit(world, [revocation(penalties[1], on: "2026-11-30")]).map(\.status) == [.updated])
            let records = world.stores.records
            let onTime = try #require(try await records.fetchRecord(id: ids[0])?.withdrawal)
            let late = try #require(try await records.fetchRecord(id: ids[1])?.withdrawal)
            #expect(onTime.dueBy == LocalDate("2026-12-03") && !onTime.late && onTime.workingDays == 3)
            #expect(late.dueBy == LocalDate("2026-12-03") && late.late && late.delayWorkingDays == 1)
            #expect(try await records.fetchRecord(id: ids[0])?.timeliness?.dueBy == LocalDate("2026-12-01"), "the clock of the decision stays")
            let report = try await records.timeliness(departmentCode: department, from: LocalDate("2026-11-01")!, to: LocalDate("2026-11-30")!)
            #expect(report.map(\.withdrawals) == [2] && report.map(\.withdrawalsLate) == [1] && report.map(\.records) == [2])
        },
        PortBehaviour("a penalty marked uncorrected is public through the day stated and says why; sent again unmarked, it ends at its maximum") {
            world in
            let code = try await world.seed(3)[0].entity.code.rawValue
            var penalty = Builders.penalty(code, number: "济税罚〔2026〕88号", decidedOn: "2026-09-01")
            world.clock.set(LocalDate("2026-09-02")!)
            let id = try #require(try await submit(world, [penalty]).first?.id)
            let records = world.stores.records
            let days = ["2027-09-01", "2027-09-02", "2027-12-01", "2028-03-01", "2028-03-02"]
            /// The days of `days` on which the public sees it.
            func publicOn() async throws -> [String] {
                var seen: [String] = []
                for day in days where try await records.publicRecords(subjectCode: code, on: LocalDate(day)!).contains(where: { $0.id == id }) {
                    seen.append(day)
                }
                return seen
            }
            #expect(try await publicOn() == ["2027-09-01"], "a general penalty decided 2026-09-01 is public through 2027-09-01")

            world.clock.set(LocalDate("2027-08-20")!)
            penalty.fields["uncorrectedUntil"] = "2028-03-01"
            penalty.fields["uncorrectedBasis"] = "限制从业至2028-03-01"
            penalty.changeReason = "最长公示期届满仍未纠正"
            #expect(try await submit(world, [penalty]).map(\.status) == [.updated])
            let kept = try #require(try await records.fetchRecord(id: id))
            #expect(kept.publication?.until == LocalDate("2028-03-01") && kept.publication?.maxUntil == LocalDate("2027-09-01"))
            let catalogue = world.stores.catalogues.inForce(on: world.clock.today())
            let because = try #require(kept.stillPublicBecause(catalogue: catalogue))
            #expect(because.contains("2027-09-01") && because.contains("限制从业至2028-03-01") && because.contains("国家发展改革委令2025年第36号"))
            #expect(try await publicOn() == ["2027-09-01", "2027-09-02", "2027-12-01", "2028-03-01"])
            #expect(try await records.fetchVersions(recordID: id).count == 2, "the mark is a version of its own")

            world.clock.set(LocalDate("2027-10-08")!)
            penalty.fields["uncorrectedUntil"] = nil
            penalty.fields["uncorrectedBasis"] = nil
            penalty.changeReason = "已纠正"
            #expect(try await submit(world, [penalty]).map(\.status) == [.updated])
            let ended = try #require(try await records.fetchRecord(id: id))
            #expect(ended.publication?.until == LocalDate("2027-09-01") && ended.publication?.maxUntil == nil)
            #expect(ended.stillPublicBecause(catalogue: catalogue) == nil)
            #expect(try await publicOn() == ["2027-09-01"])
        },
        PortBehaviour("a department's records of a category in force are read in id order after a cursor, revoked and others' left out") {
            world in
            let code = try await world.seed(3)[1].entity.code.rawValue
            let penalties = (1...5).map { Builders.penalty(code, number: "济税罚〔2026〕30\($0)号", decidedOn: "2026-11-20") }
            let ids = try await submit(world, penalties).compactMap(\.id)
            var revocation = penalties[2]
            revocation.revoked = true
            revocation.revokedOn = "2026-11-25"
            revocation.changeReason = "经行政复议撤销"
            #expect(try await submit(world, [revocation]).map(\.status) == [.updated])
            _ = try await submit(world, [Builders.penalty(code, number: "济市监罚〔2026〕1号", decidedOn: "2026-11-20")], by: DemoCity.departments[1].code)
            let records = world.stores.records
            let first = try await records.activeDepartmentRecords(department, category: "penalty", after: 0, limit: 2)
            #expect(first.map(\.id) == [ids[0], ids[1]])
            let rest = try await records.activeDepartmentRecords(department, category: "penalty", after: ids[1], limit: 10)
            #expect(rest.map(\.id) == [ids[3], ids[4]], "the revoked one is not in force")
            #expect(try await records.activeDepartmentRecords(department, category: "license", after: 0, limit: 10).isEmpty)
        },
        PortBehaviour("a complaint has no clock and no place in the timeliness report") { world in
            let subject = try await world.seed(3)[1].entity
            let complaint = RecordSubmission(
                category: "complaint",
                fields: [
                    "subjectCode": subject.code.rawValue, "subjectName": subject.name, "documentNumber": "济12345〔2026〕1号",
                    "decidedOn": "2026-09-01", "content": "消费者投诉：未按约定退款", "basis": "12345 热线工单", "severity": "general",
                ]
            )
            let id = try #require(try await submit(world, [complaint]).first?.id)
            let record = try #require(try await world.stores.records.fetchRecord(id: id))
            #expect(record.timeliness == nil && record.publication == nil)
            #expect(
                try await world.stores.records.timeliness(departmentCode: department, from: LocalDate("2026-09-01")!, to: LocalDate("2026-09-30")!)
                    .isEmpty
            )
        },
        PortBehaviour("a record is stored once; sent again it changes nothing; changed it is a new version that keeps its first receipt") { world in
            let subject = try await world.seed(3)[0].entity.code.rawValue
            let first = Builders.penalty(subject, number: "济税罚〔2026〕101号", decidedOn: "2026-11-20")
            let stored = try await submit(world, [first])
            #expect(stored.map(\.status) == [.accepted])
            let id = try #require(stored.first?.id)
            #expect(try await submit(world, [first]).map(\.status) == [.unchanged])
            world.clock.set(LocalDate("2026-12-03")!)
            let changed = Builders.penalty(subject, number: "济税罚〔2026〕101号", decidedOn: "2026-11-20", content: "罚款人民币六千元")
            let again = try await submit(world, [changed])
            #expect(again.map(\.status) == [.updated] && again.first?.id == id)
            let record = try #require(try await world.stores.records.fetchRecord(id: id))
            #expect(record.version == 2 && record.matched && record.subjectCode == subject && record.status == .active)
            #expect(record.content["content"] == "罚款人民币六千元")
            #expect(record.publication?.from == ConformanceWorld.today, "the window counts from the first receipt")
            #expect(record.timeliness?.dueBy == LocalDate("2026-12-01") && record.timeliness?.late == false, "7 working days from Friday 20 November")
            #expect(try await world.stores.records.fetchVersions(recordID: id).count == 2)
        },
        PortBehaviour("a general penalty is public from its receipt, for at least 3 months and through the day a year after its decision") {
            world in
            let subject = try await world.seed(3)[1].entity.code.rawValue
            let id = try #require(try await submit(world, [Builders.penalty(subject, number: "济税罚〔2026〕102号", decidedOn: "2026-11-20")]).first?.id)
            let window = try #require(try await world.stores.records.fetchRecord(id: id)?.publication)
            #expect(window.from == ConformanceWorld.today)
            #expect(
                window.earliestEnd == LocalDate("2027-02-20") && window.repairFrom == LocalDate("2027-02-21")
                    && window.until == LocalDate("2027-11-20")
            )
            let records = world.stores.records
            #expect(try await records.publicRecords(subjectCode: subject, on: LocalDate("2026-11-25")!).isEmpty, "not before the platform had it")
            #expect(try await records.publicRecords(subjectCode: subject, on: ConformanceWorld.today).map(\.id) == [id])
            #expect(try await records.publicRecords(subjectCode: subject, on: LocalDate("2027-11-20")!).map(\.id) == [id])
            #expect(try await records.publicRecords(subjectCode: subject, on: LocalDate("2027-11-21")!).isEmpty)
            let page = try await records.searchPublic(PublicRecordQuery(category: "penalty"), on: ConformanceWorld.today, page: 1, size: 10)
            #expect(page.items.map(\.id) == [id] && page.total == 1)
        },
        PortBehaviour("the same document twice in one batch is refused into the department's queue, which the department resolves") { world in
            let subject = try await world.seed(3)[2].entity.code.rawValue
            let twice = Builders.penalty(subject, number: "济税罚〔2026〕103号")
            let results = try await submit(world, [twice, twice])
            #expect(results.map(\.status) == [.accepted, .rejected])
            #expect(results[1].problems.map(\.code) == ["duplicate_in_batch"])
            let records = world.stores.records
            #expect(try await records.openRejectionCount(departmentCode: department) == 1)
            let queued = try await records.rejections(departmentCode: department, limit: 10)
            #expect(queued.map(\.documentNumber) == ["济税罚〔2026〕103号"] && queued.first?.problems.map(\.code) == ["duplicate_in_batch"])
            let rejection = try #require(queued.first)
            #expect(try await records.rejection(id: rejection.id, departmentCode: DemoCity.departments[1].code) == nil, "another department's")
            #expect(try await records.resolveRejection(id: rejection.id, departmentCode: department))
            #expect(try await records.openRejectionCount(departmentCode: department) == 0)
            #expect(try await records.resolveRejection(id: rejection.id, departmentCode: department) == false, "resolving twice says so")
        },
        PortBehaviour("a record about an unregistered entity is kept, unmatched; lateness is counted in working days") { world in
            try await world.seed(3)
            let stranger = "91350100M000100Y43"
            let results = try await submit(
                world,
                [
                    Builders.penalty(stranger, number: "济税罚〔2026〕104号", decidedOn: "2026-11-20"),
                    Builders.penalty(stranger, number: "济税罚〔2026〕105号", decidedOn: "2026-11-05"),
                ]
            )
            #expect(results.map(\.status) == [.accepted, .accepted])
            let records = world.stores.records
            #expect(Set(try await records.unmatched(limit: 10).map(\.id)) == Set(results.compactMap(\.id)))
            // Thursday 5 November + 7 working days = Monday 16 November; received Thursday the 26th: 8 working days late.
            let late = try #require(try await records.fetchRecord(id: results[1].id!))
            #expect(late.timeliness?.dueBy == LocalDate("2026-11-16") && late.timeliness?.late == true && late.timeliness?.delayWorkingDays == 8)
            let rows = try await records.timeliness(departmentCode: department, from: LocalDate("2026-11-01")!, to: LocalDate("2026-11-30")!)
            #expect(rows.map(\.records) == [2] && rows.map(\.late) == [1])
            let lateOnly = try await records.departmentRecords(department, DepartmentRecordQuery(lateOnly: true), page: 1, size: 10)
            #expect(lateOnly.items.map(\.id) == [late.id] && lateOnly.total == 1)
        },
    ]
}
