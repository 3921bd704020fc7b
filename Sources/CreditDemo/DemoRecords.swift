import CreditCore
import Foundation

/// Credit records for the demo city: what its departments decided about its entities over the last three years —
/// licences, penalties of every severity (warning-only ones among them), a court's dishonest debtors, rewards, a
/// few decisions revoked later — each received some working days after the decision (about one in ten late), so
/// that a fresh demo shows the public records, the windows that have ended, the timeliness report and open data.
///
/// Deterministic like ``DemoCity``: the same seed, entities and day give the same records. They are stored
/// through the real path (``RecordStore/submit(departmentCode:items:source:)``, validation, windows, the log) by
/// ``DemoRecords/load(into:clock:catalogues:entities:now:calendar:)``, a batch for each department and day of
/// arrival, on a clock set to that day.
public struct DemoRecords: Sendable {
    /// What one department sends on one day.
    public struct Delivery: Sendable, Hashable {
        public var receivedOn: LocalDate
        public var departmentCode: String
        public var submissions: [RecordSubmission]
    }

    public let city: DemoCity

    public init(city: DemoCity) { self.city = city }

    /// The first entity index of the generator no demo city registers (`credit demo` makes at most 50 million).
    static let outsiders = 50_000_000

    /// How far back the demo's decisions go.
    static let history = 3 * 365

    /// The departments of ``DemoCity/departments``, by a part of their names.
    enum Desk: String {
        case development = "发展和改革"
        case market = "市场监督管理"
        case tax = "税务"
        case ecology = "生态环境"
        case housing = "住房和城乡建设"
        case emergency = "应急管理"
        case health = "卫生健康"
        case transport = "交通运输"
        case urban = "城市管理"
        case culture = "文化和旅游"
        case court = "人民法院"

        var code: String { DemoCity.departments.first { $0.name.contains(rawValue) }!.code }
    }

    /// Penalties: the deciding department, its document prefix and the law it applies, weighted.
    static let enforcers: [((Desk, String, String), Int)] = [
        ((.market, "济市监罚", "《中华人民共和国食品安全法》第一百二十四条"), 40),
        ((.tax, "济税稽罚", "《中华人民共和国税收征收管理法》第六十四条"), 20),
        ((.ecology, "济环罚", "《中华人民共和国大气污染防治法》第九十九条"), 15),
        ((.emergency, "济应急罚", "《中华人民共和国安全生产法》第九十九条"), 10),
        ((.urban, "济城管罚", "《城市市容和环境卫生管理条例》第三十四条"), 15),
    ]

    /// The licence an entity of an industry division holds, from which department.
    static func licence(division: String) -> (Desk, String, String) {
        switch division {
        case "47", "48", "50", "70": (.housing, "济建许", "建筑业企业资质")
        case "54", "59": (.transport, "济交运许", "道路运输经营许可")
        case "84": (.health, "济卫医许", "医疗机构执业许可")
        case "86", "89": (.culture, "济文旅许", "营业性演出许可")
        default: (.market, "济市监食许", "食品经营许可")
        }
    }

