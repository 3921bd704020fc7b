import Foundation

/// What an approving department did with a check (奖惩反馈): for each measure and incentive the check named, applied or
/// not (with the reason), under the case number of the approval.
public struct CheckFeedback: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var measure: String
        public var applied: Bool
        public var reason: String?

        public init(measure: String, applied: Bool, reason: String? = nil) {
            self.measure = measure
            self.applied = applied
            self.reason = reason
        }
    }

    public var caseNumber: String
    public var items: [Item]

    public init(caseNumber: String, items: [Item]) {
        self.caseNumber = caseNumber
        self.items = items
    }

    /// The feedback with its texts trimmed, or why it does not fit the check: every measure and incentive of the
    /// check once, none other (only catalogued measures named by the check may be applied), a reason for each one not
    /// applied, a case number.
    public func validated(for answer: CheckAnswer) throws(CheckError) -> CheckFeedback {
        let caseNumber = caseNumber.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !caseNumber.isEmpty, caseNumber.count <= 100 else {
            throw CheckError(code: "missing_field", message: "缺少办件编号（caseNumber） / caseNumber is required (at most 100 characters)")
        }
        let named = answer.measures.map(\.code) + answer.incentives.map(\.code)
        guard !named.isEmpty else {
            throw CheckError(
                code: "nothing_to_feed_back",
                message: "该次核查没有应适用的措施，无需反馈 / the check named no measure: there is nothing to report"
            )
        }
        var seen = Set<String>()
        var items: [Item] = []
        for item in self.items {
            guard named.contains(item.measure) else {
                throw CheckError(
                    code: "measure_not_in_check",
                    message: "措施 \(item.measure) 不是该次核查列出的措施（\(named.joined(separator: "、"))） / measure \(item.measure) is not one the check named"
                )
            }
            guard seen.insert(item.measure).inserted else {
                throw CheckError(code: "invalid_field", message: "措施 \(item.measure) 反馈了两次 / measure \(item.measure) appears twice")
            }
            let reason = item.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            if !item.applied && (reason ?? "").isEmpty {
                throw CheckError(
                    code: "reason_required",
                    message: "未适用措施 \(item.measure) 应说明理由（reason） / say why measure \(item.measure) was not applied"
                )
            }
            items.append(Item(measure: item.measure, applied: item.applied, reason: reason?.isEmpty == true ? nil : reason))
        }
        let missing = named.filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw CheckError(
                code: "feedback_incomplete",
                message: "还有措施未反馈：\(missing.joined(separator: "、")) / every measure of the check needs feedback: \(missing.joined(separator: ", "))"
            )
        }
        return CheckFeedback(caseNumber: caseNumber, items: items)
    }
}

/// What the credit office sees of the feedback: applications per measure and per implementing department.
public struct FeedbackSummary: Sendable, Hashable, Codable {
    public struct Count: Sendable, Hashable, Codable {
        public var key: String
        public var title: String
        public var applied: Int
        public var notApplied: Int

        public init(key: String, title: String, applied: Int, notApplied: Int) {
            self.key = key
            self.title = title
            self.applied = applied
            self.notApplied = notApplied
        }
    }

    /// Checks that named a measure, and how many of them were fed back.
    public var checksWithMeasures: Int
    public var fedBack: Int
    public var measures: [Count]
    public var departments: [Count]

    public init(checksWithMeasures: Int, fedBack: Int, measures: [Count], departments: [Count]) {
        self.checksWithMeasures = checksWithMeasures
        self.fedBack = fedBack
        self.measures = measures
        self.departments = departments
    }
}

/// A check that named measures and has no feedback yet.
public struct UnansweredCheck: Sendable, Hashable, Codable {
    public var checkId: String
    public var checkedAt: String
    public var checker: String
    public var scenario: String
    public var subject: String
    public var measures: [String]
    /// The last working day feedback was due.
    public var dueBy: String?

    public init(checkId: String, checkedAt: String, checker: String, scenario: String, subject: String, measures: [String], dueBy: String? = nil) {
        self.checkId = checkId
        self.checkedAt = checkedAt
        self.checker = checker
        self.scenario = scenario
        self.subject = subject
        self.measures = measures
        self.dueBy = dueBy
    }

    /// The ones whose feedback was due more than `workingDays` working days after the day of the check, before today.
    public static func overdue(_ checks: [UnansweredCheck], workingDays: Int, today: LocalDate, calendar: WorkingDayCalendar) -> [UnansweredCheck] {
        checks.compactMap { check in
            guard let day = LocalDate(shanghaiDayOf: check.checkedAt) else { return nil }
            let due = calendar.adding(workingDays: workingDays, to: day)
            guard due < today else { return nil }
            var late = check
            late.dueBy = due.description
            return late
        }
    }
}
