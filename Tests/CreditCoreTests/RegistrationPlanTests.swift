import CreditCore
import CreditDemo
import Testing

@Suite("What a batch of registrations does to the registry")
struct RegistrationPlanTests {
    static let today = LocalDate("2026-12-07")!
    static let zhang = Person(idNumber: try! IdentityNumber(validating: "11010519491231002X"), name: "张三")
    static let li = Person(idNumber: try! IdentityNumber(validating: "440524188001010014"), name: "李四")
    static let ids = [zhang.idNumber.rawValue: 1, li.idNumber.rawValue: 2]

    static func entity(representative: Person, name: String = "济南泰盛商贸有限公司") -> Entity {
        var entity = DemoCity(seed: 7).item(at: 0).entity
        entity.legalRepresentative = representative
        entity.name = name
        return entity
    }

    @Test("a new entity is accepted as version 1, its representative's role starting on its establishment")
    func new() throws {
        let e = Self.entity(representative: Self.zhang)
        let plan = try RegistrationPlan.make(
            [EntityRegistration(entity: e, roles: [], reason: nil)],
            stored: [:],
            personIDs: Self.ids,
            today: Self.today
        )
        #expect(plan.outcomes == [.accepted])
        #expect(plan.versions.map(\.version) == [1])
        #expect(plan.roles.map(\.startsOn) == [e.establishedOn] && plan.roles.map(\.personID) == [1])
    }

    @Test("the same facts change nothing; a new representative is a new version that ends the old role today and starts the new")
    func representative() throws {
        let e = Self.entity(representative: Self.zhang)
        let stored = RegistrationPlan.Current(
            id: 40,
            facts: RegistrationPlan.Facts(e, repID: 1),
            version: 3,
            storedName: e.name,
            open: [RegistrationPlan.OpenRole(role: .legalRepresentative, personID: 1)]
        )
        let same = try RegistrationPlan.make(
            [EntityRegistration(entity: e, roles: [], reason: nil)],
            stored: [e.code.rawValue: stored],
            personIDs: Self.ids,
            today: Self.today
        )
        #expect(same.outcomes == [.unchanged] && same.versions.isEmpty && same.roles.isEmpty)
        let changed = try RegistrationPlan.make(
            [EntityRegistration(entity: Self.entity(representative: Self.li), roles: [], reason: "法定代表人变更")],
            stored: [e.code.rawValue: stored],
            personIDs: Self.ids,
            today: Self.today
        )
        #expect(changed.outcomes == [.updated])
        #expect(changed.versions.map(\.version) == [4] && changed.versions.map(\.reason) == ["法定代表人变更"])
        #expect(changed.endedRepresentatives == [40])
        #expect(changed.roles.map(\.personID) == [2] && changed.roles.map(\.startsOn) == [Self.today])
    }

    @Test("a further role on an unchanged entity is an update without a new version; naming it again adds nothing")
    func furtherRole() throws {
        let e = Self.entity(representative: Self.zhang)
        let registration = EntityRegistration(entity: e, roles: [(.principal, Self.li)], reason: nil)
        let stored = RegistrationPlan.Current(
            id: 40,
            facts: RegistrationPlan.Facts(e, repID: 1),
            version: 1,
            open: [RegistrationPlan.OpenRole(role: .legalRepresentative, personID: 1)]
        )
        let plan = try RegistrationPlan.make([registration, registration], stored: [e.code.rawValue: stored], personIDs: Self.ids, today: Self.today)
        #expect(plan.outcomes == [.updated, .unchanged])
        #expect(plan.versions.isEmpty)
        #expect(plan.roles.map(\.role) == [.principal])
    }
}
