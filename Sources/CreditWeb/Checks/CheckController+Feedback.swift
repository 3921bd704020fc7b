import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

extension CheckController {
    struct FeedbackDTO: ResponseEncodable, Sendable {
        var checkId: String
        var caseNumber: String
        var items: [CheckFeedback.Item]
    }

    /// `POST /api/v1/check/{id}/feedback`: `{"caseNumber", "items": [{"measure", "applied", "reason"?}]}` → 201.
    @Sendable func recordFeedback(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<FeedbackDTO> {
        _ = try QueryParameters(request, allowed: [])
        let id = context.parameters.get("id") ?? ""
        let body = try await request.readBody(upTo: 64 << 10)
        guard let feedback = try? JSONDecoder().decode(CheckFeedback.self, from: Data(body.readableBytesView)) else {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为 {\"caseNumber\", \"items\": [{\"measure\", \"applied\", \"reason\"?}]} / the body must be the feedback"
            )
        }
        try await store(feedback, checkID: id, context: context)
        return EditedResponse(status: .created, response: FeedbackDTO(checkId: id, caseNumber: feedback.caseNumber, items: feedback.items))
    }

    func store(_ feedback: CheckFeedback, checkID: String, context: CreditRequestContext) async throws {
        do {
            try await dependencies.checks.recordFeedback(
                checkID: String(checkID.prefix(64)),
                feedback,
                by: context.principal?.name ?? "",
                accountID: context.principal?.accountID
            )
        } catch let error as CheckError {
            throw error.code == "feedback_exists" ? APIError(.conflict, code: error.code, message: error.message) : Self.apiError(error)
        }
    }

    /// `GET /api/v1/feedback[?from=&to=]` (the credit office).
    @Sendable func feedbackSummary(_ request: Request, context: CreditRequestContext) async throws -> FeedbackSummary {
        let params = try QueryParameters(request, allowed: ["from", "to"])
        func day(_ name: String) throws -> LocalDate? {
            guard let text = params[name], !text.isEmpty else { return nil }
            guard let d = LocalDate(text) else { throw APIError.invalidParameter(name, "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            return d
        }
        return try await dependencies.checks.feedbackSummary(from: try day("from"), to: try day("to"))
    }

    struct OverdueDTO: ResponseEncodable, Sendable {
        var workingDays: Int
        var items: [UnansweredCheck]
    }

    /// The checks never fed back `workingDays` (default 5) working days after they were made.
    func overdueChecks(_ request: Request) async throws -> OverdueDTO {
        let params = try QueryParameters(request, allowed: ["workingDays"])
        var days = 5
        if let text = params["workingDays"], !text.isEmpty {
            guard let n = Int(text), (1...60).contains(n) else {
                throw APIError.invalidParameter("workingDays", "应为 1 到 60 之间的整数 / must be a whole number from 1 to 60")
            }
            days = n
        }
        let late = UnansweredCheck.overdue(
            try await dependencies.checks.unanswered(limit: 1000),
            workingDays: days,
            today: dependencies.clock.today(),
            calendar: dependencies.calendar
        )
        return OverdueDTO(workingDays: days, items: late)
    }

    /// `GET /api/v1/feedback/overdue[?workingDays=N]` (the credit office).
    @Sendable func overdue(_ request: Request, context: CreditRequestContext) async throws -> OverdueDTO {
        try await overdueChecks(request)
    }

    /// `/feedback` (the credit office): counts per measure and department, and the checks never fed back.
    @Sendable func feedbackPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let overdue: OverdueDTO
        do { overdue = try await overdueChecks(request) } catch let error as APIError {
            return pages.page("error", title: "参数有误", context: ["status": "400", "message": error.message], viewer: context, status: .badRequest)
        }
        let summary = try await dependencies.checks.feedbackSummary(from: nil, to: nil)
        func rows(_ counts: [FeedbackSummary.Count]) -> [[String: Any]] {
            counts.map { ["key": $0.key, "title": $0.title, "applied": $0.applied, "notApplied": $0.notApplied] }
        }
        let ctx: [String: Any] = [
            "checksWithMeasures": summary.checksWithMeasures, "fedBack": summary.fedBack,
            "measures": rows(summary.measures), "departments": rows(summary.departments),
            "workingDays": overdue.workingDays,
            "overdue": overdue.items.map {
                [
                    "checkId": $0.checkId, "checkedAt": BeijingTime.minute($0.checkedAt), "checker": $0.checker, "subject": $0.subject,
                    "measureList": $0.measures.joined(separator: "、"), "dueBy": $0.dueBy ?? "",
                ] as [String: Any]
            },
        ]
        return pages.page("feedback", title: "奖惩反馈", context: ctx, viewer: context)
    }

    /// `/checks/{id}`: one stored check, with its feedback or the form to record it.
    @Sendable func checkPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        try await renderCheck(context.parameters.get("id") ?? "", context: context, problems: [])
    }

    func renderCheck(_ id: String, context: CreditRequestContext, problems: [String], status: HTTPResponse.Status = .ok) async throws -> Response {
        guard id.count <= 64, let result = try await dependencies.checks.check(id: id) else {
            return pages.page(
                "error",
                title: "未找到",
                context: ["status": "404", "message": "没有这次核查 / no such check"],
                viewer: context,
                status: .notFound
            )
        }
        var ctx = Self.view(result)
        ctx["mayFeedBack"] = false
        if let feedback = try await dependencies.checks.feedback(checkID: id) {
            ctx["feedback"] = [
                "caseNumber": feedback.caseNumber,
                "items": feedback.items.map { ["measure": $0.measure, "applied": $0.applied, "reason": $0.reason ?? ""] as [String: Any] },
            ]
        } else if !(result.answer.measures.isEmpty && result.answer.incentives.isEmpty) {
            ctx["askFeedback"] = true
            ctx["measureChoices"] = (result.answer.measures + result.answer.incentives).map { ["code": $0.code, "title": $0.title] }
        }
        ctx["problems"] = problems
        ctx["hasProblems"] = !problems.isEmpty
        return pages.page("check", title: "信用核查 \(id)", context: ctx, viewer: context, status: status)
    }

    /// `POST /checks/{id}/feedback`: the form's choices recorded as `POST /api/v1/check/{id}/feedback` records them.
    @Sendable func feedbackOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let result = try await dependencies.checks.check(id: id) else { return try await renderCheck(id, context: context, problems: []) }
        let form = context.form
        let items = (result.answer.measures + result.answer.incentives).map {
            CheckFeedback.Item(measure: $0.code, applied: form["applied-\($0.code)"] != "no", reason: form["reason-\($0.code)"])
        }
        do {
            try await store(CheckFeedback(caseNumber: form["caseNumber"] ?? "", items: items), checkID: id, context: context)
        } catch let error as APIError {
            return try await renderCheck(id, context: context, problems: [error.message], status: error.status)
        }
        return try await renderCheck(id, context: context, problems: [])
    }
}

extension FeedbackSummary: ResponseEncodable {}
