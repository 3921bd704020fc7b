import CreditCore

/// The demo city's list entries and a few checks, so that `credit serve --demo` shows the lists at work: entries on
/// every shipped list made by departments (the court's come from its dishonest-debtor records, some about legal
/// representatives, and so reach their entities), a food-safety ban, and checks an approver made.
public struct DemoListings: Sendable {
    public let city: DemoCity

    public init(city: DemoCity) { self.city = city }

    /// One entry: which entity (by index), which list, which department, how long ago it started.
    struct Entry {
        var index: Int
        var list: String
        var department: String
        var number: String
        var reason: String
        var basis: String
        var daysAgo: Int
        var industries: [String]? = nil
    }

    func department(_ word: String) -> String { DemoCity.departments.first { $0.name.contains(word) }!.code }

    func entries(entities: Int) -> [Entry] {
        var rng = SplitMix64(seed: city.seed &+ 24)
        var used = Set<Int>()
        func pick() -> Int {
            while true {
                let i = rng.below(entities)
                if used.insert(i).inserted { return i }
            }
        }
        let market = department("市场监督管理")
        let tax = department("税务")
        let finance = department("财政")
        var out: [Entry] = []
        for n in 1...3 {
            out.append(
                Entry(
                    index: pick(),
                    list: "market-serious-violator",
                    department: market,
                    number: "济市监严列〔2026〕\(n)号",
                    reason: "生产销售不符合食品安全标准的食品，受到吊销许可证的行政处罚",
                    basis: "《市场监督管理严重违法失信名单管理办法》第二条、第十二条",
                    daysAgo: 30 * n
                )
            )
        }
        for n in 1...2 {
            out.append(
                Entry(
                    index: pick(),
                    list: "major-tax-violator",
                    department: tax,
                    number: "济税稽失〔2026〕\(n)号",
                    reason: "偷税数额 120 万元以上，占应纳税额 10% 以上",
                    basis: "《重大税收违法失信主体信息公布管理办法》第六条",
                    daysAgo: 45 * n
                )
            )
        }
        for n in 1...2 {
            out.append(
                Entry(
                    index: pick(),
                    list: "procurement-serious-violator",
                    department: finance,
                    number: "济财采罚〔2026〕\(n)号",
                    reason: "提供虚假材料谋取中标，禁止参加政府采购活动",
                    basis: "《中华人民共和国政府采购法》第七十七条",
                    daysAgo: 20 * n
                )
            )
        }
        for n in 1...5 {
            out.append(
                Entry(
                    index: pick(),
                    list: "a-grade-taxpayer",
                    department: tax,
                    number: "济税信A〔2026〕\(n)号",
                    reason: "2025 年度纳税信用评价为 A 级",
                    basis: "《纳税信用管理办法（试行）》",
                    daysAgo: 200
                )
            )
        }
        out.append(
            Entry(
                index: pick(),
                list: "food-safety-ban",
                department: market,
                number: "济市监禁〔2026〕1号",
                reason: "被吊销食品经营许可证，五年内不得申请食品生产经营许可",
                basis: "《中华人民共和国食品安全法》第一百三十五条",
                daysAgo: 60,
                industries: ["14", "62"]
            )
        )
        return out
    }

    /// Enters the entries (each told a week before it starts) and has an approver check a few entities in
    /// procurement; returns how many entries and checks were made.
    @discardableResult
    public func load(listings: any ListingStore, checks: any CheckStore, entities: Int, today: LocalDate) async throws -> (listings: Int, checks: Int)
    {
        let planned = entries(entities: entities)
        for e in planned {
            let item = city.item(at: e.index)
            let start = today.adding(days: -e.daysAgo)
            let request = ListingRequest(
                list: e.list,
                subjectCode: item.entity.code.rawValue,
                documentNumber: e.number,
                reason: e.reason,
                basis: e.basis,
                startsOn: start.description,
                noticeServedOn: start.adding(days: -7).description,
                industries: e.industries
            )
            _ = try await listings.enter(try request.parse(), departmentCode: e.department, by: "演示数据")
        }
        let checked =
            planned.prefix(4).map {
                CheckRequest(subject: .entity(city.item(at: $0.index).entity.code), scenario: "government-procurement", purpose: "演示：开标资格审查")
            }
            + [CheckRequest(subject: .entity(city.item(at: 0).entity.code), scenario: "government-procurement", purpose: "演示：开标资格审查")]
        let made = try await checks.check(Array(checked), checker: "演示审批员", accountID: nil, requestID: nil)
        // The first two checks that named measures were fed back; the others wait (the office sees them as overdue).
        for (n, result) in made.filter({ !$0.answer.measures.isEmpty }).prefix(2).enumerated() {
            let items = result.answer.measures.map {
                CheckFeedback.Item(measure: $0.code, applied: n == 0, reason: n == 0 ? nil : "项目已终止，未进入资格审查")
            }
            try await checks.recordFeedback(
                checkID: result.answer.checkId,
                CheckFeedback(caseNumber: "济采〔2026〕演示\(n + 1)号", items: items),
                by: "演示审批员",
                accountID: nil
            )
        }
        return (planned.count, made.count)
    }
}
