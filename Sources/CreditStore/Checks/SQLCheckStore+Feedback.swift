import CreditCore
import Foundation
import SQLKit

extension SQLCheckStore {
    public func recordFeedback(checkID: String, _ feedback: CheckFeedback, by: String, accountID: Int?) async throws {
        guard let check = try await check(id: checkID) else {
            throw CheckError(code: "check_not_found", message: "没有编号为 \(checkID.prefix(64)) 的核查 / no check \(checkID.prefix(64))")
        }
        let valid = try feedback.validated(for: check.answer)
        let measures = check.answer.measures + check.answer.incentives
        let now = Timestamp.string(clock.now())
        let exists = CheckError(code: "feedback_exists", message: "该次核查已反馈 / this check was fed back already")
        do {
            try await db.transaction { sql in
                if try await sql.raw("SELECT 1 AS one FROM check_feedback WHERE check_id = \(bind: checkID)").first() != nil { throw exists }
                for item in valid.items {
                    let measure = measures.first { $0.code == item.measure }!
                    try await sql.insert(into: "check_feedback")
                        .columns(
                            "check_id",
                            "measure",
                            "department",
                            "title",
                            "applied",
                            "reason",
                            "case_number",
                            "recorded_at",
                            "recorded_by",
                            "account_id"
                        )
                        .values(
                            SQLBind(checkID),
                            SQLBind(item.measure),
                            SQLBind(measure.department),
                            SQLBind(measure.title),
                            SQLBind(item.applied ? 1 : 0),
                            SQLBind(item.reason),
                            SQLBind(valid.caseNumber),
                            SQLBind(now),
                            SQLBind(by),
                            SQLBind(accountID)
                        ).run()
                }
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw exists  // fed back meanwhile by another request
        }
    }

    public func feedback(checkID: String) async throws -> CheckFeedback? {
        let rows = try await db.read { sql in
            try await sql.raw("SELECT measure, applied, reason, case_number FROM check_feedback WHERE check_id = \(bind: checkID) ORDER BY measure")
                .all()
        }
        guard let first = rows.first else { return nil }
        return CheckFeedback(
            caseNumber: try first.decode(column: "case_number", as: String.self),
            items: try rows.map {
                CheckFeedback.Item(
                    measure: try $0.decode(column: "measure", as: String.self),
                    applied: try $0.decode(column: "applied", as: Int.self) == 1,
                    reason: try $0.decode(column: "reason", as: String?.self)
                )
            }
        )
    }

    public func feedbackSummary(from: LocalDate?, to: LocalDate?) async throws -> FeedbackSummary {
        let start = from.map { SQLAuditTrail.instant(startOf: $0) } ?? ""
        let end = to.map { SQLAuditTrail.instant(startOf: $0.adding(days: 1)) } ?? "9999"
        return try await db.read { sql in
            let fed =
                try await sql.raw(
                    """
                    SELECT count(DISTINCT f.check_id) AS n FROM check_feedback f JOIN credit_checks c ON c.id = f.check_id
                    WHERE c.checked_at >= \(bind: start) AND c.checked_at < \(bind: end)
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            let checks =
                try await sql.raw(
                    "SELECT count(*) AS n FROM credit_checks WHERE measures > 0 AND checked_at >= \(bind: start) AND checked_at < \(bind: end)"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            func counts(_ key: String, _ title: String) async throws -> [FeedbackSummary.Count] {
                try await sql.raw(
                    """
                    SELECT f.\(unsafeRaw: key) AS k, min(f.\(unsafeRaw: title)) AS t, sum(f.applied) AS applied, count(*) - sum(f.applied) AS not_applied
                    FROM check_feedback f JOIN credit_checks c ON c.id = f.check_id
                    WHERE c.checked_at >= \(bind: start) AND c.checked_at < \(bind: end) GROUP BY f.\(unsafeRaw: key) ORDER BY f.\(unsafeRaw: key)
                    """
                ).all().map {
                    FeedbackSummary.Count(
                        key: try $0.decode(column: "k", as: String.self),
                        title: try $0.decode(column: "t", as: String.self),
                        applied: try $0.decode(column: "applied", as: Int.self),
                        notApplied: try $0.decode(column: "not_applied", as: Int.self)
                    )
                }
            }
            return FeedbackSummary(
                checksWithMeasures: checks,
                fedBack: fed,
                measures: try await counts("measure", "title"),
                departments: try await counts("department", "department")
            )
        }
    }

    public func unanswered(limit: Int) async throws -> [UnansweredCheck] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT c.result FROM credit_checks c WHERE c.measures > 0
                AND NOT EXISTS (SELECT 1 FROM check_feedback f WHERE f.check_id = c.id) ORDER BY c.checked_at LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map { row in
                let result = try JSONDecoder().decode(CheckResult.self, from: Data(try row.decode(column: "result", as: String.self).utf8))
                let a = result.answer
                return UnansweredCheck(
                    checkId: a.checkId,
                    checkedAt: a.checkedAt,
                    checker: a.checker,
                    scenario: a.scenario,
                    subject: [a.subject.name, a.subject.code ?? a.subject.idNumber].compactMap { $0 }.joined(separator: " "),
                    measures: (a.measures + a.incentives).map(\.code)
                )
            }
        }
    }
}
