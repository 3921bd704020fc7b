import CreditCore
import Testing

/// The list types shipped with the platform, and what a version the credit office loads must satisfy.
@Suite("List types")
struct ListTypesTests {
    static let today = LocalDate("2026-12-07")!

    @Test("the shipped version has interface.md's fixed codes, each list with its authority and legal basis")
    func shipped() throws {
        let shipped = try ListTypes.bundled()
        #expect(Set(shipped.types.map(\.code)).isSuperset(of: ListTypes.fixedCodes))
        // A market ban (食品安全法 Art. 135: five years) beside the national lists.
        #expect(shipped.type("food-safety-ban")?.kind == .ban && shipped.type("food-safety-ban")?.validityMonths == 60)
        #expect(shipped.type("a-grade-taxpayer")?.kind == .red)
        #expect(shipped.types.filter { $0.kind == .black }.count == 4)
        // 法释〔2017〕7号 Art. 2: two years for most grounds; the court's restriction reaches the persons behind a unit
        // (法释〔2015〕17号 Art. 3).
        let debtor = try #require(shipped.type("dishonest-judgment-debtor"))
        #expect(debtor.validityMonths == 24 && debtor.basis.contains("法释〔2017〕7号"))
        #expect(Set(debtor.extendsTo.map(\.role)) == [.legalRepresentative, .principal, .actualController])
        #expect(debtor.extendsTo.allSatisfy { $0.basis.contains("法释〔2015〕17号") })
        // 政府采购法 Art. 77: one to three years.
        #expect(shipped.type("procurement-serious-violator")?.basis.contains("第七十七条") == true)
        // Shenzhen Art. 68: no list reaches persons without a basis recorded.
        #expect(shipped.types.allSatisfy { $0.extendsTo.allSatisfy { !$0.basis.isEmpty } })
        // Only catalogued measures may be applied; each names its basis, department, scenarios and the lists it follows.
        #expect(Set(shipped.scenarioList.map(\.code)) == Set(Scenario.fixedCodes))
        #expect(!shipped.measureList.isEmpty && shipped.measureList.allSatisfy { !$0.basis.isEmpty && !$0.lists.isEmpty })
        var loadable = shipped
        loadable.effectiveFrom = Self.today
        #expect(loadable.problems(today: Self.today).isEmpty)
    }

    @Test("a list without a basis, a reach without a basis, a code twice, a validity out of range, a past start: each said")
    func problems() throws {
        var bad = try ListTypes.bundled()
        bad.effectiveFrom = LocalDate("2026-12-01")!
        bad.types[0].basis = ""
        bad.types[0].extendsTo[0].basis = ""
        bad.types[1].validityMonths = 0
        bad.types.append(bad.types[2])
        let problems = bad.problems(today: Self.today).joined(separator: "\n")
        for expected in ["早于今天", "没有法律依据", "须有依据", "1 到 120 个月", "重复"] {
            #expect(problems.contains(expected), "\(expected)")
        }
        var dropped = try ListTypes.bundled()
        dropped.effectiveFrom = Self.today
        dropped.types.removeAll { $0.code == "major-tax-violator" }
        #expect(dropped.problems(today: Self.today).contains { $0.contains("major-tax-violator") })
    }

    @Test("a measure without a basis, on an unknown list or scenario, an incentive on a black list, a reach without a basis: each said")
    func measureProblems() throws {
        var bad = try ListTypes.bundled()
        bad.effectiveFrom = Self.today
        bad.measures![0].basis = " "
        bad.measures![1].lists.append("no-such-list")
        bad.measures![2].scenarios.append("lottery")
        bad.measures![3].kind = .incentive
        bad.measures![4].reach = .related  // a tax list records no basis for reaching persons
        bad.scenarios!.removeAll { $0.code == "honour" }
        let problems = bad.problems(today: Self.today).joined(separator: "\n")
        for expected in ["没有依据", "no-such-list", "lottery", "激励措施只由红名单触发", "没有记录及于何人的依据", "固定场景 honour"] {
            #expect(problems.contains(expected), "\(expected)")
        }
    }
}
