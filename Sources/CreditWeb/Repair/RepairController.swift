import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Credit repair over HTTP: an entity applies (`POST /api/v1/repairs`), the deciding department answers
/// (`POST /api/v1/repairs/{id}/decision`); the applicant, the department and the credit office follow the case.
struct RepairController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("repairs", .roles([.entity]), use: apply)
        api.get("repairs", .roles([.entity, .department, .creditOffice]), use: list)
        api.get("repairs/{id}", .roles([.entity, .department, .creditOffice]), use: show)
        api.post("repairs/{id}/decision", .roles([.department]), use: decide)
        api.post("repairs/{id}/steps", .roles([.entity, .department]), use: step)
        api.get("repairs/{id}/materials/{number}", .roles([.entity, .department, .creditOffice]), use: material)
        api.get("records/{id}/repair-notice", .roles([.entity, .department, .creditOffice]), use: notice)
        api.get("listings/{id}/repair-notice", .roles([.entity, .department, .creditOffice]), use: listingNotice)
        api.get("case-deadlines", .roles([.department, .creditOffice]), use: deadlines)
        api.get("case-deadlines/webhook", .roles([.department]), use: reminderWebhook)
        api.on(.put, "case-deadlines/webhook", .roles([.department]), use: setReminderWebhook)
    }

    struct RepairDTO: ResponseEncodable, Sendable {
        struct Item: Codable, Sendable {
            var recordId: Int?
            var listingId: Int?
            var firstEligibleDay: String
        }

        var id: Int
        var entityCode: String
        var department: String
        var status: String
        var statusLabel: String
        var items: [Item]
        var acceptedOn: String
        var dueBy: String
        var overdue: Bool
        var commitment: String
        var commitmentHash: String
        var rulesVersion: String
        var decidedOn: String?
        var reason: String?
        var extensionApprovedBy: String?
        var materialRequested: Bool
        var reviewed: Bool
        var fee: String
        var materials: [CaseMaterial]
        var events: [RepairCase.Event]

        init(_ c: RepairCase, today: LocalDate) {
            id = c.id
            entityCode = c.entityCode
            department = c.departmentCode
            status = c.status.rawValue
            statusLabel = c.status.label
            items = c.items.map {
                Item(
                    recordId: $0.kind == .record ? $0.id : nil,
                    listingId: $0.kind == .listing ? $0.id : nil,
                    firstEligibleDay: $0.firstEligibleDay.description
                )
            }
            acceptedOn = c.acceptedOn.description
            dueBy = c.dueBy.description
            overdue = c.isOverdue(on: today)
            commitment = c.commitment
            commitmentHash = c.commitmentHash
            rulesVersion = c.rulesVersion
            decidedOn = c.decidedOn?.description
            reason = c.reason
            extensionApprovedBy = c.extensionApprovedBy
            materialRequested = c.materialRequested
            reviewed = c.reviewed
            fee = RepairRules.shipped.fee
            materials = c.materials
            events = c.events
        }
    }

    struct RepairsDTO: ResponseEncodable, Sendable {
        var items: [RepairDTO]
    }

    /// The API status of a repair error.
    static func apiError(_ error: RepairError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "not_deciding_department", "forbidden", "not_your_case": .forbidden
            case "item_not_found", "repair_not_found": .notFound
            case "repair_case_open", "repair_closed", "material_already_requested", "no_material_requested", "already_extended",
                "review_not_allowed", "review_used":
                .conflict
            case "material_too_large": .contentTooLarge
            case "material_type_not_allowed": .unsupportedMediaType
            case "repair_not_yet_eligible", "not_repairable", "repair_not_needed", "not_your_item", "commitment_required",
                "repair_items_across_departments", "material_empty", "material_content_mismatch", "too_many_materials", "approval_required",
                "material_required":
                .unprocessableContent
            default: .badRequest
            }
        return APIError(status, code: error.code, message: error.message)
    }

    /// `POST /api/v1/repairs` (an entity's account): 201 with the accepted case, or why it cannot be accepted.
    @Sendable func apply(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<RepairDTO> {
        _ = try QueryParameters(request, allowed: [])
        guard let entity = context.principal?.entityCode else {
            throw APIError(.forbidden, code: "forbidden", message: "只有主体账户可以申请信用修复 / only entity accounts apply for repair")
        }
        let application = try await Requests.decode(
            RepairApplication.self,
            request,
            shape: "{\"items\": [{\"recordId\"} | {\"listingId\"}], \"commitment\": {\"accepted\": true}}"
        )
        do {
            let accepted = try await dependencies.repairs.apply(entityCode: entity, application, by: context.principal?.name)
            return EditedResponse(status: .created, response: RepairDTO(accepted, today: dependencies.clock.today()))
        } catch let error as RepairError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/repairs`: an entity's own cases, a department's, or (the credit office) every case; newest first.
    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> RepairsDTO {
        _ = try QueryParameters(request, allowed: [])
        let principal = context.principal
        let cases = try await dependencies.repairs.cases(
            entityCode: principal?.role == .entity ? principal?.entityCode ?? "" : nil,
            departmentCode: principal?.role == .department ? principal?.departmentCode ?? "" : nil,
            limit: 500
        )
        let today = dependencies.clock.today()
        return RepairsDTO(items: cases.map { RepairDTO($0, today: today) })
    }

    /// The case of a request's `{id}`, if the caller may see it: its applicant, its department, the credit office.
    func visibleCase(_ context: CreditRequestContext) async throws -> RepairCase {
        let notFound = APIError(.notFound, code: "repair_not_found", message: "没有这个修复申请 / no such repair case")
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0, let found = try await dependencies.repairs.repairCase(id: id)
        else { throw notFound }
        switch context.principal?.role {
        case .entity where context.principal?.entityCode != found.entityCode: throw notFound
        case .department where context.principal?.departmentCode != found.departmentCode: throw notFound
        default: return found
        }
    }

    /// `GET /api/v1/repairs/{id}`: the case with its timeline.
    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> RepairDTO {
        _ = try QueryParameters(request, allowed: [])
        return RepairDTO(try await visibleCase(context), today: dependencies.clock.today())
    }

    /// `POST /api/v1/repairs/{id}/decision` (the department that decided the items): approved or rejected, with reasons.
    @Sendable func decide(_ request: Request, context: CreditRequestContext) async throws -> RepairDTO {
        _ = try QueryParameters(request, allowed: [])
        let found = try await visibleCase(context)
        let decision = try await Requests.decode(RepairDecision.self, request, shape: "{\"outcome\": \"approved\" | \"rejected\", \"reason\"}")
        do {
            let decided = try await dependencies.repairs.decide(
                id: found.id,
                decision,
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            return RepairDTO(decided, today: dependencies.clock.today())
        } catch let error as RepairError {
            throw Self.apiError(error)
        }
    }

    /// `POST /api/v1/repairs/{id}/steps`: the department asks for material or extends its clock; the applicant supplies
    /// material, withdraws, or asks for review of a rejection.
    @Sendable func step(_ request: Request, context: CreditRequestContext) async throws -> RepairDTO {
        _ = try QueryParameters(request, allowed: [])
        let found = try await visibleCase(context)
        let step = try await Requests.decode(
            RepairStep.self,
            request,
            shape:
                "{\"action\": \"request-material\" | \"supply\" | \"extend\" | \"withdraw\" | \"review\", \"reason\"?, \"approvedBy\"?, \"materials\"?}"
        )
        do {
            let stepped = try await dependencies.repairs.step(id: found.id, step, actor: Self.actor(context), by: context.principal?.name)
            return RepairDTO(stepped, today: dependencies.clock.today())
        } catch let error as RepairError {
            throw Self.apiError(error)
        }
    }

    /// Who takes a step on a repair case: an entity's account as the applicant, otherwise its department.
    static func actor(_ context: CreditRequestContext) -> CaseActor {
        let principal = context.principal
        return principal?.role == .entity ? .entity(principal?.entityCode ?? "") : .department(principal?.departmentCode ?? "")
    }

    /// `GET /api/v1/repairs/{id}/materials/{number}`: one material file, as an attachment only.
    @Sendable func material(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let found = try await visibleCase(context)
        return try await Requests.attachment(context) { try await dependencies.repairs.material(caseID: found.id, number: $0) }
    }

    /// `GET /api/v1/case-deadlines` (a department: its own; the credit office: every department): repair and objection
    /// cases due today and overdue, each department's on-time figures, and the reminders sent.
    @Sendable func deadlines(_ request: Request, context: CreditRequestContext) async throws -> DeadlinesDTO {
        _ = try QueryParameters(request, allowed: [])
        let department = context.principal?.role == .department ? context.principal?.departmentCode ?? "" : nil
        let summary = DeadlineSummary(try await dependencies.deadlines.deadlines(departmentCode: department), on: dependencies.clock.today())
        return DeadlinesDTO(summary: summary, reminders: try await dependencies.deadlines.reminders(departmentCode: department, limit: 100))
    }

    struct WebhookDTO: ResponseEncodable, Sendable {
        var url: String?
        var since: String?
        var delivered: Int
        var failures: Int
        var lastAttemptAt: String?
        var lastStatus: Int?
        var lastError: String?

        init(_ hook: ReminderWebhook?) {
            url = hook?.url
            since = hook?.since.description
            delivered = hook?.delivered ?? 0
            failures = hook?.failures ?? 0
            lastAttemptAt = hook?.lastAttemptAt
            lastStatus = hook?.lastStatus
            lastError = hook?.lastError
        }
    }

    /// `GET /api/v1/case-deadlines/webhook`: where the department's reminders are pushed, and how delivery stands.
    @Sendable func reminderWebhook(_ request: Request, context: CreditRequestContext) async throws -> WebhookDTO {
        _ = try QueryParameters(request, allowed: [])
        return WebhookDTO(try await dependencies.deadlines.reminderWebhook(departmentCode: context.principal?.departmentCode ?? ""))
    }

    /// `PUT /api/v1/case-deadlines/webhook` `{"url": "https://…" | null}`: the department's reminders of today and later
    /// are pushed there (an address under the credit office's allow-list), or no more.
    @Sendable func setReminderWebhook(_ request: Request, context: CreditRequestContext) async throws -> WebhookDTO {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 4 << 10)
        // `url` must be there: a string, or null to stop pushing.
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        guard let object, let value = object["url"], value is String || value is NSNull else {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为 {\"url\": 网址或 null} / the body must be {\"url\": URL or null}")
        }
        let url = (value as? String)?.trimmingCharacters(in: .whitespaces)
        if let url, let problem = WebhookAddress.problem(url, allowList: try await dependencies.subscriptions.allowList()) {
            throw APIError(.badRequest, code: problem.code, message: problem.message)
        }
        let hook = try await dependencies.deadlines.setReminderWebhook(
            departmentCode: context.principal?.departmentCode ?? "",
            url: url,
            since: dependencies.clock.today(),
            by: context.principal?.name
        )
        return WebhookDTO(hook)
    }

    struct DeadlinesDTO: ResponseEncodable, Sendable {
        var summary: DeadlineSummary
        var reminders: [CaseReminder]

        enum CodingKeys: String, CodingKey {
            case day, dueToday, overdue, departments, reminders
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary.day, forKey: .day)
            try container.encode(summary.dueToday, forKey: .dueToday)
            try container.encode(summary.overdue, forKey: .overdue)
            try container.encode(summary.departments, forKey: .departments)
            try container.encode(reminders.map { ReminderDTO(reminder: $0) }, forKey: .reminders)
        }
    }

    /// One reminder, as the API and a department's webhook receive it.
    struct ReminderDTO: Encodable, Sendable {
        var kind: String
        var id: Int
        var department: String
        var day: String
        var level: String
        var dueBy: String
        var message: String

        init(reminder: CaseReminder) {
            kind = reminder.deadline.kind.rawValue
            id = reminder.deadline.id
            department = reminder.deadline.departmentCode
            day = reminder.day.description
            level = reminder.level.rawValue
            dueBy = reminder.deadline.dueBy.description
            message = reminder.message
        }
    }

    /// `GET /api/v1/records/{id}/repair-notice`: the guidance notice served with the decision (两书同达), for its subject's
    /// account, its department and the credit office.
    @Sendable func notice(_ request: Request, context: CreditRequestContext) async throws -> RepairNotice {
        let record = try await Requests.readable(
            request,
            context,
            otherwise: APIError(.notFound, code: "record_not_found", message: "没有这条记录 / no such record"),
            fetch: dependencies.records.fetchRecord(id:),
            owners: { ($0.subjectCode, $0.departmentCode) }
        )
        let catalogue = dependencies.catalogue
        guard catalogue.category(record.category)?.adverse == true,
            let notice = RepairNotice.make(record, categoryName: catalogue.category(record.category)?.name ?? record.category, rules: .shipped)
        else {
            throw APIError(.notFound, code: "no_repair_notice", message: "该记录不是公示中的失信信息，无需修复 / the record is not adverse information in public view")
        }
        return notice
    }

    /// `GET /api/v1/listings/{id}/repair-notice`: the notice served with a list entry (两书同达) — when it may be left
    /// early and how — for the listed entity's account, the listing department and the credit office.
    @Sendable func listingNotice(_ request: Request, context: CreditRequestContext) async throws -> RepairNotice {
        let listing = try await Requests.readable(
            request,
            context,
            otherwise: APIError(.notFound, code: "listing_not_found", message: "没有这条列入 / no such listing"),
            fetch: dependencies.listings.listing(id:),
            owners: { ($0.subjectCode, $0.departmentCode) }
        )
        let today = dependencies.clock.today()
        guard let type = try await dependencies.listTypes.versions().inForce(on: today).type(listing.list),
            let notice = RepairNotice.make(listing, type: type, on: today, rules: .shipped, publication: dependencies.rules)
        else {
            throw APIError(.notFound, code: "no_repair_notice", message: "该列入不在有效期内或不是失信名单，无需修复 / the listing is not an adverse entry in force")
        }
        return notice
    }
}

extension RepairNotice: ResponseEncodable {}
