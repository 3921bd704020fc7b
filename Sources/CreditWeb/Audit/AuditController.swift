import CreditCore
import Foundation
import Hummingbird
import NIOCore

/// The audit log for the credit office and administrators: `GET /api/v1/audit` (JSON), `GET /api/v1/audit/export`
/// (CSV, streamed) and the `/audit` page. Reading the audit log is itself an authorised query: the caller
/// must give a purpose, and the read is audited.
struct AuditController: AreaRoutes {
    let trail: any AuditTrail
    let pages: PageRenderer
    static let readers: Access = .roles([.admin, .creditOffice])
    static let filters: Set<String> = ["from", "to", "account", "subject", "action"]

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.get("audit", Self.readers, audit: .purposeRequired, use: list)
        api.get("audit/export", Self.readers, audit: .purposeRequired, use: export)
        routes.get("audit", Self.readers, use: page)
    }

    /// The filters of a request, checked.
    static func query(_ params: QueryParameters) throws(APIError) -> AuditQuery {
        func date(_ name: String) throws(APIError) -> LocalDate? {
            guard let text = params[name], !text.isEmpty else { return nil }
            guard let date = LocalDate(text) else { throw APIError.invalidParameter(name, "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            return date
        }
        var query = AuditQuery(from: try date("from"), to: try date("to"))
        if let from = query.from, let to = query.to, from > to {
            throw APIError.invalidParameter("to", "结束日期早于开始日期 / the end date is before the start date")
        }
        if let text = params["account"], !text.isEmpty {
            guard let id = Int(text), id > 0 else { throw APIError.invalidParameter("account", "应为账户号（正整数） / must be an account number") }
            query.accountID = id
        }
        if let subject = params["subject"]?.trimmingCharacters(in: .whitespaces), !subject.isEmpty { query.subject = subject }
        if let text = params["action"], !text.isEmpty {
            guard let action = AuditAction(rawValue: text) else {
                throw APIError.invalidParameter(
                    "action",
                    "应为 \(AuditAction.allCases.map(\.rawValue).joined(separator: " / ")) / must be one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            query.action = action
        }
        return query
    }

    struct EventDTO: Encodable, Sendable {
        var id: Int
        var at: String
        var action: String
        var account: AccountRef?
        var method: String
        var route: String
        var subject: String?
        var status: Int
        var outcome: String
        var address: String?
        var requestId: String
        var purpose: String?

        struct AccountRef: Encodable, Sendable {
            var id: Int
            var name: String?
            var role: String?
            var departmentCode: String?
        }

        init(_ e: AuditEvent) {
            id = e.id ?? 0
            at = e.at ?? ""
            action = e.action.rawValue
            account = e.accountID.map { AccountRef(id: $0, name: e.accountName, role: e.role, departmentCode: e.departmentCode) }
            method = e.method
            route = e.route
            subject = e.subject
            status = e.status
            outcome = e.outcome
            address = e.address
            requestId = e.requestID
            purpose = e.purpose
        }
    }

    struct PageDTO: ResponseEncodable, Sendable {
        var items: [EventDTO]
        var total: Int
        var page: Int
        var size: Int
    }

    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> PageDTO {
        let params = try QueryParameters(request, allowed: Self.filters.union(["page", "size"]))
        let query = try Self.query(params)
        let page = try params.integer("page", default: 1, range: 1...10_000)
        let size = try params.integer("size", default: 50, range: 1...500)
        let (items, total) = try await trail.search(query, page: page, size: size)
        return PageDTO(items: items.map(EventDTO.init), total: total, page: page, size: size)
    }

    static let csvHeader = "编号,时间,类型,账户号,账户名称,角色,部门,方法,路由,对象,状态,结果,地址,请求号,事由\r\n"

    static func csvLine(_ e: AuditEvent) -> String {
        CSVText.line([
            e.id.map(String.init), e.at, e.action.rawValue, e.accountID.map(String.init), e.accountName, e.role, e.departmentCode, e.method,
            e.route, e.subject, String(e.status), e.outcome, e.address, e.requestID, e.purpose,
        ])
    }

    /// The matching events as CSV (UTF-8 with a byte-order mark, for spreadsheets), oldest first, read
    /// and written 1,000 at a time so that memory stays small however long the log is.
    @Sendable func export(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: Self.filters)
        let query = try Self.query(params)
        let trail = self.trail
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "\u{FEFF}" + Self.csvHeader))
            var last = 0
            while true {
                let batch = try await trail.events(query, after: last, limit: 1_000)
                guard let tail = batch.last?.id else { break }
                try await writer.write(ByteBuffer(string: batch.map(Self.csvLine).joined()))
                last = tail
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"audit.csv\""],
            body: body
        )
    }

    @Sendable func page(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: Self.filters.union(["page"]))
        let purpose = Auditor.purpose(request, context)
        var ctx: [String: Any] = [
            "purpose": purpose ?? "", "from": params["from"] ?? "", "to": params["to"] ?? "", "account": params["account"] ?? "",
            "subject": params["subject"] ?? "",
            "actions": AuditAction.allCases.map { ["code": $0.rawValue, "label": $0.label, "selected": params["action"] == $0.rawValue] },
        ]
        guard let purpose else { return pages.page("audit", title: "审计日志", context: ctx, viewer: context) }
        let query: AuditQuery
        do {
            query = try Self.query(params)
        } catch {
            ctx["problem"] = error.message
            return pages.page("audit", title: "审计日志", context: ctx, viewer: context, status: .badRequest)
        }
        let page = try params.integer("page", default: 1, range: 1...10_000)
        let size = 50
        let (items, total) = try await trail.search(query, page: page, size: size)
        let queryString = (params.echo(Self.filters) + ["purpose=\(QueryParameters.encode(purpose))"]).joined(separator: "&")
        let lastPage = max(1, (total + size - 1) / size)
        ctx["searched"] = true
        ctx["total"] = total.grouped
        ctx["page"] = page
        ctx["lastPage"] = lastPage
        ctx["export"] = "/api/v1/audit/export?\(queryString)"
        if page > 1 { ctx["previous"] = "/audit?\(queryString)&page=\(page - 1)" }
        if page < lastPage { ctx["next"] = "/audit?\(queryString)&page=\(page + 1)" }
        ctx["items"] = items.map { e -> [String: Any] in
            [
                "at": e.at ?? "", "action": e.action.label, "account": e.accountID.map { "\($0) \(e.accountName ?? "")" } ?? "匿名",
                "method": e.method, "route": e.route, "subject": e.subject ?? "", "status": e.status, "outcome": e.outcome,
                "address": e.address ?? "", "purpose": e.purpose ?? "",
            ]
        }
        return pages.page("audit", title: "审计日志", context: ctx, viewer: context)
    }
}
