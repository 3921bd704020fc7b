import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Objections over HTTP: the subject (an entity's account), a department or the credit office files one
/// (`POST /api/v1/objections`); the source department decides it (`POST /api/v1/objections/{id}/decision`).
struct ObjectionController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("objections", .roles([.entity, .department, .creditOffice]), use: file)
        api.get("objections", .roles([.entity, .department, .creditOffice]), use: list)
        api.get("objections/{id}", .roles([.entity, .department, .creditOffice]), use: show)
        api.post("objections/{id}/decision", .roles([.department]), use: decide)
        api.post("objections/{id}/steps", .roles([.entity, .department, .creditOffice]), use: step)
        api.get("objections/{id}/materials/{number}", .roles([.entity, .department, .creditOffice]), use: material)
    }

    struct ObjectionDTO: ResponseEncodable, Sendable {
        var id: Int
        var recordId: Int?
        var listingId: Int?
        var department: String
        var filerKind: String
        var filer: String
        var onBehalfOf: String?
        var identityCheck: String?
        var grounds: String
        var status: String
        var acceptedOn: String
        var dueBy: String
        var overdue: Bool
        var outcome: String?
        var outcomeLabel: String?
        var reason: String?
        var remedy: String?
        var decidedOn: String?
        var itemVersion: Int?
        var correctedVersion: Int?
        var extensionApprovedBy: String?
        var reviewed: Bool
        var materials: [CaseMaterial]
        var events: [RepairCase.Event]

        init(_ o: Objection, today: LocalDate) {
            id = o.id
            recordId = o.item == .record ? o.itemID : nil
            listingId = o.item == .listing ? o.itemID : nil
            department = o.departmentCode
            filerKind = o.filerKind.rawValue
            filer = o.filer
            onBehalfOf = o.onBehalfOf
            identityCheck = o.identityCheck
            grounds = o.grounds
            status = o.status.rawValue
            acceptedOn = o.acceptedOn.description
            dueBy = o.dueBy.description
            overdue = o.isOverdue(on: today)
            outcome = o.outcome?.rawValue
            outcomeLabel = o.outcome?.label
            reason = o.reason
            remedy = o.remedy
            decidedOn = o.decidedOn?.description
            itemVersion = o.itemVersion
            correctedVersion = o.correctedVersion
            extensionApprovedBy = o.extensionApprovedBy
            reviewed = o.reviewed
            materials = o.materials
            events = o.events
        }
    }

    struct ObjectionsDTO: ResponseEncodable, Sendable {
        var items: [ObjectionDTO]
    }

    struct DecisionInput: Decodable {
        var outcome: Objection.Outcome
        var reason: String
    }

    static func apiError(_ error: ObjectionError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "not_source_department", "forbidden": .forbidden
            case "item_not_found", "objection_not_found": .notFound
            case "objection_open", "objection_closed", "correction_not_sent", "already_extended", "review_not_allowed", "review_used": .conflict
            case "not_your_item", "identity_check_required", "outcome_not_for_item", "approval_required": .unprocessableContent
            default: RepairController.apiError(RepairError(code: error.code, message: error.message)).status
            }
        return APIError(status, code: error.code, message: error.message)
    }

    /// Who is filing: an entity's account for itself, a department, or the credit office.
    static func filer(_ context: CreditRequestContext) -> (Objection.FilerKind, String) {
        switch context.principal?.role {
        case .entity: (.entity, context.principal?.entityCode ?? "")
        case .department: (.department, context.principal?.departmentCode ?? "")
        default: (.office, "credit-office")
        }
    }

    /// `POST /api/v1/objections`: 201 with the objection; the item shows `underObjection` from now on.
    @Sendable func file(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<ObjectionDTO> {
        _ = try QueryParameters(request, allowed: [])
        let filing = try await Requests.decode(
            ObjectionFiling.self,
            request,
            shape: "{\"recordId\" | \"listingId\", \"grounds\", \"onBehalfOf\"?, \"identityCheck\"?, \"materials\"?}"
        )
        let (kind, filer) = Self.filer(context)
        do {
            let filed = try await dependencies.objections.file(filing, filerKind: kind, filer: filer, by: context.principal?.name)
            return EditedResponse(status: .created, response: ObjectionDTO(filed, today: dependencies.clock.today()))
        } catch let error as ObjectionError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/objections`: those an entity filed, those routed to a department, or every one for the office.
    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> ObjectionsDTO {
        _ = try QueryParameters(request, allowed: [])
        let (kind, filer) = Self.filer(context)
        let found = try await dependencies.objections.objections(
            filer: kind == .entity ? filer : nil,
            departmentCode: kind == .department ? filer : nil,
            limit: 500
        )
        let today = dependencies.clock.today()
        return ObjectionsDTO(items: found.map { ObjectionDTO($0, today: today) })
    }

    func visible(_ context: CreditRequestContext) async throws -> Objection {
        let notFound = APIError(.notFound, code: "objection_not_found", message: "没有这个异议 / no such objection")
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0, let found = try await dependencies.objections.objection(id: id)
        else { throw notFound }
        switch context.principal?.role {
        case .entity where found.filer != context.principal?.entityCode: throw notFound
        case .department where found.departmentCode != context.principal?.departmentCode && found.filer != context.principal?.departmentCode:
            throw notFound
        default: return found
        }
    }

    /// `POST /api/v1/objections/{id}/steps`: the source department extends its clock; the filer asks for review.
    @Sendable func step(_ request: Request, context: CreditRequestContext) async throws -> ObjectionDTO {
        _ = try QueryParameters(request, allowed: [])
        let found = try await visible(context)
        let step = try await Requests.decode(
            ObjectionStep.self,
            request,
            shape: "{\"action\": \"extend\" | \"review\", \"reason\", \"approvedBy\"?}"
        )
        let (kind, filer) = Self.filer(context)
        do {
            let stepped = try await dependencies.objections.step(
                id: found.id,
                step,
                departmentCode: kind == .department ? filer : nil,
                filer: filer,
                by: context.principal?.name
            )
            return ObjectionDTO(stepped, today: dependencies.clock.today())
        } catch let error as ObjectionError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/objections/{id}/materials/{number}`: one material file, as an attachment only.
    @Sendable func material(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let found = try await visible(context)
        return try await Requests.attachment(context) { try await dependencies.objections.material(objectionID: found.id, number: $0) }
    }

    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> ObjectionDTO {
        _ = try QueryParameters(request, allowed: [])
        return ObjectionDTO(try await visible(context), today: dependencies.clock.today())
    }

    /// `POST /api/v1/objections/{id}/decision` (the source department).
    @Sendable func decide(_ request: Request, context: CreditRequestContext) async throws -> ObjectionDTO {
        _ = try QueryParameters(request, allowed: [])
        let found = try await visible(context)
        let input = try await Requests.decode(
            DecisionInput.self,
            request,
            shape: "{\"outcome\": \"corrected\" | \"supplemented\" | \"unpublished\" | \"delisted\" | \"upheld\", \"reason\"}"
        )
        do {
            let decided = try await dependencies.objections.decide(
                id: found.id,
                input.outcome,
                reason: input.reason,
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            return ObjectionDTO(decided, today: dependencies.clock.today())
        } catch let error as ObjectionError {
            throw Self.apiError(error)
        }
    }
}
