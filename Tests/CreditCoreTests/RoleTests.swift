import CreditCore
import Testing

@Suite("Roles and access")
struct RoleTests {
    @Test(
        "a new account has exactly the binding its role needs",
        arguments: [
            (Role.department, "11370100001042173U", nil, nil),
            (Role.inspector, nil, nil, "department_required"),
            (Role.department, "11370100001042173U", "91350100M000100Y43", "department_required"),
            (Role.entity, nil, "91350100M000100Y43", nil),
            (Role.entity, nil, nil, "entity_required"),
            (Role.admin, nil, nil, nil),
            (Role.approver, "11370100001042173U", nil, "no_binding_allowed"),
        ] as [(Role, String?, String?, String?)]
    )
    func bindings(_ role: Role, _ department: String?, _ entity: String?, _ expected: String?) {
        do {
            #expect(try role.checkNewAccount(name: " 张科员 ", departmentCode: department, entityCode: entity) == "张科员")
            #expect(expected == nil, "accepted, but \(expected ?? "") was expected")
        } catch {
            #expect(error.code == expected)
        }
    }

    @Test("an empty or overlong name is refused")
    func names() {
        #expect(throws: AccountError(code: "invalid_name", message: "账户名称应为 1 到 100 个字 / the account name must be 1 to 100 characters")) {
            try Role.admin.checkNewAccount(name: "  ", departmentCode: nil, entityCode: nil)
        }
        #expect(throws: AccountError.self) {
            try Role.admin.checkNewAccount(name: String(repeating: "名", count: 101), departmentCode: nil, entityCode: nil)
        }
    }

    @Test("access: everyone, signed in, or named roles")
    func access() {
        let entity = Principal(accountID: 1, name: "x", role: .entity, entityCode: "91350100M000100Y43")
        #expect(Access.everyone.allows(nil))
        #expect(!Access.signedIn.allows(nil) && Access.signedIn.allows(entity))
        #expect(!Access.roles([.admin, .creditOffice]).allows(entity))
        #expect(Access.roles([.entity]).allows(entity))
    }
}
