import CreditCore
import Hummingbird

/// The caller's own account, and the account list for administrators and the credit office.
struct AccountController: AreaRoutes {
    let accounts: any AccountStore

    func addRoutes(api routes: SecuredRoutes, pages _: SecuredRoutes) {
        routes.get("accounts/me", .signedIn, use: me)
        routes.get("accounts", .roles([.admin, .creditOffice]), use: list)
    }

    struct AccountDTO: ResponseEncodable, Sendable {
        var id: Int
        var name: String
        var role: String
        var roleLabel: String
        var departmentCode: String?
        var entityCode: String?
        var createdAt: String?
        var disabled: Bool?
    }

    struct AccountsDTO: ResponseEncodable, Sendable { var items: [AccountDTO] }

    @Sendable func me(_ request: Request, context: CreditRequestContext) async throws -> AccountDTO {
        _ = try QueryParameters(request, allowed: [])
        guard let p = context.principal else {
            throw APIError(.unauthorized, code: "unauthenticated", message: "请先登录或提供 API 令牌 / sign in or send an API token")
        }
        return AccountDTO(
            id: p.accountID,
            name: p.name,
            role: p.role.rawValue,
            roleLabel: p.role.label,
            departmentCode: p.departmentCode,
            entityCode: p.entityCode
        )
    }

    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> AccountsDTO {
        _ = try QueryParameters(request, allowed: [])
        return AccountsDTO(
            items: try await accounts.fetchAccounts().map { a in
                AccountDTO(
                    id: a.id,
                    name: a.name,
                    role: a.role.rawValue,
                    roleLabel: a.role.label,
                    departmentCode: a.departmentCode,
                    entityCode: a.entityCode,
                    createdAt: a.createdAt,
                    disabled: a.disabledAt != nil
                )
            }
        )
    }
}
