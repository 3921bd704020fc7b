import CreditCore
import CreditDemo
import Testing

@Suite("Demo city records")
struct DemoRecordsTests {
    static let today = LocalDate("2026-11-27")!

    @Test("the same seed, entities and day give the same deliveries, in order of arrival, each valid on its day")
    func deterministicAndValid() throws {
        let calendar = WorkingDayCalendar.bundled()
        let catalogue = try Catalogue.bundled()
        let demo = DemoRecords(city: DemoCity(seed: 2019))
        let deliveries = demo.deliveries(entities: 1_000, today: Self.today, calendar: calendar)
        #expect(deliveries == demo.deliveries(entities: 1_000, today: Self.today, calendar: calendar))
        #expect(deliveries != DemoRecords(city: DemoCity(seed: 7)).deliveries(entities: 1_000, today: Self.today, calendar: calendar))
        #expect(zip(deliveries, deliveries.dropFirst()).allSatisfy { $0.receivedOn <= $1.receivedOn })
        #expect(deliveries.allSatisfy { $0.receivedOn <= Self.today && calendar.isWorkingDay($0.receivedOn) || $0.receivedOn == Self.today })
        // Each kind of decision comes from the department that takes it.
        let names = Dictionary(uniqueKeysWithValues: DemoCity.departments.map { ($0.code, $0.name) })
        for delivery in deliveries {
            let name = try #require(names[delivery.departmentCode])
            for submission in delivery.submissions {
                switch submission.category {
                case "dishonest-debtor": #expect(name.hasSuffix("人民法院"))
                case "reward": #expect(name.contains("发展和改革"))
                case "penalty", "license": #expect(!name.hasSuffix("人民法院") && !name.contains("发展和改革"))
                default: Issue.record("unexpected category \(submission.category)")
                }
            }
        }

        var arrived: [String: LocalDate] = [:]
        var categories = Set<String>()
        var severities = Set<String>()
        var (revocations, warnings, late, marks) = (0, 0, 0, 0)
        var total = 0
        for delivery in deliveries {
            for submission in delivery.submissions {
                total += 1
                let record = try RecordValidator.validate(submission, catalogue: catalogue, today: delivery.receivedOn).get()
                #expect(record.decidedOn <= delivery.receivedOn)
                let key = delivery.departmentCode + record.category + record.documentNumber
                if submission.revoked {
                    revocations += 1
                    let first = try #require(arrived[key], "a revocation comes after the decision it withdraws")
                    #expect(first < delivery.receivedOn)
                } else if submission.fields["uncorrectedUntil"] != nil {
                    marks += 1
                    let first = try #require(arrived[key], "a mark of uncorrected conduct comes after the decision")
                    #expect(first < delivery.receivedOn && submission.changeReason != nil)
                } else {
                    #expect(arrived[key] == nil, "one decision per document number")
                    arrived[key] = delivery.receivedOn
                    if delivery.receivedOn > calendar.adding(workingDays: 7, to: record.decidedOn) { late += 1 }
                }
                categories.insert(record.category)
                if let severity = submission.fields["severity"] { severities.insert(severity) }
                if submission.fields["punishmentKinds"] == "警告" { warnings += 1 }
            }
        }
        // What the demo is for: every kind of record the pages and reports show.
        #expect(categories == ["license", "penalty", "dishonest-debtor", "reward"])
        #expect(severities == ["minor", "general", "serious"])
        #expect(revocations > 0 && warnings > 0 && marks > 0)
        #expect(late > 0 && late * 5 < total, "some late, most on time")
    }
}
