import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Credit checks over HTTP: an approver checks one subject (`GET /api/v1/check`) or a batch (`POST /api/v1/checks`),
/// reads a stored check, and anyone verifies a receipt (`POST /api/v1/checks/verify`); the `/checks` and
/// `/checks/verify` pages do the same for people.
struct CheckController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    static let checkers: Access = .roles([.approver, .creditOffice, .admin])

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.get("check", Self.checkers, audit: .purposeRequired, use: check)
        api.post("checks", Self.checkers, use: batch)
        api.get("check/{id}", Self.checkers, use: stored)
        api.post("checks/verify", .everyone, use: verify)
        routes.get("checks", Self.checkers, use: checksPage)
        routes.post("checks", Self.checkers, use: runOnPage)
        api.post("check/{id}/feedback", Self.checkers, use: recordFeedback)
        api.get("feedback", .roles([.creditOffice, .admin]), use: feedbackSummary)
        api.get("feedback/overdue", .roles([.creditOffice, .admin]), use: overdue)
        routes.get("checks/{id}", Self.checkers, use: checkPage)
        routes.post("checks/{id}/feedback", Self.checkers, use: feedbackOnPage)
        routes.get("feedback", .roles([.creditOffice, .admin]), use: feedbackPage)
        routes.get("checks/verify", .everyone, use: verifyPage)
        routes.post("checks/verify", .everyone, use: verifyOnPage)
    }

    /// The API status of a check error.
    static func apiError(_ error: CheckError) -> APIError {
        APIError(["subject_not_found", "check_not_found"].contains(error.code) ? .notFound : .badRequest, code: error.code, message: error.message)
    }

    /// JSON bytes as the platform signs them (sorted keys, unescaped), so that what a caller stores verifies as it is.
    static func canonicalResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try CanonicalJSON.encode(value)))
        )
    }

    func run(_ requests: [CheckRequest], context: CreditRequestContext) async throws -> [CheckResult] {
        do {
            return try await dependencies.checks.check(
                requests,
                checker: context.principal?.name ?? "",
                accountID: context.principal?.accountID,
                requestID: context.id
            )
        } catch let error as CheckError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/check?code=|idNumber=&scenario=&purpose=[&industry=]`.
    @Sendable func check(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: ["code", "idNumber", "scenario", "industry"])
        let subject: CheckSubject
        do { subject = try CheckSubject.parse(code: params["code"], idNumber: params["idNumber"]) } catch { throw Self.apiError(error) }
        guard let scenario = params["scenario"], !scenario.isEmpty else {
            throw APIError(.badRequest, code: "unknown_scenario", message: "缺少核查场景（scenario） / scenario is required")
        }
        let check = CheckRequest(subject: subject, scenario: scenario, purpose: params["purpose"] ?? "", industry: params["industry"])
        return try Self.canonicalResponse(try await run([check], context: context)[0])
    }

    struct BatchInput: Decodable {
        struct Subject: Decodable {
            var code: String?
            var idNumber: String?
        }
        var scenario: String?
        var purpose: String?
        var industry: String?
        var subjects: [Subject]?
    }

    struct Items<Item: Encodable>: Encodable {
        var items: [Item]
    }

    /// `POST /api/v1/checks`: `{"scenario", "purpose", "industry"?, "subjects": [{"code"} | {"idNumber"}, …]}`, at most 1,000.
    @Sendable func batch(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 1 << 20)
        guard let input = try? JSONDecoder().decode(BatchInput.self, from: Data(body.readableBytesView)), let subjects = input.subjects else {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为 {\"scenario\", \"purpose\", \"subjects\": [{\"code\"} | {\"idNumber\"}, …]} / the body must be a batch of subjects"
            )
        }
        guard !subjects.isEmpty, subjects.count <= CheckRequest.batchLimit else {
            throw APIError(
                .badRequest,
                code: "batch_too_large",
                message: "每批核查 1 到 \(CheckRequest.batchLimit) 个主体，收到 \(subjects.count) 个 / a batch holds 1 to \(CheckRequest.batchLimit) subjects"
            )
        }
        var checks: [CheckRequest] = []
        for (i, s) in subjects.enumerated() {
            do {
                checks.append(
                    CheckRequest(
                        subject: try CheckSubject.parse(code: s.code, idNumber: s.idNumber),
                        scenario: input.scenario ?? "",
                        purpose: input.purpose ?? "",
                        industry: input.industry
                    )
                )
            } catch {
                throw APIError(.badRequest, code: error.code, message: "第 \(i + 1) 项 / item \(i + 1): " + error.message)
            }
        }
        return try Self.canonicalResponse(Items(items: try await run(checks, context: context)))
    }

    /// `GET /api/v1/check/{id}`: the stored check, byte for byte as answered.
    @Sendable func stored(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let result = try await dependencies.checks.check(id: id) else {
            throw APIError(.notFound, code: "check_not_found", message: "没有编号为 \(id.prefix(64)) 的核查 / no check \(id.prefix(64))")
        }
        return try Self.canonicalResponse(result)
    }

    /// `POST /api/v1/checks/verify` (anyone): the body is a check as answered (or printed).
    @Sendable func verify(_ request: Request, context: CreditRequestContext) async throws -> ReceiptVerification {
        _ = try QueryParameters(request, allowed: [])
        let body = Data(try await request.readBody(upTo: 1 << 20).readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: body)) is [String: Any] else {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为一次核查的完整 JSON / the body must be a check as answered")
        }
        return try await dependencies.checks.verify(document: body)
    }
}

extension ReceiptVerification: ResponseEncodable {}
