import CreditCore
import Foundation
import Hummingbird

/// A department's own records, in every state: `GET /api/v1/departments/{code}/records` and the pages
/// `/department-records` (a search) and `/department-records/{id}` (one record, its clock, window and versions) —
/// a department's clerks see their own; the credit office and administrators any department's (`department=CODE`,
/// the links of `/timeliness`).
extension RecordController {
    static let departmentFilters: Set<String> = ["category", "documentNumber", "from", "to", "late"]
    static let departmentPageReaders: Access = .roles([.department, .creditOffice, .admin])
    /// Rows on one page of `/department-records`.
    static let departmentPageSize = 50

    /// `GET /api/v1/departments/{code}/records` (the department itself, the credit office, admin).
    @Sendable func departmentRecords(_ request: Request, context: CreditRequestContext) async throws -> DepartmentRecordsDTO {
        let params = try QueryParameters(request, allowed: Self.departmentFilters.union(["page", "size"]))
        let code = (context.parameters.get("code") ?? "").uppercased()
        // A department sees its own records only; for another code it gets 404, as for an unknown one.
        guard context.sees(department: code),
            try await dependencies.registry.fetchDepartments().contains(where: { $0.code == code })
        else { throw APIError.notFound("部门", "the department") }
        let query = try Self.departmentQuery(params, catalogues: dependencies.catalogues)
        let page = try params.integer("page", default: 1, range: 1...500)
        let size = try params.integer("size", default: 20, range: 1...100)
        let (items, total) = try await dependencies.records.departmentRecords(code, query, page: page, size: size)
        let today = dependencies.clock.today()
        return DepartmentRecordsDTO(
            items: items.map { RecordDTO($0, catalogue: dependencies.catalogue, versions: nil, today: today) },
            total: total
        )
    }

