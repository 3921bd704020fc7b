import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Special credit reports over HTTP and on pages: an entity (or the credit office, for an entity) issues one; anyone
/// shown a report checks it by number, or by posting the copy, with no sign-in; the report prints on A4.
struct ReportController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("reports", .roles([.entity, .creditOffice]), use: issue)
        api.get("reports/{number}", .roles([.entity, .creditOffice]), use: show)
        api.get("reports/{number}/verify", .everyone, use: verify)
        api.post("reports/{number}/verify", .everyone, use: verifyCopy)
        routes.get("reports", .roles([.entity, .creditOffice]), use: page)
        routes.post("reports", .roles([.entity, .creditOffice]), use: issueOnPage)
        routes.get("reports/verify", .everyone, use: verifyPage)
        routes.get("reports/{number}", .roles([.entity, .creditOffice]), use: printable)
    }

    struct IssueInput: Decodable {
        var from: String?
        var to: String?
        /// The credit office names the entity.
        var code: String?
    }

    struct ReportDTO: ResponseEncodable, Sendable {
        var report: CreditReport
        var digest: String
        var signature: String
        var keyId: String
        var verifyAt: String

        init(_ issued: IssuedReport) {
            report = issued.report
            digest = issued.digest
            signature = issued.signature
            keyId = issued.keyId
            verifyAt = "/reports/verify?number=\(issued.report.number)"
        }

        enum CodingKeys: String, CodingKey {
            case number, subject, period, issuedAt, issuedTo, dataVersion, sections, basis, digest, signature, keyId, verifyAt
        }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(digest, forKey: .digest)
            try container.encode(signature, forKey: .signature)
            try container.encode(keyId, forKey: .keyId)
            try container.encode(verifyAt, forKey: .verifyAt)
        }
    }

    func subject(_ context: CreditRequestContext, code: String?) throws -> String {
        if context.principal?.role == .entity { return context.principal?.entityCode ?? "" }
        guard let code, !code.isEmpty else {
            throw APIError(.badRequest, code: "missing_field", message: "信用办出具报告须写明主体代码（code） / name the entity (code)")
        }
        return code
    }

    /// `POST /api/v1/reports` `{"from", "to", "code"?}` → 201 with the report; free and unlimited for oneself.
    @Sendable func issue(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<ReportDTO> {
        _ = try QueryParameters(request, allowed: [])
        let input = try await Requests.decode(IssueInput.self, request, shape: "{\"from\", \"to\", \"code\"?}")
        do {
            let issued = try await dependencies.reports.issue(
                subjectCode: try subject(context, code: input.code),
                from: input.from,
                to: input.to,
                issuedTo: context.principal?.name ?? ""
            )
            return EditedResponse(status: .created, response: ReportDTO(issued))
        } catch let error as ReportError {
            throw Self.apiError(error)
        }
    }

    func visible(_ context: CreditRequestContext) async throws -> IssuedReport {
        let notFound = APIError(.notFound, code: "report_not_found", message: "没有这份报告 / no such report")
        guard let number = context.parameters.get("number"), let issued = try await dependencies.reports.report(number: number) else {
            throw notFound
        }
        if context.principal?.role == .entity, issued.report.subject.code != context.principal?.entityCode { throw notFound }
        return issued
    }

    /// `GET /api/v1/reports/{number}`: its subject's account and the credit office.
    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> ReportDTO {
        _ = try QueryParameters(request, allowed: [])
        return ReportDTO(try await visible(context))
    }

    /// `GET /api/v1/reports/{number}/verify` (anyone): whether it was issued here and is intact, with its summary.
    @Sendable func verify(_ request: Request, context: CreditRequestContext) async throws -> ReportVerification {
        _ = try QueryParameters(request, allowed: [])
        return try await dependencies.reports.verify(number: try Self.number(context), copy: nil)
    }

    /// The `{number}` of the path, refused when it is not of a report number's shape (forged or mistyped).
    static func number(_ context: CreditRequestContext) throws -> String {
        let number = context.parameters.get("number") ?? ""
        guard ReportPlan.isNumber(number) else {
            throw APIError(
                .badRequest,
                code: "invalid_report_number",
                message: "报告编号应为 XYBG 加 14 位数字 / a report number is XYBG and 14 digits"
            )
        }
        return number
    }

    /// `POST /api/v1/reports/{number}/verify` with the report's JSON: whether that copy is the report unchanged.
    @Sendable func verifyCopy(_ request: Request, context: CreditRequestContext) async throws -> ReportVerification {
        _ = try QueryParameters(request, allowed: [])
        let number = try Self.number(context)
        let copy = try await Requests.decode(CreditReport.self, request, shape: "the report's JSON")
        return try await dependencies.reports.verify(number: number, copy: copy)
    }

    static func apiError(_ error: ReportError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "subject_not_found", "report_not_found": .notFound
            case "period_in_future", "period_too_long", "invalid_period": .unprocessableContent
            default: .badRequest
            }
        return APIError(status, code: error.code, message: error.message)
    }

    // MARK: pages

    @Sendable func page(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try await render(context, extra: [:])
    }

    func render(_ context: CreditRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let today = dependencies.clock.today()
        var ctx: [String: Any] = [
            "isEntity": context.principal?.role == .entity, "from": today.adding(years: -3).adding(days: 1).description, "to": today.description,
        ]
        if context.principal?.role == .entity, let code = context.principal?.entityCode {
            let issued = try await dependencies.reports.reports(subjectCode: code, limit: 50)
            ctx["reports"] = issued.map {
                [
                    "number": $0.report.number, "issuedAt": BeijingTime.minute($0.report.issuedAt),
                    "period": "\($0.report.period.from) 至 \($0.report.period.to)",
                ]
            }
            ctx["hasReports"] = !issued.isEmpty
        }
        for (key, value) in extra { ctx[key] = value }
        return pages.page("reports", title: "专项信用报告", context: ctx, viewer: context, status: status)
    }

    /// `POST /reports` from the page: issues the report and shows it.
    @Sendable func issueOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        do {
            let issued = try await dependencies.reports.issue(
                subjectCode: try subject(context, code: context.form["code"]),
                from: context.form["from"],
                to: context.form["to"],
                issuedTo: context.principal?.name ?? ""
            )
            return try await printed(issued, request: request, context: context)
        } catch let error as ReportError {
            return try await render(context, extra: ["problem": error.message], status: Self.apiError(error).status)
        } catch let error as APIError {
            return try await render(context, extra: ["problem": error.message], status: error.status)
        }
    }

    /// `GET /reports/{number}`: the report, laid out for A4 with its verification address.
    @Sendable func printable(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try await printed(try await visible(context), request: request, context: context)
    }

    /// The address of the verification page as the caller reached the server (a phone scanning the printed code goes
    /// there): the forwarded scheme behind a proxy, else http.
    static func verifyAddress(_ number: String, request: Request) -> String {
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        let host = request.head.authority ?? "localhost"
        return "\(scheme)://\(host)/reports/verify?number=\(number)"
    }

    func printed(_ issued: IssuedReport, request: Request, context: CreditRequestContext) async throws -> Response {
        let r = issued.report
        let address = Self.verifyAddress(r.number, request: request)
        let ctx: [String: Any] = [
            "number": r.number, "subjectName": r.subject.name, "subjectCode": r.subject.code, "from": r.period.from, "to": r.period.to,
            "issuedAt": BeijingTime.minute(r.issuedAt), "issuedTo": r.issuedTo, "basis": r.basis, "digest": issued.digest,
            "checkpoint": r.dataVersion.checkpointSize.map { "防篡改日志检查点 \($0)（\(r.dataVersion.checkpointRoot?.prefix(16) ?? "")…）" }
                ?? "防篡改日志第 \(r.dataVersion.logSize) 条",
            "verifyAt": address, "qr": QRCode(address)?.svg(label: "核验地址 \(address)") ?? "",
            "sections": r.sections.enumerated().map { index, s -> [String: Any] in
                [
                    "index": index + 1, "title": s.title, "none": s.none ?? "", "isEmpty": s.items.isEmpty,
                    "items": s.items.map {
                        [
                            "reference": $0.reference, "authority": $0.authority, "date": $0.date, "content": $0.content,
                            "marks": $0.marks.joined(separator: "；"),
                        ]
                    },
                ]
            },
        ]
        return pages.page("report", title: "专项信用报告 \(r.number)", context: ctx, viewer: context)
    }

    /// `GET /reports/verify?number=…` (anyone): the verification page.
    @Sendable func verifyPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["number"])
        var ctx: [String: Any] = [:]
        if let number = query["number"], !number.isEmpty {
            let result = try await dependencies.reports.verify(number: number, copy: nil)
            ctx["checked"] = true
            ctx["number"] = result.number
            ctx["valid"] = result.valid
            ctx["subjectName"] = result.subjectName ?? ""
            ctx["issuedAt"] = result.issuedAt.map(BeijingTime.minute) ?? ""
            ctx["period"] = result.period.map { "\($0.from) 至 \($0.to)" } ?? ""
            ctx["problems"] = result.problems
            ctx["summary"] = (result.summary ?? [:]).sorted { $0.key < $1.key }.map { ["section": $0.key, "count": $0.value] }
        }
        return pages.page("report-verify", title: "核验专项信用报告", context: ctx, viewer: context)
    }
}

extension ReportVerification: ResponseEncodable {}
