import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

extension CheckController {
    /// `/checks`: the form an approval officer fills (scenario, purpose, one subject or a pasted list).
    @Sendable func checksPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        try await render(context, form: [:], extra: [:])
    }

    /// `POST /checks`: runs the checks as `POST /api/v1/checks` does and shows each answer with its receipt, to print.
    @Sendable func runOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let form = context.form
        var problems: [String] = []
        var subjects: [CheckSubject] = []
        let lines = (form["subjects"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for (i, line) in lines.enumerated() {
            let upper = line.uppercased()
            if let code = try? CreditCode(validating: upper) {
                subjects.append(.entity(code))
            } else if let number = try? IdentityNumber(validating: upper) {
                subjects.append(.person(number))
            } else {
                problems.append("第 \(i + 1) 行“\(line.prefix(40))”不是有效的统一社会信用代码或身份证号码 / line \(i + 1) is neither a credit code nor an identity number")
            }
        }
        if lines.isEmpty { problems.append("请填写要核查的统一社会信用代码或身份证号码 / enter at least one subject") }
        if lines.count > CheckRequest.batchLimit {
            problems.append("一次最多核查 \(CheckRequest.batchLimit) 个主体 / at most \(CheckRequest.batchLimit) subjects at once")
        }
        let industry = (form["industry"] ?? "").isEmpty ? nil : form["industry"]
        guard problems.isEmpty else { return try await render(context, form: form, extra: ["problems": problems], status: .badRequest) }
        let checks = subjects.map { CheckRequest(subject: $0, scenario: form["scenario"] ?? "", purpose: form["purpose"] ?? "", industry: industry) }
        let results: [CheckResult]
        do {
            results = try await run(checks, context: context)
        } catch let error as APIError {
            return try await render(context, form: form, extra: ["problems": [error.message]], status: error.status)
        }
        return try await render(context, form: form, extra: ["results": results.map(Self.view), "hasResults": !results.isEmpty])
    }

    /// One check as the page shows it.
    static func view(_ result: CheckResult) -> [String: Any] {
        let a = result.answer
        let r = result.receipt
        return [
            "checkId": a.checkId,
            "checkedAt": BeijingTime.minute(a.checkedAt),
            "subject": a.subject.code ?? a.subject.idNumber ?? "",
            "subjectName": a.subject.name ?? "（登记信息中无此人）",
            "clean": a.result == CheckAnswer.noListings,
            "listings": a.listings.map { e -> [String: Any] in
                [
                    "listName": e.listName, "kind": e.kind, "via": Self.viaLabel(e.via),
                    "party": e.party.map { $0.name + " " + ($0.code ?? $0.idNumber ?? "") } ?? false,
                    "since": e.since, "until": e.until ?? "以决定为准", "documentNumber": e.documentNumber, "authority": e.authority,
                    "industries": e.industries?.joined(separator: "、") ?? false,
                ]
            },
            "hasListings": !a.listings.isEmpty,
            "measures": a.measures.map(Self.measureView),
            "incentives": a.incentives.map(Self.measureView),
            "hasMeasures": !a.measures.isEmpty,
            "hasIncentives": !a.incentives.isEmpty,
            "mayFeedBack": !(a.measures.isEmpty && a.incentives.isEmpty),
            "scenario": a.scenario,
            "purpose": a.purpose,
            "rules": a.rules,
            "logSize": r.dataVersion.logSize,
            "checkpoint": r.dataVersion.checkpointSize.map { "第 \($0) 条处的已签名检查点 \(r.dataVersion.checkpointRoot?.prefix(16) ?? "")…" } ?? "尚无签名检查点",
            "digest": r.answerDigest,
            "keyId": r.keyId,
            "signature": r.signature ?? "",
            "json": (try? CanonicalJSON.text(result)) ?? "",
        ]
    }

    static func measureView(_ m: CheckAnswer.AppliedMeasure) -> [String: Any] {
        [
            "code": m.code, "title": m.title, "basis": m.basis, "department": m.department, "via": m.via.map(viaLabel).joined(separator: "、"),
            "industries": m.industries?.joined(separator: "、") ?? false,
        ]
    }

    static func viaLabel(_ via: String) -> String { via == "self" ? "本主体" : PersonRole(rawValue: via)?.label ?? via }

    func render(
        _ context: CreditRequestContext,
        form: [String: String],
        extra: [String: Any],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let types = try await dependencies.listTypes.versions().inForce(on: dependencies.clock.today())
        let chosen = form["scenario"] ?? Scenario.fixedCodes[0]
        let industry = form["industry"] ?? ""
        var ctx: [String: Any] = [
            "scenarios": types.scenarioList.map { ["code": $0.code, "name": $0.name, "selected": $0.code == chosen] },
            "industries": dependencies.tables.sections.flatMap { section in
                section.divisions.map { ["code": $0.division, "name": "\($0.division) \($0.name)", "selected": $0.division == industry] }
            },
            "purpose": form["purpose"] ?? "",
            "subjects": form["subjects"] ?? "",
        ]
        ctx.merge(extra) { $1 }
        if (extra["problems"] as? [String])?.isEmpty == false { ctx["hasProblems"] = true }
        return pages.page("checks", title: "信用核查", context: ctx, viewer: context, status: status)
    }

    /// `/checks/verify` (anyone): paste a check or give its id.
    @Sendable func verifyPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try? QueryParameters(request, allowed: ["id"])
        if let id = params?["id"], !id.isEmpty { return try await verified(byID: id, context: context) }
        let key = dependencies.checks.receiptKey
        return pages.page("check-verify", title: "核查回执验证", context: ["keyId": key.keyId, "publicKey": key.publicKey], viewer: context)
    }

    /// `POST /checks/verify`: the pasted JSON, or the id, verified.
    @Sendable func verifyOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let document = context.form["document"] ?? ""
        if document.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let id = context.form["id"], !id.isEmpty {
            return try await verified(byID: id.trimmingCharacters(in: .whitespaces), context: context)
        }
        let outcome = try await dependencies.checks.verify(document: Data(document.utf8))
        return verificationPage(outcome, document: document, context: context)
    }

    func verified(byID id: String, context: CreditRequestContext) async throws -> Response {
        guard id.count <= 64, let stored = try await dependencies.checks.check(id: id) else {
            let outcome = ReceiptVerification(
                signatureValid: false,
                signedByThisPlatform: false,
                answerUnchanged: false,
                matchesStoredCheck: false,
                answer: nil,
                problems: ["本平台没有编号为 \(id.prefix(64)) 的核查 / this platform holds no check with that id"]
            )
            return verificationPage(outcome, document: "", context: context, status: .notFound)
        }
        return verificationPage(try await dependencies.checks.verify(document: try CanonicalJSON.encode(stored)), document: "", context: context)
    }

    func verificationPage(_ v: ReceiptVerification, document: String, context: CreditRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        let key = dependencies.checks.receiptKey
        let ctx: [String: Any] = [
            "verified": true,
            "valid": v.valid,
            "signatureValid": v.signatureValid,
            "signedByThisPlatform": v.signedByThisPlatform,
            "answerUnchanged": v.answerUnchanged,
            "matchesStoredCheck": v.matchesStoredCheck,
            "checkId": v.checkId ?? "",
            "checkedAt": v.checkedAt.map(BeijingTime.minute) ?? "",
            "subjectName": v.subjectName ?? "",
            "scenario": v.scenario ?? "",
            "clean": v.result == CheckAnswer.noListings,
            "result": v.result ?? "",
            "problems": v.problems,
            "hasProblems": !v.problems.isEmpty,
            "document": document,
            "keyId": key.keyId,
            "publicKey": key.publicKey,
        ]
        return pages.page("check-verify", title: "核查回执验证", context: ctx, viewer: context, status: status)
    }
}
