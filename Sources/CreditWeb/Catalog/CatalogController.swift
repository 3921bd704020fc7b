import CreditCore
import Foundation
import Hummingbird

/// The catalogue over HTTP: `GET /api/v1/catalog` (the version in force, or on a day), `PUT /api/v1/catalog` (the
/// credit office loads a new version) and the `/catalog` page, for everyone to read what may be collected, in which
/// columns, who sees it and for how long.
struct CatalogController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.get("catalog", .everyone, use: catalog)
        api.on(.put, "catalog", .roles([.creditOffice, .admin]), use: loadCatalog)
        routes.get("catalog", .everyone, use: catalogPage)
    }

    /// `GET /api/v1/catalog[?on=YYYY-MM-DD]`: the version in force today, or on a day.
    @Sendable func catalog(_ request: Request, context: CreditRequestContext) async throws -> CatalogDTO {
        let params = try QueryParameters(request, allowed: ["on"])
        var day = dependencies.clock.today()
        if let text = params["on"] {
            guard let d = LocalDate(text) else { throw APIError.invalidParameter("on", "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            day = d
        }
        return CatalogDTO(dependencies.catalogues.inForce(on: day), versions: dependencies.catalogues.all)
    }

    /// `PUT /api/v1/catalog`: the credit office loads a new catalogue version (the whole document), effective today
    /// or later; versions are never rewritten. Records keep the version they were checked against.
    @Sendable func loadCatalog(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<CatalogDTO> {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: context.maxUploadSize)
        let catalogue: Catalogue
        do {
            catalogue = try JSONDecoder().decode(Catalogue.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为目录 JSON（version、effectiveFrom、source、categories） / the body must be a catalogue document"
            )
        }
        do {
            try await dependencies.catalogueStore.load(catalogue, loadedBy: context.principal?.name)
        } catch let error as CatalogueError {
            throw APIError(error.code == "catalog_version_exists" ? .conflict : .badRequest, code: error.code, message: error.message)
        }
        dependencies.catalogues.add(catalogue)
        return EditedResponse(status: .created, response: CatalogDTO(catalogue, versions: dependencies.catalogues.all))
    }

    /// `/catalog`: the catalogue in force today, as `GET /api/v1/catalog` gives it, with the publication periods of
    /// the rule set in force, for departments preparing a file and for anyone asking what the platform collects.
    @Sendable func catalogPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        do {
            _ = try QueryParameters(request, allowed: [])
        } catch {
            return pages.page("error", title: "参数有误", context: ["status": "400", "message": error.message], viewer: context, status: .badRequest)
        }
        let today = dependencies.clock.today()
        let catalogue = dependencies.catalogues.inForce(on: today)
        let rules = dependencies.rules.set(on: today)
        var ctx: [String: Any] = [
            "version": catalogue.version, "effectiveFrom": catalogue.effectiveFrom.description, "source": catalogue.source,
            "categories": catalogue.categories.map { Self.catalogueEntry($0, rules: rules) },
        ]
        if let next = dependencies.catalogues.all.first(where: { $0.effectiveFrom > today }) {
            ctx["upcoming"] = ["version": next.version, "effectiveFrom": next.effectiveFrom.description]
        }
        if let rules {
            ctx["rulesID"] = rules.id
            ctx["rulesFrom"] = rules.effectiveFrom.description
            ctx["rulesSource"] = rules.source
            ctx["periods"] = Severity.allCases.compactMap { severity -> [String: Any]? in
                guard let period = rules.period(severity) else { return nil }
                return [
                    "severity": severity.label, "min": period.minMonths == 0 ? "无" : Self.months(period.minMonths),
                    "max": Self.months(period.maxMonths),
                ]
            }
            if let warning = rules.warningOnlyUnpublished {
                let who = warning.departmentNameContains.map { "名称含“\($0)”的部门" } ?? "任何部门"
                ctx["warningOnly"] = "\(who)作出的、仅为“\(warning.kinds.joined(separator: "”或“"))”的行政处罚不公示；简易程序作出的行政处罚不公示。"
            }
            if let kinds = rules.severityOfKinds {
                ctx["severityOfKinds"] =
                    "处罚种类含“\(kinds.neverMinor.joined(separator: "”“"))”的不能定为轻微；仅为“\(kinds.minorWhenOnly.joined(separator: "”或“"))”的定为轻微（\(kinds.source)）。"
            }
        }
        return pages.page("catalog", title: "公共信用信息目录", context: ctx, viewer: context)
    }

    /// A period in months as people say it: 3 个月, 1 年, 18 个月, 3 年.
    static func months(_ n: Int) -> String { n % 12 == 0 ? "\(n / 12) 年" : "\(n) 个月" }

    /// One category of the catalogue page: who sees its records, how long they are public, and its fields.
    static func catalogueEntry(_ category: Catalogue.Category, rules: PublicationRules.RuleSet?) -> [String: Any] {
        func label(_ disclosure: Catalogue.Disclosure) -> String {
            switch disclosure {
            case .public: "向社会公开（在公示期内）"
            case .government: "政务共享：政府部门可查，不向社会公开"
            case .authorised: "授权查询：须说明查询事由，不向社会公开"
            }
        }
        var disclosure = label(category.disclosure)
        if let person = category.personDisclosure, person != category.disclosure {
            disclosure = "法人和其他组织：\(disclosure)；自然人：\(label(person))"
        }
        let publication: String
        switch category.publication.kind {
        case .none: publication = "不公示"
        case .fixed: publication = "自决定日期起公示 \(months(category.publication.months ?? 0))"
        case .court: publication = "按人民法院确定的期限公示（“失信期限至”），法院删除或屏蔽即停止公示"
        case .severity:
            let minor =
                category.publication.publishMinor == true
                ? "轻微失信至多公示 \(months(rules?.period(.minor)?.maxMonths ?? 3))"
                : "轻微失信不公示"
            publication = "按失信程度（轻微、一般、严重）确定公示期，见上表；\(minor)"
        }
        let fields = category.fields.map { f -> [String: Any] in
            var field: [String: Any] = [
                "label": f.label, "name": f.name, "required": f.required, "type": typeLabel(f.type),
                "aliases": ([f.label] + f.aliases.filter { $0 != f.label }).joined(separator: "、"),
            ]
            if let help = f.help { field["help"] = help }
            return field
        }
        return [
            "code": category.code, "name": category.name, "adverse": category.adverse, "disclosure": disclosure, "note": category.note ?? false,
            "publication": publication, "fields": fields,
        ]
    }

    static func typeLabel(_ type: Catalogue.Field.FieldType) -> String {
        switch type {
        case .text: "文本"
        case .date: "日期 YYYY-MM-DD"
        case .creditCode: "统一社会信用代码"
        case .idNumber: "身份证号码（公开时遮蔽）"
        case .severity: "轻微、一般或严重"
        case .money: "金额，以分计的整数"
        case .procedure: "普通程序或简易程序"
        case .wanYuan: "金额，以万元计（至多 6 位小数）"
        case .subjectKind: "法人及非法人组织、自然人或个体工商户"
        }
    }
}

/// `GET /api/v1/catalog`.
struct CatalogDTO: ResponseEncodable, Sendable {
    var version: String
    var effectiveFrom: String
    var source: String
    var categories: [Catalogue.Category]
    /// Every version known, with its effective date.
    var versions: [VersionRef]?

    struct VersionRef: Encodable, Sendable {
        var version: String
        var effectiveFrom: String
    }

    init(_ catalogue: Catalogue, versions: [Catalogue] = []) {
        version = catalogue.version
        effectiveFrom = catalogue.effectiveFrom.description
        source = catalogue.source
        categories = catalogue.categories
        self.versions = versions.isEmpty ? nil : versions.map { VersionRef(version: $0.version, effectiveFrom: $0.effectiveFrom.description) }
    }
}
