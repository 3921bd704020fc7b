import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Voluntary credit information over HTTP: an entity submits with attachments; the competent department or the
/// credit office accepts (it enters the file, marked self-declared) or rejects with a reason.
struct VoluntaryController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("voluntary", .roles([.entity]), use: submit)
        api.get("voluntary", .roles([.entity, .department, .creditOffice]), use: list)
        api.get("voluntary/{id}", .roles([.entity, .department, .creditOffice]), use: show)
        api.post("voluntary/{id}/review", .roles([.department, .creditOffice]), use: review)
        api.get("voluntary/{id}/materials/{number}", .roles([.entity, .department, .creditOffice]), use: material)
        routes.post("voluntary/{id}/review", .roles([.department, .creditOffice]), use: reviewOnPage)
    }

    struct SubmissionDTO: ResponseEncodable, Sendable {
        var id: Int
        var subjectCode: String
        var subjectName: String
        var kind: String
        var kindLabel: String
        var title: String
        var content: String
        var department: String
        var status: String
        var statusLabel: String
        var submittedAt: String
        var reason: String?
        var reviewedBy: String?
        var reviewedOn: String?
        var recordId: Int?
        var materials: [CaseMaterial]

        init(_ s: VoluntarySubmission) {
            id = s.id
            subjectCode = s.subjectCode
            subjectName = s.subjectName
            kind = s.kind.rawValue
            kindLabel = s.kind.label
            title = s.title
            content = s.content
            department = s.departmentCode
            status = s.status.rawValue
            statusLabel = s.status.label
            submittedAt = s.submittedAt
            reason = s.reason
            reviewedBy = s.reviewedBy
            reviewedOn = s.reviewedOn?.description
            recordId = s.recordId
            materials = s.materials
        }
    }

    struct ListDTO: ResponseEncodable, Sendable {
        var items: [SubmissionDTO]
    }

    /// `POST /api/v1/voluntary` (an entity): `{"kind", "title", "content", "department", "materials"?}` → 201, pending review.
    @Sendable func submit(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<SubmissionDTO> {
        _ = try QueryParameters(request, allowed: [])
        let input = try await Requests.decode(
            VoluntaryInput.self,
            request,
            shape: "{\"kind\", \"title\", \"content\", \"department\", \"materials\"?}"
        )
        do {
            let submitted = try await dependencies.voluntary.submit(
                input,
                subjectCode: context.principal?.entityCode ?? "",
                by: context.principal?.name ?? ""
            )
            return EditedResponse(status: .created, response: SubmissionDTO(submitted))
        } catch let error as VoluntaryError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/voluntary`: the entity's own, the department's to review, or (the credit office) every one.
    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> ListDTO {
        _ = try QueryParameters(request, allowed: [])
        let principal = context.principal
        let found = try await dependencies.voluntary.submissions(
            subjectCode: principal?.role == .entity ? principal?.entityCode ?? "" : nil,
            departmentCode: principal?.role == .department ? principal?.departmentCode ?? "" : nil,
            limit: 500
        )
        return ListDTO(items: found.map(SubmissionDTO.init))
    }

    func visible(_ request: Request, _ context: CreditRequestContext) async throws -> VoluntarySubmission {
        try await Requests.readable(
            request,
            context,
            otherwise: APIError(.notFound, code: "submission_not_found", message: "没有这条申报 / no such submission"),
            fetch: dependencies.voluntary.submission(id:),
            owners: { ($0.subjectCode, $0.departmentCode) }
        )
    }

    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> SubmissionDTO {
        SubmissionDTO(try await visible(request, context))
    }

    /// An attachment, as a download only.
    @Sendable func material(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let found = try await visible(request, context)
        return try await Requests.attachment(context) { try await dependencies.voluntary.material(id: found.id, number: $0) }
    }

    struct ReviewInput: Decodable {
        var outcome: String
        var reason: String?
    }

    /// `POST /api/v1/voluntary/{id}/review` `{"outcome": "accepted" | "rejected", "reason"}` (the named department or the
    /// credit office; a rejection says why).
    @Sendable func review(_ request: Request, context: CreditRequestContext) async throws -> SubmissionDTO {
        _ = try QueryParameters(request, allowed: [])
        let input = try await Requests.decode(ReviewInput.self, request, shape: "{\"outcome\": \"accepted\" | \"rejected\", \"reason\"}")
        guard ["accepted", "rejected"].contains(input.outcome) else {
            throw APIError(.badRequest, code: "invalid_field", message: "outcome 应为 accepted 或 rejected / outcome is accepted or rejected")
        }
        return SubmissionDTO(try await reviewed(context, accept: input.outcome == "accepted", reason: input.reason))
    }

    func reviewed(_ context: CreditRequestContext, accept: Bool, reason: String?) async throws -> VoluntarySubmission {
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0 else {
            throw APIError(.notFound, code: "submission_not_found", message: "没有这条申报 / no such submission")
        }
        let principal = context.principal
        do {
            return try await dependencies.voluntary.review(
                id: id,
                accept: accept,
                reason: reason,
                reviewer: principal?.role == .department ? principal?.departmentCode ?? "" : nil,
                by: principal?.name ?? ""
            )
        } catch let error as VoluntaryError {
            throw Self.apiError(error)
        }
    }

    /// `POST /voluntary/{id}/review` from the `/commitments` page.
    @Sendable func reviewOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let pages = CommitmentPages(dependencies: dependencies, pages: pages)
        do {
            let done = try await reviewed(context, accept: context.form["outcome"] == "accepted", reason: context.form["reason"])
            return try await pages.render(context, extra: ["done": "自主申报 \(done.id)：\(done.status.label)。"])
        } catch let error as APIError {
            return try await pages.render(context, extra: ["problem": error.message], status: error.status)
        }
    }

    static func apiError(_ error: VoluntaryError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "not_reviewing_department": .forbidden
            case "submission_not_found", "subject_not_found": .notFound
            case "already_reviewed": .conflict
            case "material_too_large": .contentTooLarge
            case "material_type_not_allowed": .unsupportedMediaType
            case "material_content_mismatch", "material_empty", "too_many_materials", "department_not_found": .unprocessableContent
            default: .badRequest
            }
        return APIError(status, code: error.code, message: error.message)
    }
}
