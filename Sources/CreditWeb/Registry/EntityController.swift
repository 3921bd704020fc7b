import CreditCore
import Foundation
import Hummingbird

/// The registry's JSON API: entity search, one entity, the department list.
struct EntityController {
    let dependencies: AppDependencies

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("entities", .everyone, use: search)
        routes.get("entities/{code}", .everyone, use: show)
        routes.get("departments", .everyone, use: departments)
    }

    @Sendable func search(_ request: Request, context: CreditRequestContext) async throws -> EntityPageDTO {
        let params = try QueryParameters(request, allowed: ["q", "page", "size"])
        let page = try params.integer("page", default: 1, range: 1...500)
        let size = try params.integer("size", default: 20, range: 1...100)
        guard let q = params["q"] else {
            throw APIError(
                .badRequest,
                code: "missing_parameter",
                message: "缺少参数 q（名称片段或统一社会信用代码） / parameter q (a name fragment or a credit code) is required"
            )
        }
        let term = try EntitySearchTerm.parse(q)
        let result = try await dependencies.registry.searchEntities(EntitySearchQuery(term: term, page: page, size: size))
        return EntityPageDTO(
            items: result.items.map { EntityDTO($0, tables: dependencies.tables) },
            total: result.total,
            totalIsLowerBound: result.totalIsLowerBound,
            page: page,
            size: size
        )
    }

    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> EntityDTO {
        _ = try QueryParameters(request, allowed: [])
        let code = try EntitySearchTerm.creditCode(context.parameters.get("code") ?? "")
        guard let entity = try await dependencies.registry.fetchEntity(code: code) else { throw APIError.notFound("主体 \(code) / entity \(code)") }
        return EntityDTO(entity, tables: dependencies.tables)
    }

    @Sendable func departments(_ request: Request, context: CreditRequestContext) async throws -> DepartmentsDTO {
        _ = try QueryParameters(request, allowed: [])
        return DepartmentsDTO(items: try await dependencies.registry.fetchDepartments())
    }
}

/// How a search box's text is understood: a whole credit code, or a name fragment of 2+ characters.
enum EntitySearchTerm {
    static let codeCharacters = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// - Throws: ``APIError`` `invalid_credit_code` for an 18-character code that fails its checks,
    ///   `query_too_short` for a fragment of fewer than two characters.
    static func parse(_ text: String) throws(APIError) -> EntitySearchQuery.Term {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count == 18 && trimmed.allSatisfy({ codeCharacters.contains($0) }) {
            return .code(try creditCode(trimmed))
        }
        let fragment = NameSearch.normalize(trimmed)
        guard fragment.count >= 2 else {
            throw APIError(
                .badRequest,
                code: "query_too_short",
                message: "请输入至少两个字的名称片段，或完整的 18 位统一社会信用代码 / enter at least two characters of a name, or a whole 18-character credit code"
            )
        }
        return .nameFragment(fragment)
    }

    static func creditCode(_ text: String) throws(APIError) -> CreditCode {
        do {
            return try CreditCode(validating: text)
        } catch {
            throw APIError.invalidCreditCode(error)
        }
    }
}
