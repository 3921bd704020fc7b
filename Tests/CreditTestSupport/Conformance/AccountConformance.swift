import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Testing

/// What every ``AccountStore`` promises.
public enum AccountConformance {
    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("each role is bound to what it must belong to, and only that") { world in
            let store = world.stores.accounts
            let items = try await world.seed(5)
            let dept = DemoCity.departments[1].code
            let entity = items[0].entity.code.rawValue
            _ = try await store.createAccount(name: "管理员", role: .admin, departmentCode: nil, entityCode: nil)
            _ = try await store.createAccount(name: "科员", role: .department, departmentCode: dept, entityCode: nil)
            _ = try await store.createAccount(name: "企业", role: .entity, departmentCode: nil, entityCode: entity)
            let cases: [(Role, String?, String?, String)] = [
                (.department, nil, nil, "department_required"),
                (.inspector, nil, entity, "department_required"),
                (.entity, nil, nil, "entity_required"),
                (.admin, dept, nil, "no_binding_allowed"),
                (.department, "91350100M000100Y43", nil, "unknown_department"),
                (.entity, nil, "91350100M000100Y43", "unknown_entity"),
            ]
            for (role, d, e, code) in cases {
                await #expect(throws: AccountError.self) {
                    try await store.createAccount(name: "x", role: role, departmentCode: d, entityCode: e)
                }
                do {
                    _ = try await store.createAccount(name: "x", role: role, departmentCode: d, entityCode: e)
                } catch let error as AccountError {
                    #expect(error.code == code, "\(role)")
                }
            }
            let accounts = try await store.fetchAccounts()
            #expect(accounts.map(\.name) == ["管理员", "科员", "企业"], "refused requests created nothing")
        },
        PortBehaviour("a token authenticates its account until it is revoked or expires") { world in
            let store = world.stores.accounts
            try await world.seed(5)
            let clock = world.clock
            let account = try await store.createAccount(
                name: "科员",
                role: .department,
                departmentCode: DemoCity.departments[1].code,
                entityCode: nil
            )
            let (token, info) = try await store.issueToken(accountID: account.id, expiresAt: nil)
            #expect(token.hasPrefix("crd_") && token.count == 68)
            #expect(token.hasPrefix(info.prefix))
            let principal = try await store.authenticate(token: token)
            #expect(principal == Principal(accountID: account.id, name: "科员", role: .department, departmentCode: DemoCity.departments[1].code))
            let altered = token.dropLast() + (token.hasSuffix("0") ? "1" : "0")  // one character different
            #expect(try await store.authenticate(token: String(altered)) == nil)
            #expect(try await store.authenticate(token: "crd_short") == nil)

            #expect(try await store.revokeToken(id: info.id))
            #expect(try await store.authenticate(token: token) == nil)
            #expect(try await store.revokeToken(id: info.id) == false, "revoking twice says so")

            let (expiring, _) = try await store.issueToken(accountID: account.id, expiresAt: clock.now().addingTimeInterval(3600))
            #expect(try await store.authenticate(token: expiring) != nil)
            clock.advance(by: 3601)
            #expect(try await store.authenticate(token: expiring) == nil)
            #expect(try await store.fetchTokens(accountID: account.id).count == 2)

            // A disabled account's tokens stop working at once; disabling twice says so.
            let (fresh, _) = try await store.issueToken(accountID: account.id, expiresAt: nil)
            #expect(try await store.authenticate(token: fresh) != nil)
            #expect(try await store.disableAccount(id: account.id))
            #expect(try await store.authenticate(token: fresh) == nil)
            #expect(try await store.disableAccount(id: account.id) == false)
            #expect(try await store.fetchAccounts().first { $0.id == account.id }?.disabledAt != nil)
        },
    ]
}
