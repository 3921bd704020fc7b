import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Credit commitments over HTTP: the item list (public), the 告知承诺 gate for window systems, signing by an entity (or
/// a department at a window on its behalf), and the department's verification.
struct CommitmentController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.get("commitments/items", .everyone, use: items)
        api.on(.put, "commitments/items", .roles([.creditOffice, .admin]), use: loadItems)
        api.get("commitments/eligibility", .roles([.department, .approver]), use: eligibility)
        api.post("commitments", .roles([.entity, .department]), use: sign)
        api.get("commitments", .roles([.entity, .department, .creditOffice]), use: list)
        api.get("commitments/{id}", .roles([.entity, .department, .creditOffice]), use: show)
        api.post("commitments/{id}/verification", .roles([.department]), use: verify)
    }

    struct ItemsDTO: ResponseEncodable, Sendable {
        struct Item: Encodable, Sendable {
            var code: String
            var name: String
            var type: String
            var typeLabel: String
            var department: String
            var field: String
            var basis: String
            var conditions: [String]
            var verification: CommitmentItem.Verification?
            var consequences: String
            var template: CommitmentTemplate?
            var isPublic: Bool
        }

        var version: String
        var effectiveFrom: String
        var source: String
        var gate: CommitmentItems.GateRule
        var excludedFields: [CommitmentItems.Field]
        var items: [Item]
    }

    /// `GET /api/v1/commitments/items`: the list in force, each item with its template in force.
    @Sendable func items(_ request: Request, context: CreditRequestContext) async throws -> ItemsDTO {
        _ = try QueryParameters(request, allowed: [])
        let list = try await dependencies.commitments.items()
        let today = dependencies.clock.today()
        return ItemsDTO(
            version: list.version,
            effectiveFrom: list.effectiveFrom.description,
            source: list.source,
            gate: list.gate,
            excludedFields: list.excludedFields,
            items: list.items.map { i in
                ItemsDTO.Item(
                    code: i.code,
                    name: i.name,
                    type: i.type.rawValue,
                    typeLabel: i.type.label,
                    department: i.authority,
                    field: i.field,
                    basis: i.basis,
                    conditions: i.conditions,
                    verification: i.verification,
                    consequences: i.consequences,
                    template: i.template(on: today),
                    isPublic: i.type.isPublic
                )
            }
        )
    }

    /// `PUT /api/v1/commitments/items` (the credit office): a new version of the list, in force from its effective date;
    /// answers with the list in force now.
    @Sendable func loadItems(_ request: Request, context: CreditRequestContext) async throws -> ItemsDTO {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 4 << 20)
        let list: CommitmentItems
        do {
            list = try JSONDecoder().decode(CommitmentItems.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为承诺事项清单的 JSON / the body must be a commitment item list")
        }
        do {
            try await dependencies.commitments.loadItems(list, loadedBy: context.principal?.name)
        } catch let error as CommitmentError {
            throw APIError(error.code == "commitment_items_version_exists" ? .conflict : .badRequest, code: error.code, message: error.message)
        }
        return try await items(request, context: context)
    }

    /// `GET /api/v1/commitments/eligibility?code=…&item=…`: whether the entity may commit in place of proof, each
    /// reason with the record or entry behind it, and a signed receipt.
    @Sendable func eligibility(_ request: Request, context: CreditRequestContext) async throws -> GateAnswer {
        let query = try QueryParameters(request, allowed: ["code", "item"])
        guard let text = query["code"], let item = query["item"] else {
            throw APIError(.badRequest, code: "missing_parameter", message: "需要 code 和 item 参数 / code and item are required")
        }
        let code: CreditCode
        do { code = try CreditCode(validating: text) } catch { throw APIError.invalidCreditCode(error) }
        do {
            return try await dependencies.commitments.eligibility(code: code, item: item, checker: context.principal?.name ?? "")
        } catch let error as CommitmentError {
            throw Self.apiError(error)
        }
    }

    struct SignInput: Decodable {
        var item: String
        var templateVersion: String
        var fields: [String: String]?
        /// A department signing at a window names the entity.
        var subjectCode: String?
    }

    /// `POST /api/v1/commitments`: signs for the entity's own account, or — by a department, naming `subjectCode` — on the
    /// applicant's behalf at a window.
    @Sendable func sign(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<CommitmentDTO> {
        _ = try QueryParameters(request, allowed: [])
        let input = try await Requests.decode(SignInput.self, request, shape: "{\"item\", \"templateVersion\", \"fields\"}")
        let principal = context.principal
        let subject: String?
        let department: String?
        if principal?.role == .entity {
            subject = principal?.entityCode
            department = nil
        } else {
            subject = input.subjectCode
            department = principal?.departmentCode
        }
        guard let subject else {
            throw APIError(.badRequest, code: "missing_field", message: "代为签署须写明 subjectCode / name the entity (subjectCode)")
        }
        do {
            let signed = try await dependencies.commitments.sign(
                CommitmentRequest(item: input.item, templateVersion: input.templateVersion, fields: input.fields ?? [:]),
                subjectCode: subject,
                signedBy: principal?.name ?? "",
                onBehalfOf: department
            )
            return EditedResponse(status: .created, response: CommitmentDTO(signed, today: dependencies.clock.today()))
        } catch let error as CommitmentError {
            throw Self.apiError(error)
        }
    }

    struct CommitmentDTO: ResponseEncodable, Sendable {
        var id: Int
        var item: String
        var type: String
        var department: String
        var subjectCode: String
        var subjectName: String
        var templateVersion: String
        var itemsVersion: String
        var fields: [String: String]
        var text: String
        var textHash: String
        var signedBy: String
        var onBehalf: Bool
        var signedAt: String
        var countersignature: String
        var keyId: String
        var verifyBy: String?
        var overdue: Bool
        var outcome: String?
        var outcomeLabel: String?
        var verifiedOn: String?
        var verifiedBy: String?
        var reason: String?
        var recordId: Int?

        init(_ c: Commitment, today: LocalDate) {
            id = c.id
            item = c.item
            type = c.type.rawValue
            department = c.departmentCode
            subjectCode = c.subjectCode
            subjectName = c.subjectName
            templateVersion = c.templateVersion
            itemsVersion = c.itemsVersion
            fields = c.fields
            text = c.text
            textHash = c.textHash
            signedBy = c.signedBy
            onBehalf = c.onBehalf
            signedAt = c.signedAt
            countersignature = c.countersignature
            keyId = c.keyId
            verifyBy = c.verifyBy?.description
            overdue = c.isOverdue(on: today)
            outcome = c.outcome?.rawValue
            outcomeLabel = c.outcome?.label
            verifiedOn = c.verifiedOn?.description
            verifiedBy = c.verifiedBy
            reason = c.reason
            recordId = c.recordId
        }
    }

    struct ListDTO: ResponseEncodable, Sendable {
        var items: [CommitmentDTO]
        /// How many are past their verification date unverified.
        var overdue: Int
    }

    /// `GET /api/v1/commitments[?overdue=true]`: the entity's own, the department's, or (the credit office) every one.
    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> ListDTO {
        let query = try QueryParameters(request, allowed: ["overdue"])
        guard [nil, "true", "false"].contains(query["overdue"]) else {
            throw APIError.invalidParameter("overdue", "应为 true 或 false / must be true or false")
        }
        let onlyOverdue = query["overdue"] == "true"
        let principal = context.principal
        let all = try await dependencies.commitments.commitments(
            subjectCode: principal?.role == .entity ? principal?.entityCode ?? "" : nil,
            departmentCode: principal?.role == .department ? principal?.departmentCode ?? "" : nil,
            limit: 500
        )
        let today = dependencies.clock.today()
        let shown = onlyOverdue ? all.filter { $0.isOverdue(on: today) } : all
        return ListDTO(items: shown.map { CommitmentDTO($0, today: today) }, overdue: all.filter { $0.isOverdue(on: today) }.count)
    }

    /// `GET /api/v1/commitments/{id}`: for its entity, its department and the credit office.
    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> CommitmentDTO {
        let found = try await Requests.readable(
            request,
            context,
            otherwise: APIError(.notFound, code: "commitment_not_found", message: "没有这条承诺 / no such commitment"),
            fetch: dependencies.commitments.commitment(id:),
            owners: { ($0.subjectCode, $0.departmentCode) }
        )
        return CommitmentDTO(found, today: dependencies.clock.today())
    }

    struct VerifyInput: Decodable {
        var outcome: Commitment.Outcome
        var reason: String?
    }

    /// `POST /api/v1/commitments/{id}/verification` `{"outcome": "fulfilled" | "not-fulfilled" | "false", "reason"}` (the
    /// department it was made to): a breach becomes an adverse record in the subject's file.
    @Sendable func verify(_ request: Request, context: CreditRequestContext) async throws -> CommitmentDTO {
        _ = try QueryParameters(request, allowed: [])
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0 else {
            throw APIError(.notFound, code: "commitment_not_found", message: "没有这条承诺 / no such commitment")
        }
        let input = try await Requests.decode(
            VerifyInput.self,
            request,
            shape: "{\"outcome\": \"fulfilled\" | \"not-fulfilled\" | \"false\", \"reason\"}"
        )
        do {
            let verified = try await dependencies.commitments.verify(
                id: id,
                input.outcome,
                reason: input.reason ?? "",
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            return CommitmentDTO(verified, today: dependencies.clock.today())
        } catch let error as CommitmentError {
            throw Self.apiError(error)
        }
    }

    static func apiError(_ error: CommitmentError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "not_verifying_department", "not_item_department": .forbidden
            case "commitment_not_found", "subject_not_found": .notFound
            case "already_verified": .conflict
            case "not_eligible", "template_superseded": .unprocessableContent
            default: .badRequest
            }
        return APIError(status, code: error.code, message: error.message)
    }
}

extension GateAnswer: ResponseEncodable {}
