import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Testing

/// What every ``RegistryStore`` promises.
public enum RegistryConformance {
    /// An enterprise registered in 2015 with `rep` as its legal representative.
    public static func entity(_ code: String, _ name: String, rep: Person, status: EntityStatus = .operating) throws -> Entity {
        Entity(
            code: try CreditCode(validating: code),
            name: name,
            kind: .enterprise,
            status: status,
            regionCode: "370102",
            industryDivision: "65",
            establishedOn: LocalDate("2015-06-01")!,
            legalRepresentative: rep
        )
    }
    public static let zhang = Person(idNumber: try! IdentityNumber(validating: "11010519491231002X"), name: "张三")
    public static let li = Person(idNumber: try! IdentityNumber(validating: "440524188001010014"), name: "李四")

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("registering, re-registering the same facts, then renaming keeps every version") { world in
            let registry = world.stores.registry
            let original = try entity("91350100M000100Y43", "福州鼎盛网络科技有限公司", rep: zhang)
            #expect(try await registry.register(original, reason: nil) == .accepted)
            #expect(try await registry.register(original, reason: nil) == .unchanged)
            var renamed = original
            renamed.name = "福州鼎盛信息技术有限公司"
            #expect(try await registry.register(renamed, reason: "名称变更") == .updated)
            let record = try #require(try await registry.fetchEntity(code: original.code))
            #expect(record.name == "福州鼎盛信息技术有限公司")
            #expect(record.formerNames == ["福州鼎盛网络科技有限公司"])
            #expect(record.version == 2)
            let versions = try await registry.fetchVersions(code: original.code)
            #expect(versions.map(\.name) == ["福州鼎盛网络科技有限公司", "福州鼎盛信息技术有限公司"])
            #expect(versions.last?.reason == "名称变更")
            // The search index follows the new name and forgets the old one.
            #expect(try await registry.searchEntities(.init(term: .nameFragment("信息技术"), page: 1, size: 10)).total == 1)
            #expect(try await registry.searchEntities(.init(term: .nameFragment("网络科技"), page: 1, size: 10)).total == 0)
        },
        PortBehaviour("a new legal representative ends the old role and starts a new one") { world in
            let registry = world.stores.registry
            let original = try entity("914403001922038216", "深圳华为测试有限公司", rep: zhang)
            _ = try await registry.register(original, reason: nil)
            var changed = original
            changed.legalRepresentative = li
            #expect(try await registry.register(changed, reason: "法定代表人变更") == .updated)
            let roles = try await registry.fetchRoles(code: original.code)
            #expect(roles.count == 2)
            #expect(roles[0].name == "张三" && roles[0].endsOn == ConformanceWorld.today)
            #expect(roles[1].name == "李四" && roles[1].endsOn == nil && roles[1].role == .legalRepresentative)
            #expect(try await registry.fetchEntity(code: original.code)?.legalRepresentativeName == "李四")
        },
        PortBehaviour("search by code, paging, and the total") { world in
            let registry = world.stores.registry
            let items = try await TestDatabase.seedDemo(registry, count: 1200, seed: 5)
            let target = items[777].entity
            let byCode = try await registry.searchEntities(.init(term: .code(target.code), page: 1, size: 20))
            #expect(byCode.items.map(\.code) == [target.code])
            #expect(byCode.items.first?.legalRepresentativeName == target.legalRepresentative.name)

            let expected = items.filter { NameSearch.normalize($0.entity.name).contains("济南") }.map(\.entity.code)
            let first = try await registry.searchEntities(.init(term: .nameFragment("济南"), page: 1, size: 25))
            let second = try await registry.searchEntities(.init(term: .nameFragment("济南"), page: 2, size: 25))
            #expect(first.total == expected.count)
            #expect(!first.totalIsLowerBound)
            #expect(first.items.map(\.code) == Array(expected.prefix(25)), "results come in registration order")
            #expect(second.items.map(\.code) == Array(expected.dropFirst(25).prefix(25)))
            #expect(try await registry.countEntities() == 1200)
        },
        PortBehaviour("departments are added, renamed by code, and listed") { world in
            let registry = world.stores.registry
            let code = try CreditCode(validating: "11370100001042173U")
            try await registry.addDepartment(Department(code: code, name: "济南市发展改革委"))
            try await registry.addDepartment(Department(code: code, name: "济南市发展和改革委员会"))
            #expect(try await registry.fetchDepartments() == [Department(code: code, name: "济南市发展和改革委员会")])
        },
        PortBehaviour("a bulk registration that fails stores nothing") { world in
            let registry = world.stores.registry
            let city = DemoCity(seed: 3)
            let items = (0..<10).map(city.item(at:))
            let failed: Bool
            do {
                try await registry.registerNew(items + [items[0]])  // the same code twice: the batch must fail as a whole
                failed = false
            } catch {
                failed = true
            }
            #expect(failed)
            let count = try await registry.countEntities()
            #expect(count == 0)
        },
    ]
}
