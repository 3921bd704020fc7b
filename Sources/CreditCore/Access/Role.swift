/// The roles of `interface.md`. Anonymous visitors have no role (the `public`).
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case admin
    case creditOffice = "credit-office"
    case department
    case inspector
    case approver
    case entity
    case subscriber

    /// The Chinese label shown on pages.
    public var label: String {
        switch self {
        case .admin: "系统管理员"
        case .creditOffice: "信用办"
        case .department: "部门用户"
        case .inspector: "执法检查人员"
        case .approver: "审批人员"
        case .entity: "市场主体"
        case .subscriber: "订阅用户"
        }
    }

    /// Whether an account of this role must belong to a department (`--department`) or an entity (`--entity`).
    public var binding: Binding {
        switch self {
        case .department, .inspector: .department
        case .entity: .entity
        case .admin, .creditOffice, .approver, .subscriber: .none
        }
    }

    /// What an account of a role is bound to.
    public enum Binding: Sendable {
        case none, department, entity
    }

    /// Checks a new account of this role: a name of 1 to 100 characters, and exactly the binding the role
    /// needs (a department, an entity, or neither).
    /// - Returns: the name, trimmed.
    /// - Throws: ``AccountError`` with code `invalid_name`, `department_required`, `entity_required` or `no_binding_allowed`.
    public func checkNewAccount(name: String, departmentCode: String?, entityCode: String?) throws(AccountError) -> String {
        let name = name.trimmingASCIIWhitespace()
        guard !name.isEmpty, name.count <= 100 else {
            throw AccountError(code: "invalid_name", message: "账户名称应为 1 到 100 个字 / the account name must be 1 to 100 characters")
        }
        switch binding {
        case .department where departmentCode == nil || entityCode != nil:
            throw AccountError(
                code: "department_required",
                message: "角色 \(rawValue) 的账户必须属于一个部门（--department），且不能属于主体 / a \(rawValue) account needs --department and no --entity"
            )
        case .entity where entityCode == nil || departmentCode != nil:
            throw AccountError(
                code: "entity_required",
                message: "角色 entity 的账户必须属于一个主体（--entity），且不能属于部门 / an entity account needs --entity and no --department"
            )
        case .none where departmentCode != nil || entityCode != nil:
            throw AccountError(
                code: "no_binding_allowed",
                message: "角色 \(rawValue) 的账户不属于部门或主体 / a \(rawValue) account belongs to no department or entity"
            )
        default:
            return name
        }
    }
}

/// Who is making a request: an account and what it is bound to.
public struct Principal: Sendable, Hashable {
    public var accountID: Int
    public var name: String
    public var role: Role
    /// The credit code of the account's department, for department staff and inspectors.
    public var departmentCode: String?
    /// The credit code of the account's entity, for entity accounts.
    public var entityCode: String?

    public init(accountID: Int, name: String, role: Role, departmentCode: String? = nil, entityCode: String? = nil) {
        self.accountID = accountID
        self.name = name
        self.role = role
        self.departmentCode = departmentCode
        self.entityCode = entityCode
    }
}

/// Who may call a route. Every route declares one, in one place (the web layer's route table).
public enum Access: Sendable, Hashable, CustomStringConvertible {
    /// Anyone, signed in or not.
    case everyone
    /// Any signed-in account.
    case signedIn
    /// Accounts of these roles only.
    case roles(Set<Role>)

    /// Whether a caller (nil: anonymous) may pass.
    public func allows(_ principal: Principal?) -> Bool {
        switch self {
        case .everyone: true
        case .signedIn: principal != nil
        case .roles(let roles): principal.map { roles.contains($0.role) } ?? false
        }
    }

    public var description: String {
        switch self {
        case .everyone: "everyone"
        case .signedIn: "signed-in"
        case .roles(let roles): roles.map(\.rawValue).sorted().joined(separator: "|")
        }
    }
}