    /// `GET /api/v1/departments/{code}/records/export?category=X`: the department's records of a category in force (not
    /// revoked, published or not), as a CSV file in the national standard's columns — what it sends another platform.
    @Sendable func departmentExport(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: ["category"])
        let code = (context.parameters.get("code") ?? "").uppercased()
        guard context.sees(department: code),
            try await dependencies.registry.fetchDepartments().contains(where: { $0.code == code })
        else { throw APIError.notFound("部门", "the department") }
        guard let name = params["category"], let category = dependencies.catalogue.category(name) else {
            throw APIError.invalidParameter("category", "应为信息目录中的一个类别 / name one category of the catalogue")
        }
        let store = dependencies.records
        let today = dependencies.clock.today()
        return Self.standardCSV(category: category, filename: "\(code)-\(category.code)-standard-\(today).csv") { last in
            try await store.activeDepartmentRecords(code, category: category.code, after: last, limit: 1_000)
        }
    }

    /// The filters of a department's search; a category no longer in the catalogue may still be looked for.
    static func departmentQuery(_ params: QueryParameters, catalogues: CatalogueVersions) throws(APIError) -> DepartmentRecordQuery {
        var query = DepartmentRecordQuery()
        if let category = params["category"], !category.isEmpty { query.categories = [category] }
        if let number = params["documentNumber"]?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
            guard !number.containsControlCharacter else { throw APIError.controlCharacter(zh: "决定文书号", en: "the document number") }
            query.documentNumber = number
            if query.categories == nil { query.categories = catalogues.everyCategoryCode }
        }
        (query.from, query.to) = try decisionDates(params)
        switch params["late"] {
        case nil, "", "false", "0": query.lateOnly = false
        case "true", "1": query.lateOnly = true
        default: throw APIError.invalidParameter("late", "应为 true 或 false / must be true or false")
        }
        return query
    }

    func addDepartmentPages(to routes: SecuredRoutes, pages: PageRenderer) {
        routes.get(
            "department-records",
            Self.departmentPageReaders,
            use: { request, context in try await departmentRecordsPage(request, context: context, pages: pages) }
        )
        routes.get(
            "department-records/{id}",
            Self.departmentPageReaders,
            use: { request, context in try await departmentRecordPage(request, context: context, pages: pages) }
        )
    }

    /// What a record's state is called on the department's pages, on a day.
    static func stateLabel(_ r: StoredRecord, on day: LocalDate) -> String {
        switch r.publicState(on: day) {
        case .revoked: "已撤销"
        case .notPublished: "不公示"
        case .pending(let from): "待公示（\(from) 起）"
        case .public: "公示中"
        case .ended: "公示期满"
        }
    }

    /// Why a record is not published, as the department reads it.
    static func notPublishedLabel(_ code: String) -> String {
        switch PublicationWindow.NotPublished(rawValue: code) {
        case .categoryNotPublic: "该类别不向社会公开（见信息目录）"
        case .minorNotPublished: "轻微失信，该类别不公示"
        case .warningOnly: "仅为警告或通报批评的行政处罚，不公示"
        case .personNotPublic: "关于自然人的该类记录只在政府部门间共享，不公示（见信息目录）"
        case .simpleProcedure: "简易程序作出的行政处罚，只在政府部门间共享，不公示（总局令第45号第2条）"
        case .noRuleInForce: "决定日期没有施行的公示规则"
        case .expiredBeforeReceipt: "收到时最长公示期已满"
        case .revoked: "决定已撤销，停止公示"
        case nil: code
        }
    }

    func departmentRecordsPage(_ request: Request, context: CreditRequestContext, pages: PageRenderer) async throws -> Response {
        let params = try QueryParameters(request, allowed: Self.departmentFilters.union(["page", "department"]))
        let departments = try await dependencies.registry.fetchDepartments()
        // A clerk's own department; for the credit office, the one asked for (a choice of all of them).
        let department: String
        if let own = context.principal?.departmentCode {
            department = own
        } else if let asked = params["department"]?.uppercased(), departments.contains(where: { $0.code == asked }) {
            department = asked
        } else {
            let choices = departments.map { ["code": $0.code, "name": $0.name] }
            return pages.page("department-choice", title: "部门记录", context: ["departments": choices], viewer: context)
        }
        let name = departments.first { $0.code == department }?.name ?? department
        let title = context.principal?.departmentCode == nil ? "部门记录：\(name)" : "本部门记录"
        let page = try params.integer("page", default: 1, range: 1...500)
        let catalogue = dependencies.catalogue
        var ctx: [String: Any] = [
            "categories": catalogue.categories.map { ["code": $0.code, "name": $0.name, "selected": params["category"] == $0.code] },
            "documentNumber": params["documentNumber"] ?? "", "from": params["from"] ?? "", "to": params["to"] ?? "",
            "late": params["late"] == "true", "page": page, "total": "0", "items": [[String: Any]](), "heading": title,
        ]
        if context.principal?.departmentCode == nil { ctx["department"] = department }
        if let category = params["category"].flatMap({ catalogue.category($0) }) {
            ctx["export"] = ["href": "/api/v1/departments/\(department)/records/export?category=\(category.code)", "name": category.name]
        }
        let query: DepartmentRecordQuery
        do {
            query = try Self.departmentQuery(params, catalogues: dependencies.catalogues)
        } catch {
            ctx["problem"] = error.message
            return pages.page("department-records", title: title, context: ctx, viewer: context, status: .badRequest)
        }
        let size = Self.departmentPageSize
        let (items, total) = try await dependencies.records.departmentRecords(department, query, page: page, size: size)
        let today = dependencies.clock.today()
        let filters = params.echo(Self.departmentFilters.union(["department"])).joined(separator: "&")
        ctx["total"] = total.grouped
        ctx["more"] = total >= 10_000
        ctx["empty"] = items.isEmpty
        if page > 1 { ctx["previous"] = "/department-records?\(filters)&page=\(page - 1)" }
        if page * size < total { ctx["next"] = "/department-records?\(filters)&page=\(page + 1)" }
        ctx["items"] = items.map { r -> [String: Any] in
            [
                "id": r.id, "category": catalogue.category(r.category)?.name ?? r.category, "documentNumber": r.documentNumber,
                "subject": r.subjectName, "subjectCode": r.subjectCode ?? r.subjectIDMasked ?? "", "decidedOn": r.decidedOn.description,
                "receivedAt": BeijingTime.minute(r.receivedAt), "dueBy": r.timeliness?.dueBy.description ?? "不计时",
                "late": r.timeliness?.late ?? false, "delay": r.timeliness?.delayWorkingDays ?? 0, "state": Self.stateLabel(r, on: today),
                "version": r.version,
            ]
        }
        return pages.page("department-records", title: title, context: ctx, viewer: context)
    }

    func departmentRecordPage(_ request: Request, context: CreditRequestContext, pages: PageRenderer) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0,
            let r = try await dependencies.records.fetchRecord(id: id),
            context.sees(department: r.departmentCode)
        else { throw APIError.notFound("记录", "the record") }
        let catalogue = dependencies.catalogue
        let category = catalogue.category(r.category)
        let label = { (name: String) in category?.field(name)?.label ?? name }
        let today = dependencies.clock.today()
        // A version's fields in the catalogue's order, then any the catalogue no longer names.
        let order = Dictionary((category?.fields ?? []).enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let versions = try await dependencies.records.fetchVersions(recordID: id).reversed().map { v -> [String: Any] in
            let fields = v.content.sorted { (order[$0.key] ?? .max, $0.key) < (order[$1.key] ?? .max, $1.key) }
            return [
                "version": v.version, "status": v.status == .revoked ? "撤销" : "有效", "recordedAt": BeijingTime.minute(v.recordedAt),
                "reason": v.changeReason ?? (v.version == 1 ? "首次报送" : ""),
                "fields": fields.map {
                    ["label": label($0.key), "value": $0.key == "severity" ? (Severity(text: $0.value)?.label ?? $0.value) : $0.value]
                },
            ]
        }
        var ctx: [String: Any] = [
            "id": r.id, "category": category?.name ?? r.category, "documentNumber": r.documentNumber, "subject": r.subjectName,
            "subjectCode": r.subjectCode ?? r.subjectIDMasked ?? "", "matched": r.matched, "decidedOn": r.decidedOn.description,
            "receivedAt": BeijingTime.minute(r.receivedAt),
            "clock": r.timeliness.map { t -> [String: Any] in
                ["dueBy": t.dueBy.description, "late": t.late, "delay": t.delayWorkingDays, "estimated": t.estimated, "days": t.workingDays]
            } ?? false, "state": Self.stateLabel(r, on: today),
            "withdrawal": r.withdrawal.map { w -> [String: Any] in
                [
                    "revokedOn": w.revokedOn.description, "dueBy": w.dueBy.description, "days": w.workingDays, "late": w.late,
                    "delay": w.delayWorkingDays,
                ]
            } ?? false,
            "severity": r.severity?.label ?? "", "catalogueVersion": r.catalogueVersion, "versions": versions,
            "department": r.departmentName,
            "back": context.principal?.role == .department ? "/department-records" : "/department-records?department=\(r.departmentCode)",
            "backLabel": context.principal?.role == .department ? "本部门记录" : "部门记录：\(r.departmentName)",
        ]
        if let window = r.publication {
            ctx["window"] = [
                "from": window.from.description, "until": window.until.description,
                "earliestEnd": category?.adverse == true ? window.earliestEnd.description : "",
                "repairFrom": window.repairFrom.description, "ruleSet": window.ruleSet ?? "",
                "stillPublicBecause": r.stillPublicBecause(catalogue: dependencies.catalogue).map { $0 as Any } ?? false,
            ]
        }
        if let reason = r.notPublished { ctx["notPublished"] = Self.notPublishedLabel(reason) }
        return pages.page("department-record", title: "\(r.documentNumber) · \(r.departmentName)", context: ctx, viewer: context)
    }
}

/// `GET /api/v1/departments/{code}/records`: records as `GET /api/v1/records/{id}` shows them, without versions.
struct DepartmentRecordsDTO: ResponseEncodable, Sendable {
    var items: [RecordDTO]
    /// How many match (counted to 10,000).
    var total: Int
}
