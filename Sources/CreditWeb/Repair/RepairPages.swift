import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// `/repairs`: one page for repair and objections. An entity's account sees its own adverse information (what the
/// public does not see included), applies for repair and objects; a department decides the cases routed to it; the
/// credit office oversees every case, overdue ones first.
struct RepairPages: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        routes.get("repairs", .roles([.entity, .department, .creditOffice]), use: page)
        routes.post("repairs", .roles([.entity]), use: apply)
        routes.post("repairs/{id}/decision", .roles([.department]), use: decideRepair)
        routes.post("repairs/{id}/steps", .roles([.entity, .department]), use: repairStep)
        routes.post("objections", .roles([.entity, .department, .creditOffice]), use: object)
        routes.post("objections/{id}/decision", .roles([.department]), use: decideObjection)
        routes.post("objections/{id}/steps", .roles([.entity, .department, .creditOffice]), use: objectionStep)
    }

    @Sendable func page(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try await render(context, extra: [:])
    }

    func formID(_ context: CreditRequestContext, _ name: String) -> Int? {
        context.form[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func pathID(_ context: CreditRequestContext) -> Int { context.parameters.get("id").flatMap { Int($0) } ?? 0 }

    /// `POST /repairs` (an entity): applies to repair one record or entry, the commitment ticked.
    @Sendable func apply(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let item: RepairApplication.ItemRef =
            formID(context, "recordId").map { .init(recordId: $0) } ?? .init(listingId: formID(context, "listingId"))
        let application = RepairApplication(items: [item], commitment: .init(accepted: context.form["commitment"] == "on"))
        do {
            let accepted = try await dependencies.repairs.apply(
                entityCode: context.principal?.entityCode ?? "",
                application,
                by: context.principal?.name
            )
            return try await render(context, extra: ["done": "修复申请 \(accepted.id) 已受理，\(accepted.dueBy) 前答复。"])
        } catch let error as RepairError {
            return try await render(context, extra: ["problem": error.message], status: RepairController.apiError(error).status)
        }
    }

    /// `POST /repairs/{id}/decision` (the deciding department).
    @Sendable func decideRepair(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let outcome = RepairDecision.Outcome(rawValue: context.form["outcome"] ?? "") ?? .rejected
        do {
            let decided = try await dependencies.repairs.decide(
                id: pathID(context),
                RepairDecision(outcome: outcome, reason: context.form["reason"] ?? ""),
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            return try await render(context, extra: ["done": "修复申请 \(decided.id)：\(decided.status.label)。"])
        } catch let error as RepairError {
            return try await render(context, extra: ["problem": error.message], status: RepairController.apiError(error).status)
        }
    }

    /// `POST /repairs/{id}/steps`: the department asks for material or extends; the applicant withdraws or asks for
    /// review (material itself is sent by the page's script to the API, as files).
    @Sendable func repairStep(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let step = RepairStep(
            action: RepairStep.Action(rawValue: context.form["action"] ?? "") ?? .withdraw,
            reason: context.form["reason"],
            approvedBy: context.form["approvedBy"]
        )
        do {
            let stepped = try await dependencies.repairs.step(
                id: pathID(context),
                step,
                actor: RepairController.actor(context),
                by: context.principal?.name
            )
            return try await render(context, extra: ["done": "修复申请 \(stepped.id)：\(stepped.status.label)，答复期限 \(stepped.dueBy)。"])
        } catch let error as RepairError {
            return try await render(context, extra: ["problem": error.message], status: RepairController.apiError(error).status)
        }
    }

    /// `POST /objections/{id}/steps`: the source department extends; the filer asks for review.
    @Sendable func objectionStep(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let (kind, filer) = ObjectionController.filer(context)
        let step = ObjectionStep(
            action: ObjectionStep.Action(rawValue: context.form["action"] ?? "") ?? .review,
            reason: context.form["reason"],
            approvedBy: context.form["approvedBy"]
        )
        do {
            let stepped = try await dependencies.objections.step(
                id: pathID(context),
                step,
                departmentCode: kind == .department ? filer : nil,
                filer: filer,
                by: context.principal?.name
            )
            return try await render(context, extra: ["done": "异议 \(stepped.id)：\(stepped.outcome?.label ?? "异议处理中")，答复期限 \(stepped.dueBy)。"])
        } catch let error as ObjectionError {
            return try await render(context, extra: ["problem": error.message], status: ObjectionController.apiError(error).status)
        }
    }

    /// `POST /objections`: an entity about its own information; a department or the credit office for a natural
    /// person (who, and how their identity was checked) or about an entity's.
    @Sendable func object(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let filing = ObjectionFiling(
            recordId: formID(context, "recordId"),
            listingId: formID(context, "listingId"),
            grounds: context.form["grounds"],
            onBehalfOf: context.form["onBehalfOf"],
            identityCheck: context.form["identityCheck"]
        )
        let (kind, filer) = ObjectionController.filer(context)
        do {
            let filed = try await dependencies.objections.file(filing, filerKind: kind, filer: filer, by: context.principal?.name)
            return try await render(context, extra: ["done": "异议 \(filed.id) 已受理，该信息已标注“异议处理中”，\(filed.dueBy) 前答复。"])
        } catch let error as ObjectionError {
            return try await render(context, extra: ["problem": error.message], status: ObjectionController.apiError(error).status)
        }
    }

    /// `POST /objections/{id}/decision` (the source department).
    @Sendable func decideObjection(_ request: Request, context: CreditRequestContext) async throws -> Response {
        do {
            let decided = try await dependencies.objections.decide(
                id: pathID(context),
                Objection.Outcome(rawValue: context.form["outcome"] ?? "") ?? .upheld,
                reason: context.form["reason"] ?? "",
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            return try await render(context, extra: ["done": "异议 \(decided.id)：\(decided.outcome?.label ?? "")。"])
        } catch let error as ObjectionError {
            return try await render(context, extra: ["problem": error.message], status: ObjectionController.apiError(error).status)
        }
    }

    func timeline(_ events: [RepairCase.Event]) -> String {
        events.map { "\(BeijingTime.minute($0.at)) \($0.action)\($0.actor.map { "（\($0)）" } ?? "")\($0.reason.map { "：\($0)" } ?? "")" }
            .joined(separator: "；")
    }

    func materials(_ materials: [CaseMaterial], path: String) -> [[String: Any]] {
        materials.map {
            [
                "name": $0.name, "size": ByteCountFormatter.string(fromByteCount: Int64($0.size), countStyle: .file),
                "href": "\(path)/materials/\($0.number)",
            ]
        }
    }

    /// The overdue view for a department (its own) or the credit office (every department).
    func deadlines(departmentCode: String?, today: LocalDate) async throws -> [String: Any] {
        let summary = DeadlineSummary(try await dependencies.deadlines.deadlines(departmentCode: departmentCode), on: today)
        let reminders = try await dependencies.deadlines.reminders(departmentCode: departmentCode, limit: 20)
        var push = ""
        if let departmentCode { push = try await pushState(departmentCode) }
        func row(_ d: CaseDeadline) -> [String: Any] {
            ["what": "\(d.kind == .repair ? "修复申请" : "异议") \(d.id)", "department": d.departmentCode, "dueBy": d.dueBy.description]
        }
        return [
            "dueToday": summary.dueToday.map(row), "hasDueToday": !summary.dueToday.isEmpty,
            "late": summary.overdue.map(row), "hasLate": !summary.overdue.isEmpty,
            "departments": summary.departments.map { d -> [String: Any] in
                [
                    "code": d.code, "open": d.open, "dueToday": d.dueToday, "overdue": d.overdue, "answered": d.answered,
                    "onTime": d.answeredOnTime, "percent": d.onTimePercent.map { "\($0)%" } ?? "—",
                ]
            },
            "reminders": reminders.map { ["day": $0.day.description, "message": $0.message] }, "hasReminders": !reminders.isEmpty,
            "push": push,
        ]
    }

    /// Where a department's reminders are pushed and how delivery stands, in a sentence.
    func pushState(_ departmentCode: String) async throws -> String {
        guard let hook = try await dependencies.deadlines.reminderWebhook(departmentCode: departmentCode) else {
            return "提醒未推送到本部门系统；可通过 PUT /api/v1/case-deadlines/webhook 设置推送地址。"
        }
        let last = hook.lastError.map { "，最近一次失败（\($0)），将重试" } ?? ""
        return "提醒推送至 \(hook.url)（自 \(hook.since) 起），已送达 \(hook.delivered) 条\(last)。"
    }

    func render(_ context: CreditRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let today = dependencies.clock.today()
        let principal = context.principal
        let isEntity = principal?.role == .entity
        let isDepartment = principal?.role == .department
        var ctx: [String: Any] = ["isEntity": isEntity, "isDepartment": isDepartment, "fee": RepairRules.shipped.fee]
        if isEntity, let code = principal?.entityCode {
            // The entity's own adverse information in public view, each with when repair may be asked for.
            let catalogue = dependencies.catalogue
            let records = try await dependencies.records.publicRecords(subjectCode: code, on: today).filter {
                catalogue.category($0.category)?.adverse == true
            }
            ctx["records"] = records.map { r -> [String: Any] in
                [
                    "id": r.id, "category": catalogue.category(r.category)?.name ?? r.category, "documentNumber": r.documentNumber,
                    "department": r.departmentName, "until": r.publication?.until.description ?? "",
                    "repairFrom": r.publication?.repairFrom.description ?? "", "underObjection": r.underObjection,
                    "notice": RepairNotice.make(r, categoryName: catalogue.category(r.category)?.name ?? r.category, rules: .shipped)?.text ?? "",
                ]
            }
            ctx["hasRecords"] = !records.isEmpty
            // Its list entries in force that repair may end early, each with its notice.
            let types = try await dependencies.listTypes.versions().inForce(on: today)
            var listings: [Listing] = []
            if let own = try? CreditCode(validating: code) {
                listings = try await dependencies.listings.links(for: .entity(own), on: today).listings
            }
            let noticed = listings.compactMap { l -> (Listing, ListType, RepairNotice)? in
                guard let type = types.type(l.list),
                    let notice = RepairNotice.make(l, type: type, on: today, rules: .shipped, publication: dependencies.rules)
                else { return nil }
                return (l, type, notice)
            }
            ctx["listings"] = noticed.map { l, type, notice -> [String: Any] in
                let repairFrom: String = notice.repairFrom.map { "\($0) 起" } ?? "不适用"
                let row: [String: Any] = [
                    "id": l.id ?? 0, "list": type.name, "documentNumber": l.documentNumber, "since": l.startsOn.description,
                    "until": l.endsOn?.description ?? "—", "repairFrom": repairFrom, "mayApply": notice.repairFrom != nil,
                    "underObjection": l.underObjection, "notice": notice.text,
                ]
                return row
            }
            ctx["hasListings"] = !noticed.isEmpty
            ctx["hasItems"] = !records.isEmpty || !noticed.isEmpty
            // Its whole file, what the public does not see included (repaired, ended, never published, withdrawn).
            let file = try await dependencies.records.subjectRecords(subjectCode: code, limit: 200)
            ctx["file"] = file.map { r -> [String: Any] in
                [
                    "id": r.id, "category": catalogue.category(r.category)?.name ?? r.category, "documentNumber": r.documentNumber,
                    "department": r.departmentName, "decidedOn": r.decidedOn.description, "state": r.fileLabel(on: today),
                    "public": r.isPublic(on: today),
                ]
            }
            ctx["hasFile"] = !file.isEmpty
            ctx["commitment"] = RepairApplication.commitmentText(
                entityName: principal?.name ?? code,
                entityCode: code,
                documents: ["（所选信息）"],
                date: today
            )
        }
        let entityCode = isEntity ? principal?.entityCode ?? "" : nil
        let departmentCode = isDepartment ? principal?.departmentCode ?? "" : nil
        let cases = try await dependencies.repairs.cases(entityCode: entityCode, departmentCode: departmentCode, limit: 200)
        ctx["repairs"] = cases.map { c -> [String: Any] in
            [
                "id": c.id, "entityCode": c.entityCode, "status": c.status.label, "open": c.status.isOpen, "dueBy": c.dueBy.description,
                "overdue": c.isOverdue(on: today), "items": c.items.map { "\($0.kind == .record ? "记录" : "列入") \($0.id)" }.joined(separator: "、"),
                "reason": c.reason ?? "", "timeline": timeline(c.events),
                // The forms offered are the steps the plan would take now.
                "mayRequest": RepairPlan.refusal(.requestMaterial, on: c) == nil, "mayExtend": RepairPlan.refusal(.extend, on: c) == nil,
                "awaiting": RepairPlan.refusal(.supply, on: c) == nil, "mayReview": RepairPlan.refusal(.review, on: c) == nil,
                "materials": materials(c.materials, path: "/api/v1/repairs/\(c.id)"), "hasMaterials": !c.materials.isEmpty,
            ]
        }
        ctx["hasRepairs"] = !cases.isEmpty
        let objections = try await dependencies.objections.objections(filer: entityCode, departmentCode: departmentCode, limit: 200)
        let filer = ObjectionController.filer(context).1
        ctx["objections"] = objections.map { o -> [String: Any] in
            [
                "id": o.id, "item": "\(o.item == .record ? "记录" : "列入") \(o.itemID)", "grounds": o.grounds, "open": o.status == .accepted,
                "dueBy": o.dueBy.description, "overdue": o.isOverdue(on: today), "outcome": o.outcome?.label ?? "异议处理中",
                "remedy": o.remedy ?? "", "hasRemedy": o.remedy != nil, "timeline": timeline(o.events), "isRecord": o.item == .record,
                "mayExtend": o.departmentCode == principal?.departmentCode && ObjectionPlan.refusal(.extend, on: o) == nil,
                "mayReview": o.filer == filer && ObjectionPlan.refusal(.review, on: o) == nil,
                "onBehalfOf": o.onBehalfOf.map { "代 \($0) 提出（\(o.identityCheck ?? "")）" } ?? "",
                "materials": materials(o.materials, path: "/api/v1/objections/\(o.id)"), "hasMaterials": !o.materials.isEmpty,
            ]
        }
        ctx["hasObjections"] = !objections.isEmpty
        let overdue = cases.filter { $0.isOverdue(on: today) }.count + objections.filter { $0.isOverdue(on: today) }.count
        (ctx["overdue"], ctx["hasOverdue"]) = (overdue, overdue > 0)
        if !isEntity {
            ctx["deadlines"] = try await deadlines(departmentCode: departmentCode, today: today)
        }
        ctx.merge(extra) { $1 }
        return pages.page("repairs", title: "信用修复与异议", context: ctx, viewer: context, status: status)
    }
}
