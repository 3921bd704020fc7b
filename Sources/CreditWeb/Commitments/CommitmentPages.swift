import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// `/commitments`: an entity's account reads the item list and signs a commitment on its template; a department sees
/// the commitments made to it, overdue verifications first, and records what it found; the credit office sees all.
struct CommitmentPages: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        routes.get("commitments", .roles([.entity, .department, .creditOffice]), use: page)
        routes.post("commitments", .roles([.entity]), use: sign)
        routes.post("commitments/{id}/verification", .roles([.department]), use: verify)
    }

    @Sendable func page(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try await render(context, extra: [:])
    }

    /// `POST /commitments` (an entity): signs the item's template in force with the fields of the form.
    @Sendable func sign(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let item = context.form["item"] ?? ""
        let template = try await dependencies.commitments.items().item(item)?.template(on: dependencies.clock.today())
        var fields: [String: String] = [:]
        for field in template?.fields ?? [] { fields[field.name] = context.form["field.\(field.name)"] ?? "" }
        do {
            let signed = try await dependencies.commitments.sign(
                CommitmentRequest(item: item, templateVersion: context.form["templateVersion"] ?? "", fields: fields),
                subjectCode: context.principal?.entityCode ?? "",
                signedBy: context.principal?.name ?? "",
                onBehalfOf: nil
            )
            let due = signed.verifyBy.map { "，\($0) 前核查" } ?? ""
            return try await render(context, extra: ["done": "承诺 \(signed.id) 已签署，平台已签章存证\(due)。"])
        } catch let error as CommitmentError {
            return try await render(context, extra: ["problem": error.message], status: CommitmentController.apiError(error).status)
        }
    }

    /// `POST /commitments/{id}/verification` (the department it was made to).
    @Sendable func verify(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let id = context.parameters.get("id").flatMap { Int($0) } ?? 0
        guard let outcome = Commitment.Outcome(rawValue: context.form["outcome"] ?? "") else {
            return try await render(context, extra: ["problem": "请选择核查结果 / choose an outcome"], status: .badRequest)
        }
        do {
            let verified = try await dependencies.commitments.verify(
                id: id,
                outcome,
                reason: context.form["reason"] ?? "",
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            let record = verified.recordId.map { "，已记入失信信息（记录 \($0)）" } ?? ""
            return try await render(context, extra: ["done": "承诺 \(verified.id)：\(outcome.label)\(record)。"])
        } catch let error as CommitmentError {
            return try await render(context, extra: ["problem": error.message], status: CommitmentController.apiError(error).status)
        }
    }

    func render(_ context: CreditRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let today = dependencies.clock.today()
        let principal = context.principal
        let isEntity = principal?.role == .entity
        let isDepartment = principal?.role == .department
        var ctx: [String: Any] = ["isEntity": isEntity, "isDepartment": isDepartment]
        let list = try await dependencies.commitments.items()
        if isEntity {
            ctx["items"] = list.items.compactMap { item -> [String: Any]? in
                guard let template = item.template(on: today) else { return nil }
                return [
                    "code": item.code, "name": item.name, "type": item.type.label, "authority": item.authority, "basis": item.basis,
                    "conditions": item.conditions.joined(separator: "；"), "consequences": item.consequences,
                    "verification": item.verification.map { "\($0.what)，\($0.workingDays) 个工作日内" } ?? "日常监管中核查",
                    "template": template.text, "templateVersion": template.version, "gated": item.type.isGated,
                    "fields": template.fields.map { ["name": $0.name, "label": $0.label, "maxLength": $0.maxLength, "required": $0.required] },
                ]
            }
        }
        let commitments = try await dependencies.commitments.commitments(
            subjectCode: isEntity ? principal?.entityCode ?? "" : nil,
            departmentCode: isDepartment ? principal?.departmentCode ?? "" : nil,
            limit: 200
        )
        // Overdue verifications first, then the newest.
        let ordered = commitments.filter { $0.isOverdue(on: today) } + commitments.filter { !$0.isOverdue(on: today) }
        ctx["commitments"] = ordered.map { c -> [String: Any] in
            [
                "id": c.id, "item": list.item(c.item)?.name ?? c.item, "subject": "\(c.subjectName)（\(c.subjectCode)）",
                "signedAt": BeijingTime.minute(c.signedAt), "verifyBy": c.verifyBy?.description ?? "—", "overdue": c.isOverdue(on: today),
                "state": c.outcome?.label ?? (c.verifyBy == nil ? "已公开承诺" : "待核查"), "open": c.outcome == nil && c.verifyBy != nil,
                "text": c.text, "textHash": c.textHash, "onBehalf": c.onBehalf, "reason": c.reason ?? "",
                "record": c.recordId.map { "记录 \($0)" } ?? "",
            ]
        }
        ctx["hasCommitments"] = !commitments.isEmpty
        let overdue = commitments.filter { $0.isOverdue(on: today) }.count
        ctx["overdue"] = overdue
        ctx["hasOverdue"] = overdue > 0
        // Voluntary information: the entity's own submissions, or those a department (or the office) reviews.
        let submissions = try await dependencies.voluntary.submissions(
            subjectCode: isEntity ? principal?.entityCode ?? "" : nil,
            departmentCode: isDepartment ? principal?.departmentCode ?? "" : nil,
            limit: 200
        )
        ctx["submissions"] = submissions.map { v -> [String: Any] in
            [
                "id": v.id, "kind": v.kind.label, "title": v.title, "content": v.content, "subject": "\(v.subjectName)（\(v.subjectCode)）",
                "status": v.status.label, "pending": v.status == .pending, "reason": v.reason ?? "",
                "reviewed": v.reviewedBy.map { "\($0)，\(v.reviewedOn?.description ?? "")" } ?? "",
                "materials": v.materials.map { ["name": $0.name, "href": "/api/v1/voluntary/\(v.id)/materials/\($0.number)"] },
            ]
        }
        ctx["hasSubmissions"] = !submissions.isEmpty
        if isEntity {
            ctx["kinds"] = VoluntarySubmission.Kind.allCases.map { ["code": $0.rawValue, "label": $0.label] }
            ctx["departments"] = try await dependencies.registry.fetchDepartments().map { ["code": $0.code, "name": $0.name] }
        }
        ctx["mayReview"] = !isEntity
        for (key, value) in extra { ctx[key] = value }
        return pages.page("commitments", title: "信用承诺", context: ctx, viewer: context, status: status)
    }
}