    /// Every delivery for the first `entities` entities, in the order they arrive (by day, then department; a
    /// revocation after the decision it withdraws).
    public func deliveries(entities: Int, today: LocalDate, calendar: WorkingDayCalendar) -> [Delivery] {
        var byDay: [LocalDate: [String: [RecordSubmission]]] = [:]
        func arrive(_ submission: RecordSubmission, on day: LocalDate, from desk: Desk) {
            byDay[day, default: [:]][desk.code, default: []].append(submission)
        }
        /// Delivers a decision some working days after it was taken (most within the 7 working days; about one in
        /// ten late, by up to three weeks more); returns the day it arrives.
        @discardableResult
        func deliver(_ submission: RecordSubmission, by desk: Desk, decidedOn: LocalDate, rng: inout SplitMix64) -> LocalDate {
            let delay = rng.below(10) == 0 ? 8 + rng.below(15) : 1 + rng.below(6)
            let receivedOn = min(calendar.adding(workingDays: delay, to: decidedOn), today)
            arrive(submission, on: receivedOn, from: desk)
            return receivedOn
        }
        for index in 0..<entities {
            let entity = city.item(at: index).entity
            // Licences, penalties and court orders about market entities (not schools, associations or offices).
            guard [.enterprise, .individualBusiness, .farmersCooperative].contains(entity.kind) else { continue }
            var rng = SplitMix64.forItem(index, seed: city.seed, stream: 3)
            let earliest = max(today.adding(days: -Self.history), entity.establishedOn.adding(days: 30))
            guard earliest < today else { continue }
            func decided() -> LocalDate {
                LocalDate(dayNumber: earliest.dayNumber + rng.below(today.dayNumber - earliest.dayNumber))
            }
            func fields(_ number: String, _ on: LocalDate, _ content: String) -> [String: String] {
                [
                    "subjectName": entity.name, "subjectCode": entity.code.rawValue, "documentNumber": number,
                    "decidedOn": on.description, "content": content,
                ]
            }
            /// The court lists a dishonest judgment debtor: the entity, or (`person`) someone by identity number.
            func listDebtor(_ suffix: String, person: Person? = nil) {
                let on = decided()
                var f = fields("（\(on.year)）鲁01执\(number)号\(suffix)", on, "有履行能力而拒不履行生效法律文书确定的义务")
                f["basis"] = "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条"
                // Listed for two years, as 法释〔2017〕7号 Art. 2 sets for most grounds (through the second anniversary).
                f["listedUntil"] = on.adding(years: 2).description
                if let person {
                    f["subjectCode"] = nil
                    f["subjectIdNumber"] = person.idNumber.rawValue
                    f["subjectName"] = person.name
                }
                deliver(RecordSubmission(category: "dishonest-debtor", fields: f), by: .court, decidedOn: on, rng: &rng)
            }
            let number = index + 1
            if rng.below(100) < 30 {
                let (desk, prefix, kind) = Self.licence(division: entity.industryDivision)
                let on = decided()
                var f = fields("\(prefix)〔\(on.year)〕\(number)号", on, "准予\(kind)，有效期五年")
                f["licenseKind"] = kind
                f["validFrom"] = on.description
                f["validUntil"] = on.adding(years: 5).adding(days: -1).description
                deliver(RecordSubmission(category: "license", fields: f), by: desk, decidedOn: on, rng: &rng)
            }
            if rng.below(100) < 9 {
                let (desk, prefix, basis) = rng.pick(Self.enforcers)
                let on = decided()
                let severity = rng.pick([("minor", 25), ("general", 60), ("serious", 15)])
                let warning = severity != "serious" && rng.below(100) < 15
                let yuan = (1 + rng.below(50)) * (severity == "serious" ? 10_000 : 1_000)
                var kinds = warning ? "警告" : severity == "serious" ? "罚款；责令停产停业" : "罚款"
                if !warning && rng.below(4) == 0 { kinds += "；没收违法所得" }
                var f = fields("\(prefix)〔\(on.year)〕\(number)号", on, warning ? "警告" : "罚款人民币\(yuan)元")
                f["basis"] = basis
                // A penalty of only 警告 is minor (Order 36); half of them were given on the spot (简易程序).
                f["severity"] = warning ? "minor" : severity
                f["punishmentKinds"] = kinds
                f["procedure"] = warning && number % 2 == 0 ? "simple" : "ordinary"
                if !warning { f["amountFen"] = String(yuan * 100) }
                let receivedOn = deliver(RecordSubmission(category: "penalty", fields: f), by: desk, decidedOn: on, rng: &rng)
                var withdrawn = false
                // About one in twenty is withdrawn later (行政复议撤销): the record leaves the public view at once.
                if rng.below(20) == 0 {
                    let withdrawnOn = calendar.adding(workingDays: 20 + rng.below(40), to: receivedOn)
                    if withdrawnOn < today {
                        // Revoked by the review body two working days before the department withdraws it, so that one in
                        // seven is sent after the 3 working days it has.
                        let revokedOn = calendar.adding(workingDays: number % 7 == 0 ? -5 : -2, to: withdrawnOn)
                        let revocation = RecordSubmission(
                            category: "penalty",
                            fields: f,
                            changeReason: "经行政复议撤销",
                            revoked: true,
                            revokedOn: max(revokedOn, on).description
                        )
                        arrive(revocation, on: withdrawnOn, from: desk)
                        withdrawn = true
                    }
                }
                // About one in three general fines whose year is up was never paid: ten working days before the maximum
                // ends the department marks it uncorrected (Order 36), public a year more.
                let maximum = on.adding(years: 1)
                let markedOn = calendar.adding(workingDays: -10, to: maximum)
                if !warning, severity == "general", number % 3 == 0, markedOn > receivedOn, markedOn < today, !withdrawn {
                    var marked = f
                    marked["uncorrectedUntil"] = maximum.adding(years: 1).description
                    marked["uncorrectedBasis"] = "逾期不缴纳罚款，已申请人民法院强制执行"
                    arrive(RecordSubmission(category: "penalty", fields: marked, changeReason: "最长公示期届满前仍未纠正"), on: markedOn, from: desk)
                }
            }
            if rng.below(100) < 1 { listDebtor("") }
            if entity.kind == .enterprise, rng.below(100) < 3 {
                let on = decided()
                let f = fields("济发改奖〔\(on.year)〕\(number)号", on, "评为\(on.year)年度守信激励示范企业")
                deliver(RecordSubmission(category: "reward", fields: f), by: .development, decidedOn: on, rng: &rng)
            }
            // About one in 200: the court lists the entity's legal representative personally — a natural person,
            // whose identity number is sealed and shown masked wherever the record is public.
            if rng.below(200) == 0 { listDebtor("之一", person: entity.legalRepresentative) }
            // About one in 150: a trader from outside the city's register, penalised by the market regulator; the
            // record is kept and queued as unmatched for the credit office. (Its code is the generator's entity
            // `outsiders + index`, beyond any demo city.)
            if rng.below(150) == 0 {
                let outsider = city.item(at: Self.outsiders + index).entity
                let on = decided()
                var f = fields("济市监罚〔\(on.year)〕外\(number)号", on, "罚款人民币2000元")
                f["subjectName"] = outsider.name
                f["subjectCode"] = outsider.code.rawValue
                f["basis"] = "《中华人民共和国反不正当竞争法》第二十条"
                f["severity"] = "general"
                f["punishmentKinds"] = "罚款"
                f["procedure"] = "ordinary"
                f["amountFen"] = "200000"
                deliver(RecordSubmission(category: "penalty", fields: f), by: .market, decidedOn: on, rng: &rng)
            }
        }
        return byDay.keys.sorted().flatMap { day in
            byDay[day]!.keys.sorted().map { Delivery(receivedOn: day, departmentCode: $0, submissions: byDay[day]![$0]!) }
        }
    }

