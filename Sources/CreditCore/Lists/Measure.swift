import Foundation

/// Where a credit check is made: the approval, procurement or trading that asks (`interface.md`'s fixed codes).
public struct Scenario: Sendable, Codable, Hashable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    /// The scenario codes other systems send (`interface.md`): no version may drop one.
    public static let fixedCodes = [
        "administrative-licensing", "government-procurement", "public-resource-trading", "subsidy", "honour", "financing", "public-office",
    ]
}

/// One measure of the 失信惩戒措施基础清单 (or an incentive for the trustworthy): only a measure in the catalogue may
/// be applied, in the scenarios it names, to subjects on the lists that trigger it.
public struct Measure: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case punishment
        case incentive
    }

    /// Whom it applies to: the listed subject itself, the persons and entities linked to it through a role the list
    /// reaches (``ListType/extendsTo``), or both.
    public enum Reach: String, Sendable, Codable, Hashable, CaseIterable {
        case subject
        case related
        case both

        func covers(direct: Bool) -> Bool { self == .both || (direct ? self == .subject : self == .related) }
    }

    public var code: String
    public var title: String
    public var kind: Kind
    /// The department that implements it.
    public var department: String
    /// The scenario codes it applies in.
    public var scenarios: [String]
    public var basis: String
    /// The list codes whose entries trigger it.
    public var lists: [String]
    public var reach: Reach
    public var note: String?

    public init(
        code: String,
        title: String,
        kind: Kind,
        department: String,
        scenarios: [String],
        basis: String,
        lists: [String],
        reach: Reach,
        note: String? = nil
    ) {
        self.code = code
        self.title = title
        self.kind = kind
        self.department = department
        self.scenarios = scenarios
        self.basis = basis
        self.lists = lists
        self.reach = reach
        self.note = note
    }
}

extension ListTypes {
    /// The scenarios of this version (none in a version without a measures catalogue).
    public var scenarioList: [Scenario] { scenarios ?? [] }
    /// The measures catalogue of this version.
    public var measureList: [Measure] { measures ?? [] }

    public func scenario(_ code: String) -> Scenario? { scenarioList.first { $0.code == code } }

    /// What is wrong with the scenarios and the measures catalogue.
    func measureProblems() -> [String] {
        var problems: [String] = []
        let scenarioCodes = Set(scenarioList.map(\.code))
        for code in Scenario.fixedCodes where !scenarioCodes.contains(code) {
            problems.append("缺少固定场景 \(code)：其他系统按此代码查询 / the fixed scenario \(code) is missing")
        }
        var codes = Set<String>()
        for m in measureList {
            let c = m.code
            if !codes.insert(c).inserted { problems.append("措施 \(c) 重复 / measure \(c) appears twice") }
            if m.title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("措施 \(c) 没有名称 / measure \(c) has no title") }
            if m.basis.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("措施 \(c) 没有依据：清单外不得设措施 / measure \(c) has no legal basis")
            }
            if m.department.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("措施 \(c) 没有实施部门 / measure \(c) names no implementing department")
            }
            if m.scenarios.isEmpty { problems.append("措施 \(c) 没有适用场景 / measure \(c) names no scenario") }
            for s in m.scenarios where !scenarioCodes.contains(s) {
                problems.append("措施 \(c) 的场景 \(s) 不存在 / measure \(c): unknown scenario \(s)")
            }
            if m.lists.isEmpty { problems.append("措施 \(c) 没有触发名单 / measure \(c) names no list") }
            for l in m.lists {
                guard let type = type(l) else {
                    problems.append("措施 \(c) 的名单 \(l) 不存在 / measure \(c): unknown list \(l)")
                    continue
                }
                if (type.kind == .red) != (m.kind == .incentive) {
                    problems.append(
                        "措施 \(c)：激励措施只由红名单触发，惩戒措施只由其他名单触发 / measure \(c): incentives follow red lists, punishments the others"
                    )
                }
                if m.reach != .subject && type.extendsTo.isEmpty {
                    problems.append(
                        "措施 \(c) 及于关联主体，但名单 \(l) 没有记录及于何人的依据 / measure \(c) reaches related parties, but list \(l) records no basis for it"
                    )
                }
            }
        }
        return problems
    }
}
