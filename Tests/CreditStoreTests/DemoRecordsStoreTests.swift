import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import Foundation
import Testing

@Suite("Demo city records in the store")
struct DemoRecordsStoreTests {
    @Test(
        "the demo city's records go through the real path: all stored on their days, late ones counted by the working-day clock, windows and revocations in the public view, the log verifies",
        arguments: TestEngine.available
    )
    func stored(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let today = LocalDate("2026-11-27")!
            let clock = FixedClock(date: today)
            let entities = 600
            _ = try await TestDatabase.seedDemo(SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock), count: entities)
            let store = try TestDatabase.recordStore(db, clock: clock)
            let calendar = WorkingDayCalendar.bundled()
            let demo = DemoRecords(city: DemoCity(seed: 2019))
            let deliveries = demo.deliveries(entities: entities, today: today, calendar: calendar)
            let stored = try await demo.load(
                into: store,
                clock: clock,
                catalogues: CatalogueVersions([try Catalogue.bundled()]),
                entities: entities,
                now: clock.now(),
                calendar: calendar
            )
            #expect(stored == deliveries.map(\.submissions.count).reduce(0, +))

            // The timeliness report counts each decision once, late when it arrived after 7 working days; a court's list
            // has no such clock (the seed times administrative acts only) and is not in it.
            var expected: [String: (records: Int, late: Int)] = [:]
            var revoked = Set<String>()
            // Penalties the department marked uncorrected, and the day it said they stay public through.
            var uncorrected: [String: LocalDate] = [:]
            for delivery in deliveries {
                for submission in delivery.submissions {
                    let number = submission.fields["documentNumber"]!
                    if submission.revoked {
                        revoked.insert(number)
                        continue
                    }
                    if let until = submission.fields["uncorrectedUntil"] {
                        uncorrected[number] = LocalDate(until)!
                        continue
                    }
                    let decided = LocalDate(submission.fields["decidedOn"]!)!
                    if submission.category == "dishonest-debtor" { continue }
                    let key = delivery.departmentCode + " " + submission.category
                    expected[key, default: (0, 0)].records += 1
                    if delivery.receivedOn > calendar.adding(workingDays: 7, to: decided) { expected[key, default: (0, 0)].late += 1 }
                }
            }
            let report = try await store.timeliness(departmentCode: nil, from: today.adding(years: -4), to: today)
            #expect(
                Dictionary(uniqueKeysWithValues: report.map { ($0.departmentCode + " " + $0.category, $0.records) }) == expected.mapValues(\.records)
            )
            #expect(Dictionary(uniqueKeysWithValues: report.map { ($0.departmentCode + " " + $0.category, $0.late) }) == expected.mapValues(\.late))
            #expect(report.map(\.late).reduce(0, +) > 0)

            // The public view today: licences and rewards for their 36 months; serious penalties for up to 3 years; general
            // penalties for a year; debtors through the term the court set; never a minor or warning-only penalty, nor a
            // revoked decision.
            var checked = (serious: 0, general: 0, ended: 0, revoked: 0, debtors: 0, uncorrected: 0)
            for index in 0..<entities {
                let code = DemoCity(seed: 2019).item(at: index).entity.code.rawValue
                let visible = Set(try await store.publicRecords(subjectCode: code, on: today).map(\.documentNumber))
                for delivery in deliveries {
                    for submission in delivery.submissions
                    where !submission.revoked && submission.fields["uncorrectedUntil"] == nil && submission.fields["subjectCode"] == code {
                        let number = submission.fields["documentNumber"]!
                        let decided = LocalDate(submission.fields["decidedOn"]!)!
                        let warningOnly = submission.fields["punishmentKinds"] == "警告"
                        if revoked.contains(number) {
                            #expect(!visible.contains(number), "\(number) was revoked")
                            checked.revoked += 1
                            continue
                        }
                        switch (submission.category, submission.fields["severity"]) {
                        case ("penalty", "minor"),
                            (_, _) where warningOnly:
                            #expect(!visible.contains(number), "\(number) is not public")
                        case ("dishonest-debtor", _):
                            let until = LocalDate(submission.fields["listedUntil"]!)!
                            #expect(visible.contains(number) == (today <= until), "\(number), listed until \(until)")
                            checked.debtors += 1
                        case (_, "serious"), ("license", _), ("reward", _):
                            #expect(visible.contains(number), "\(number) is public")
                            checked.serious += 1
                        case ("penalty", "general") where uncorrected[number] != nil:
                            // Past its year while uncorrected: public through the day the department stated (Order 36).
                            #expect(visible.contains(number) == (today <= uncorrected[number]!), "\(number), kept until \(uncorrected[number]!)")
                            checked.uncorrected += today > decided.adding(years: 1) && today <= uncorrected[number]! ? 1 : 0
                        case ("penalty", "general") where decided > today.adding(months: -11):
                            #expect(visible.contains(number), "\(number), decided \(decided), is public for a year")
                            checked.general += 1
                        case ("penalty", "general") where decided < today.adding(months: -13):
                            #expect(!visible.contains(number), "\(number), decided \(decided), has left the public view")
                            checked.ended += 1
                        default:
                            break
                        }
                    }
                }
            }
            // Decisions about traders outside the register are kept, and queued for the credit office.
            let registered = Set((0..<entities).map { DemoCity(seed: 2019).item(at: $0).entity.code.rawValue })
            let outside = deliveries.flatMap(\.submissions).filter { $0.fields["subjectCode"].map { !registered.contains($0) } ?? false }
            #expect(!outside.isEmpty)
            let unmatched = try await store.unmatched(limit: 1_000)
            #expect(Set(unmatched.map(\.documentNumber)) == Set(outside.map { $0.fields["documentNumber"]! }))
            // Debtors who are natural persons are public with their identity numbers masked, never whole.
            let persons = deliveries.flatMap(\.submissions).filter { $0.fields["subjectIdNumber"] != nil }
            #expect(!persons.isEmpty)
            let debtors = try await store.searchPublic(PublicRecordQuery(category: "dishonest-debtor"), on: today, page: 1, size: 100).items
            for person in persons {
                let number = person.fields["subjectIdNumber"]!
                let shown = try #require(debtors.first { $0.documentNumber == person.fields["documentNumber"] }, "a person debtor is public")
                #expect(shown.subjectCode == nil && shown.subjectName == person.fields["subjectName"])
                #expect(shown.subjectIDMasked == IdentityNumber.mask(number) && shown.subjectIDMasked != number)
                #expect(!shown.content.values.contains { $0.contains(number) })
            }
            #expect(checked.serious > 0 && checked.general > 0 && checked.ended > 0 && checked.revoked > 0 && checked.debtors > 0)
            #expect(checked.uncorrected > 0, "some penalty is public past its year because it was not corrected")
            #expect(try await TamperEvidentLog(database: db).verify().ok)
        }
    }

    @Test(
        "the demo city has repair cases and objections in every state, some weeks old and overdue, on the city's own penalties",
        arguments: TestEngine.available
    )
    func repairsAndObjections(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-27")!)
            let stores = try await TestDatabase.stores(db, clock: clock)
            let entities = 600
            _ = try await TestDatabase.seedDemo(stores.registry, count: entities)
            let city = DemoCity(seed: 2019)
            _ = try await DemoRecords(city: city).load(
                into: stores.records,
                clock: clock,
                catalogues: stores.catalogues,
                entities: entities,
                now: clock.now(),
                calendar: stores.calendars.current
            )
            clock.set(LocalDate("2026-11-27")!)
            let made = try await DemoRepairs(city: city).load(
                repairs: stores.repairs,
                objections: stores.objections,
                records: stores.records,
                clock: clock,
                entities: entities
            )
            #expect(made.repairs == [.approved: 1, .rejected: 1, .accepted: 2, .awaitingMaterial: 1] && made.overdueRepairs == 1)
            #expect(made.objections == ["open": 1, "overdue": 1, "upheld": 1, "unpublished": 1])
            let today = clock.today()
            let cases = try await stores.repairs.cases(entityCode: nil, departmentCode: nil, limit: 50)
            #expect(cases.filter { $0.isOverdue(on: today) }.count == 1)
            #expect(cases.filter { $0.status == .awaitingMaterial }.flatMap(\.materials).map(\.name) == ["缴款凭证.pdf"])
            let view = DeadlineSummary(try await stores.deadlines.deadlines(departmentCode: nil), on: today)
            #expect(view.overdue.count == 2, "the repair and the objection left unanswered for three weeks")
            let objections = try await stores.objections.objections(filer: nil, departmentCode: nil, limit: 50)
            #expect(objections.filter { $0.isOverdue(on: today) }.count == 1)
            #expect(objections.compactMap(\.remedy).count == 1, "the objection that was right earned its notice")
        }
    }
}
