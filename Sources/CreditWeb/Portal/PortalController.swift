import CreditCore
import Foundation
import Hummingbird

/// The public portal: home page with one search box, result list with paging, entity page.
struct PortalController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer
    static let pageSize = 20

    func addRoutes(api _: SecuredRoutes, pages routes: SecuredRoutes) {
        routes.get("/", .everyone, use: home)
        routes.get("search", .everyone, use: search)
        routes.get("entities/{code}", .everyone, use: entity)
        routes.get("records", .everyone, use: records)
    }

    /// The public search of records, with links to the open-data export of the same search.
    @Sendable func records(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: RecordController.searchFilters.union(["page"]))
        let page = try params.integer("page", default: 1, range: 1...500)
        let catalogue = dependencies.catalogue
        var ctx: [String: Any] = [
            "categories": catalogue.categories.filter { $0.disclosure == .public }.map {
                ["code": $0.code, "name": $0.name, "selected": params["category"] == $0.code]
            },
            "departments": try await dependencies.registry.fetchDepartments().map {
                ["code": $0.code, "name": $0.name, "selected": params["department"] == $0.code]
            },
            "from": params["from"] ?? "", "to": params["to"] ?? "", "page": page, "total": 0, "items": [[String: Any]](),
        ]
        let query: PublicRecordQuery
        do {
            query = try RecordController.publicQuery(params, catalogue: catalogue)
        } catch {
            ctx["problem"] = error.message
            return pages.page("records", title: "公示信息查询", context: ctx, viewer: context, status: .badRequest)
        }
        let (items, total) = try await dependencies.records.searchPublic(query, on: dependencies.clock.today(), page: page, size: Self.pageSize)
        let filters = params.echo(RecordController.searchFilters).joined(separator: "&")
        ctx["total"] = total.grouped
        ctx["more"] = total >= 10_000
        ctx["exportCSV"] = "/api/v1/open-data/records?format=csv" + (filters.isEmpty ? "" : "&" + filters)
        ctx["exportJSON"] = "/api/v1/open-data/records?format=json" + (filters.isEmpty ? "" : "&" + filters)
        if page > 1 { ctx["previous"] = "/records?\(filters)&page=\(page - 1)" }
        if page * Self.pageSize < total { ctx["next"] = "/records?\(filters)&page=\(page + 1)" }
        ctx["items"] = items.map { r -> [String: Any] in
            [
                "category": catalogue.category(r.category)?.name ?? r.category, "documentNumber": r.documentNumber, "subject": r.subjectName,
                "code": r.subjectCode ?? false, "idNumber": r.subjectIDMasked ?? "", "department": r.departmentName,
                "decidedOn": r.decidedOn.description, "content": r.content["content"] ?? "", "until": r.publication?.until.description ?? "",
            ]
        }
        return pages.page("records", title: "公示信息查询", context: ctx, viewer: context)
    }

    @Sendable func home(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let count = try await dependencies.registry.countEntities()
        let departments = try await dependencies.registry.fetchDepartments()
        return pages.page(
            "home",
            title: "信用信息公示",
            context: ["entityCount": count.grouped, "departmentCount": departments.count],
            viewer: context
        )
    }

    @Sendable func search(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: ["q", "page"])
        let q = (params["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let page = try params.integer("page", default: 1, range: 1...500)
        guard !q.isEmpty else { return pages.page("search", title: "查询", context: ["query": "", "empty": true], viewer: context) }
        let term: EntitySearchQuery.Term
        do {
            term = try EntitySearchTerm.parse(q)
        } catch {
            return pages.page("search", title: "查询", context: ["query": q, "problem": error.message], viewer: context, status: .badRequest, query: q)
        }
        let result = try await dependencies.registry.searchEntities(EntitySearchQuery(term: term, page: page, size: Self.pageSize))
        let lastPage = max(1, (result.total + Self.pageSize - 1) / Self.pageSize)
        let encoded = QueryParameters.encode(q)
        let items: [[String: Any]] = result.items.map { e in
            [
                "code": e.code.rawValue, "name": e.name, "kind": e.kind.label, "status": e.status.label,
                "operating": e.status == .operating, "region": dependencies.tables.region(e.regionCode)?.name ?? e.regionCode,
                "representative": e.legalRepresentativeName, "establishedOn": e.establishedOn.description,
            ]
        }
        var ctx: [String: Any] = [
            "query": q, "items": items, "total": result.total.grouped, "more": result.totalIsLowerBound, "page": page, "lastPage": lastPage,
            "none": items.isEmpty,
        ]
        if page > 1 { ctx["previous"] = "/search?q=\(encoded)&page=\(page - 1)" }
        if page < lastPage && page < 500 { ctx["next"] = "/search?q=\(encoded)&page=\(page + 1)" }
        return pages.page("search", title: "“\(q)”的查询结果", context: ctx, viewer: context, query: q)
    }

    /// The entity's public records, grouped by category in catalogue order.
    func recordGroups(code: CreditCode) async throws -> [[String: Any]] {
        let records = try await dependencies.records.publicRecords(subjectCode: code.rawValue, on: dependencies.clock.today())
        return dependencies.catalogue.categories.compactMap { category -> [String: Any]? in
            let items = records.filter { $0.category == category.code }
            guard !items.isEmpty else { return nil }
            return [
                "code": category.code, "name": category.name, "count": items.count, "adverse": category.adverse,
                "items": items.map { r -> [String: Any] in
                    [
                        "documentNumber": r.documentNumber, "department": r.departmentName, "decidedOn": r.decidedOn.description,
                        "content": r.content["content"] ?? "", "severity": r.severity?.label ?? false,
                        "from": r.publication?.from.description ?? "", "until": r.publication?.until.description ?? "",
                        "earliestEnd": category.adverse ? r.publication?.earliestEnd.description ?? "" : "",
                        "repairFrom": category.adverse ? r.publication?.repairFrom.description ?? "" : "",
                        "stillPublicBecause": r.stillPublicBecause(catalogue: dependencies.catalogue).map { $0 as Any } ?? false,
                    ]
                },
            ]
        }
    }

    @Sendable func entity(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let text = context.parameters.get("code") ?? ""
        let code: CreditCode
        do {
            code = try CreditCode(validating: text)
        } catch {
            return pages.page(
                "error",
                title: "代码无效",
                context: ["status": "400", "message": "统一社会信用代码无效：\(error.message)"],
                viewer: context,
                status: .badRequest
            )
        }
        guard let e = try await dependencies.registry.fetchEntity(code: code) else {
            return pages.page(
                "error",
                title: "未找到",
                context: ["status": "404", "message": "未找到统一社会信用代码为 \(code) 的主体"],
                viewer: context,
                status: .notFound
            )
        }
        let tables = dependencies.tables
        let division = tables.division(e.industryDivision)
        let roles = try await dependencies.registry.fetchRoles(code: code).map { r -> [String: Any] in
            ["role": r.role.label, "name": r.name, "startsOn": r.startsOn.description, "endsOn": r.endsOn?.description ?? "至今"]
        }
        let versions = try await dependencies.registry.fetchVersions(code: code).map { v -> [String: Any] in
            [
                "version": v.version, "name": v.name, "representative": v.legalRepresentativeName,
                "recordedAt": LocalDate(shanghaiDayOf: v.recordedAt)?.description ?? String(v.recordedAt.prefix(10)),
                "reason": v.reason ?? "",
            ]
        }
        let names =
            RegistrationAuthorityTable.standard.names(authority: code.registrationAuthority, category: code.entityCategory) ?? ("", "")
        let groups = try await recordGroups(code: code)
        // The entries in force on public lists, its own and those reaching it through its people (persons masked).
        let today = dependencies.clock.today()
        let types = try await dependencies.listTypes.versions().inForce(on: today)
        let listings = ListingController.disclosed(try await dependencies.listings.links(for: .entity(code), on: today), types: types, today: today)
            .map { l -> [String: Any] in
                [
                    "listName": l.listName ?? l.list, "black": l.kind != "red", "documentNumber": l.documentNumber, "startsOn": l.startsOn,
                    "endsOn": l.endsOn ?? "以决定为准", "reason": l.reason,
                    "via": l.via.flatMap { PersonRole(rawValue: $0)?.label }.map { "经\($0)：\(l.subjectName) \(l.subjectIdNumber ?? "")" } ?? "本主体",
                ]
            }
        // Its public commitments (主动型, 行业自律型); the others are shared among government only.
        let itemList = try await dependencies.commitments.items()
        let commitments = try await dependencies.commitments.commitments(subjectCode: code.rawValue, departmentCode: nil, limit: 50)
            .filter(\.isPublic).map { c -> [String: Any] in
                ["item": itemList.item(c.item)?.name ?? c.item, "signedAt": BeijingTime.minute(c.signedAt), "text": c.text]
            }
        let ctx: [String: Any] = [
            "commitments": commitments, "hasCommitments": !commitments.isEmpty,
            "listings": listings, "hasListings": !listings.isEmpty,
            "code": e.code.rawValue, "name": e.name, "formerNames": e.formerNames.joined(separator: "、"), "hasFormerNames": !e.formerNames.isEmpty,
            "kind": e.kind.label, "status": e.status.label, "operating": e.status == .operating,
            "region": tables.region(e.regionCode)?.name ?? e.regionCode, "regionCode": e.regionCode,
            "industry": division.map { "\(tables.section($0.section)?.name ?? "") · \($0.name)" } ?? e.industryDivision,
            "establishedOn": e.establishedOn.description, "representative": e.legalRepresentativeName,
            "authority": names.authority, "category": names.category, "roles": roles, "versions": versions,
            "recordGroups": groups, "repairNote": groups.contains { $0["adverse"] as? Bool == true },
        ]
        return pages.page("entity", title: e.name, context: ctx, viewer: context)
    }
}
