import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// The list types over HTTP: `GET /api/v1/lists` (the version in force, or on a day), `PUT /api/v1/lists` (the credit
/// office loads a new version) and the `/lists` page, for everyone to read which lists exist, on what basis, for how
/// long, and whom their measures reach.
struct ListController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.get("lists", .everyone, use: lists)
        api.on(.put, "lists", .roles([.creditOffice, .admin]), use: load)
        routes.get("lists", .everyone, use: listsPage)
        routes.post("lists", .roles([.creditOffice, .admin]), use: loadOnPage)
    }

    /// `GET /api/v1/lists`.
    struct ListsDTO: ResponseEncodable, Sendable {
        var version: String
        var effectiveFrom: String
        var source: String
        var items: [ListType]

        init(_ types: ListTypes) {
            version = types.version
            effectiveFrom = types.effectiveFrom.description
            source = types.source
            items = types.types
        }
    }

    /// `GET /api/v1/lists[?on=YYYY-MM-DD]`: the list types in force today, or on a day.
    @Sendable func lists(_ request: Request, context: CreditRequestContext) async throws -> ListsDTO {
        let params = try QueryParameters(request, allowed: ["on"])
        var day = dependencies.clock.today()
        if let text = params["on"] {
            guard let d = LocalDate(text) else { throw APIError.invalidParameter("on", "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            day = d
        }
        return ListsDTO(try await dependencies.listTypes.versions().inForce(on: day))
    }

    /// `PUT /api/v1/lists`: the credit office loads a new version of the list types (the whole document), effective
    /// today or later; versions are never rewritten, and none may drop a fixed code or a list's legal basis.
    @Sendable func load(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<ListsDTO> {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 1 << 20)
        let types: ListTypes
        do {
            types = try JSONDecoder().decode(ListTypes.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为名单类型 JSON（version、effectiveFrom、source、types） / the body must be a list-types document"
            )
        }
        do {
            try await dependencies.listTypes.load(types, loadedBy: context.principal?.name)
        } catch let error as ListError {
            throw APIError(error.code == "list_types_version_exists" ? .conflict : .badRequest, code: error.code, message: error.message)
        }
        return EditedResponse(status: .created, response: ListsDTO(types))
    }

    /// The roles a list reaches, those on the same basis together, in order.
    static func byBasis(_ reach: [ListType.Extension]) -> [[String: Any]] {
        var bases: [String] = []
        var roles: [String: [[String: String]]] = [:]
        for r in reach {
            if roles[r.basis] == nil { bases.append(r.basis) }
            roles[r.basis, default: []].append(["role": r.role.label])
        }
        return bases.map { ["roles": roles[$0]!, "basis": $0] }
    }

    /// `/lists`: the list types in force today.
    @Sendable func listsPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        do {
            _ = try QueryParameters(request, allowed: [])
        } catch {
            return pages.page("error", title: "参数有误", context: ["status": "400", "message": error.message], viewer: context, status: .badRequest)
        }
        return try await render(context, extra: [:])
    }

    /// `POST /lists` (the credit office): a whole version of the list types, as JSON, loaded as `PUT /api/v1/lists`
    /// loads it; the page says what was loaded, or every problem.
    @Sendable func loadOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let text = context.form["document"] ?? ""
        guard let types = try? JSONDecoder().decode(ListTypes.self, from: Data(text.utf8)) else {
            let problem = "不是名单类型 JSON（version、effectiveFrom、source、types） / not a list-types document"
            return try await render(context, extra: ["problems": [problem], "document": text], status: .badRequest)
        }
        do {
            try await dependencies.listTypes.load(types, loadedBy: context.principal?.name)
        } catch let error as ListError {
            let problems = error.message.components(separatedBy: "；")
            return try await render(context, extra: ["problems": problems, "document": text], status: .badRequest)
        }
        return try await render(context, extra: ["loaded": "已载入名单类型版本 \(types.version)，自 \(types.effectiveFrom) 起施行。"])
    }

    /// The page, with the load form for the credit office (filled with the version in force, to edit).
    func render(_ context: CreditRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let versions = try await dependencies.listTypes.versions()
        let today = dependencies.clock.today()
        let types = versions.inForce(on: today)
        var ctx: [String: Any] = [
            "version": types.version, "effectiveFrom": types.effectiveFrom.description, "source": types.source,
            "lists": types.types.map { t -> [String: Any] in
                [
                    "code": t.code, "name": t.name, "kind": t.kind.label, "black": t.kind == .black, "authority": t.authority,
                    "basis": t.basis, "criteria": t.criteria,
                    "validity": t.validityMonths.map(CatalogController.months) ?? "以列入决定为准",
                    "earlyRemoval": t.earlyRemoval ?? false, "note": t.note ?? false,
                    "disclosure": t.disclosure == .public ? "向社会公开（自然人的证件号码遮蔽）" : "政务共享，不向社会公开",
                    "extendsTo": Self.byBasis(t.extendsTo),
                    "entityOnly": t.extendsTo.isEmpty,
                ]
            },
        ]
        if let next = versions.all.first(where: { $0.effectiveFrom > today }) {
            ctx["upcoming"] = ["version": next.version, "effectiveFrom": next.effectiveFrom.description]
        }
        if let role = context.principal?.role, [.creditOffice, .admin].contains(role) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            ctx["maintain"] = true
            ctx["document"] = String(decoding: try encoder.encode(types), as: UTF8.self)
        }
        ctx.merge(extra) { $1 }
        if let problems = extra["problems"] as? [String], !problems.isEmpty { ctx["hasProblems"] = true }
        return pages.page("lists", title: "红黑名单", context: ctx, viewer: context, status: status)
    }
}