    /// Stores the deliveries through `store`, setting `clock` (the store's) to noon of each day of arrival (to `now`
    /// for today's); returns how many records were stored. Throws when one is refused: the generator and the
    /// catalogue disagree.
    @discardableResult
    public func load(
        into store: any RecordStore,
        clock: FixedClock,
        catalogues: CatalogueVersions,
        entities: Int,
        now: Date,
        calendar: WorkingDayCalendar
    ) async throws -> Int {
        let today = FixedClock(now).today()
        var stored = 0
        for delivery in deliveries(entities: entities, today: today, calendar: calendar) {
            if delivery.receivedOn < today { clock.set(delivery.receivedOn) } else { clock.set(now) }
            let items = delivery.submissions.enumerated().map { i, submission in
                SubmissionItem(
                    index: i,
                    outcome: RecordValidator.validate(submission, catalogue: catalogues.inForce(on: delivery.receivedOn), today: delivery.receivedOn),
                    original: "",
                    fields: submission.fields,
                    category: submission.category
                )
            }
            let results = try await store.submit(departmentCode: delivery.departmentCode, items: items, source: "demo")
            if let refused = results.first(where: { $0.status == .rejected }) {
                throw DemoRecordsRefused(delivery: delivery, problems: refused.problems)
            }
            stored += results.count
        }
        return stored
    }
}

/// A demo record the store refused (a generator bug, named with its problems).
public struct DemoRecordsRefused: Error, CustomStringConvertible {
    public var delivery: DemoRecords.Delivery
    public var problems: [FieldProblem]
    public var description: String { "demo records of \(delivery.departmentCode) on \(delivery.receivedOn) refused: \(problems)" }
}
