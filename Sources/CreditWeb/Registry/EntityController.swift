import CreditCore
import Foundation
import Hummingbird

/// The registry's JSON API: entity search, one entity, the department list.
struct EntityController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api routes: SecuredRoutes, pages _: SecuredRoutes) {
        routes.get("entities", .everyone, use: search)
        routes.get("entities/{code}", .everyone, use: show)
        routes.get("departments", .everyone, use: departments)
        routes.post("entities", .roles([.creditOffice, .department]), use: register)
    }

    /// `POST /api/v1/entities`: the registering department (or the credit office) registers an entity or a change
    /// of it. A change of name or legal representative becomes a new version (and a leaf of the log); the same
    /// facts again change nothing. 201 for a new entity, 200 otherwise.
    @Sendable func register(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<EntityDTO> {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 64 * 1024)
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)) else {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为 JSON 对象 / the body must be a JSON object")
        }
        var fields: [String: String] = [:]
        var people: [String: [String: String]] = [:]
        for (key, value) in object {
            switch value {
            case .string(let text): fields[key] = text
            case .object(let inner):
                people[key] = inner.compactMapValues { if case .string(let text) = $0 { text } else { nil } }
            default: continue
            }
        }
        let registration: EntityRegistration
        switch EntityRegistration.validate(fields, people: people, tables: dependencies.tables, today: dependencies.clock.today()) {
        case .success(let r): registration = r
        case .failure(let problems):
            let list = problems.problems.map { "\($0.field)：\($0.message)" }.joined(separator: "；")
            throw APIError(.badRequest, code: problems.problems.first?.code ?? "invalid_entity", message: list)
        }
        if context.principal?.role == .department {
            let department = try await dependencies.registry.fetchDepartments().first { $0.code == context.principal?.departmentCode }
            if let refusal = registration.refusal(department: department) {
                throw APIError(.forbidden, code: refusal.code, message: refusal.message)
            }
        }
        let outcome = try await dependencies.registry.apply(registration)
        guard let stored = try await dependencies.registry.fetchEntity(code: registration.entity.code) else {
            throw APIError.notFound("主体", "the entity")
        }
        var dto = EntityDTO(stored, tables: dependencies.tables)
        dto.outcome = outcome.rawValue
        return EditedResponse(status: outcome == .accepted ? .created : .ok, response: dto)
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
        guard let entity = try await dependencies.registry.fetchEntity(code: code) else { throw APIError.notFound("主体 \(code)", "entity \(code)") }
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
