import Foundation

/// The publication periods of adverse records, as versioned rule sets with effective dates. The set in
/// force on a record's decision date applies, and the record keeps the id of the set that was applied.
public struct PublicationRules: Sendable, Codable, Hashable {
    public var sets: [RuleSet]

    public struct Period: Sendable, Codable, Hashable {
        public var minMonths: Int
        public var maxMonths: Int
    }

    public struct WarningOnly: Sendable, Codable, Hashable {
        /// The rule binds departments whose name contains this (market regulation: 总局令第45号 Art. 2); every
        /// department when absent.
        public var departmentNameContains: String?
        /// Punishment kinds that, when they are all a penalty has, keep it unpublished.
        public var kinds: [String]
    }

    /// How a period of months is counted from the decision day.
    public enum Counting: String, Sendable, Codable, Hashable {
        /// 民法典 Art. 201–202: the decision day is not counted, and an N-month period ends on the corresponding day of
        /// the N-th month, or on that month's last day when it has none (decided 2026-09-01, 12 months: through 2027-09-01).
        case civilCode = "civil-code-201-202"
        /// The decision day counted as the first day: the period ends the day before the corresponding day.
        case decisionDayCounted = "decision-day-counted"

        /// The last day of a period of `months` that starts with a decision on `decidedOn`.
        public func lastDay(months: Int, decidedOn: LocalDate) -> LocalDate {
            let corresponding = decidedOn.adding(months: months)
            return self == .civilCode ? corresponding : corresponding.adding(days: -1)
        }
    }

    public struct RuleSet: Sendable, Codable, Hashable {
        public var id: String
        public var effectiveFrom: LocalDate
        public var source: String
        /// How the set's periods are counted.
        public var counting: Counting
        public var periods: [String: Period]
        public var warningOnlyUnpublished: WarningOnly?
        /// Working days after a revocation by which the record must be withdrawn from the platform, when the set times
        /// withdrawals.
        public var withdrawalWorkingDays: Int?
        /// What the punishment kinds say of a penalty's severity, when the set classifies by them.
        public var severityOfKinds: SeverityOfKinds?

        public func period(_ severity: Severity) -> Period? { periods[severity.rawValue] }
    }

    /// The classification of penalties by their kinds (国办发〔2025〕22号, Order 36): some kinds are never minor, and a
    /// penalty of only some kinds is minor.
    public struct SeverityOfKinds: Sendable, Codable, Hashable {
        public var neverMinor: [String]
        public var minorWhenOnly: [String]
        public var source: String

        /// Why `severity` contradicts `kinds`, in Chinese and English, or nil when it does not.
        public func contradiction(severity: Severity, kinds: [String]) -> String? {
            if severity == .minor, let kind = kinds.first(where: neverMinor.contains) {
                return "处罚种类含“\(kind)”，不能定为轻微失信 / a penalty of \(kind) cannot be minor (\(source))"
            }
            if severity != .minor, !kinds.isEmpty, kinds.allSatisfy(minorWhenOnly.contains) {
                return "仅\(kinds.joined(separator: "、"))的处罚为轻微失信，不能定为\(severity.label) / a penalty of only "
                    + "\(kinds.joined(separator: ", ")) is minor, not \(severity.rawValue) (\(source))"
            }
            return nil
        }
    }

    /// The shipped rules, read once.
    public static let shipped: PublicationRules = try! bundled()

    public init(sets: [RuleSet]) { self.sets = sets.sorted { $0.effectiveFrom < $1.effectiveFrom } }

    public static func bundled() throws -> PublicationRules {
        let decoded = try BundledData.decode(PublicationRules.self, named: "publication-rules")
        return PublicationRules(sets: decoded.sets)
    }

    /// The set in force on a date: the latest one effective on or before it.
    public func set(on date: LocalDate) -> RuleSet? { sets.last { $0.effectiveFrom <= date } }
}

/// When a record is public: from the day it was received, no earlier than its decision date, until its
/// last public day (inclusive); `earliestEnd` is the last day of the minimum period, after which repair may end it.
public struct PublicationWindow: Sendable, Codable, Hashable {
    public var ruleSet: String?
    public var from: LocalDate
    public var earliestEnd: LocalDate
    public var until: LocalDate
    /// The maximum period's last day, when the record stays public past it because the department marked its subject's
    /// conduct uncorrected (``Catalogue/Uncorrected``); nil otherwise.
    public var maxUntil: LocalDate?

    public init(ruleSet: String?, from: LocalDate, earliestEnd: LocalDate, until: LocalDate, maxUntil: LocalDate? = nil) {
        self.ruleSet = ruleSet
        self.from = from
        self.earliestEnd = earliestEnd
        self.until = until
        self.maxUntil = maxUntil
    }

    public func contains(_ day: LocalDate) -> Bool { from <= day && day <= until }

    /// The first day repair may be applied for: the day after the minimum period.
    public var repairFrom: LocalDate { earliestEnd.adding(days: 1) }

    /// Why a record is not published, for the record's page and the department.
    public enum NotPublished: String, Error, Sendable, Codable, Hashable {
        case categoryNotPublic = "category-not-public"
        case minorNotPublished = "minor-not-published"
        case warningOnly = "warning-only"
        /// Decided under the simple procedure (简易程序): kept and shared among government, not published.
        case simpleProcedure = "simple-procedure"
        /// About a natural person, in a category public only for entities: shared among government.
        case personNotPublic = "person-not-public"
        case noRuleInForce = "no-rule-in-force"
        case expiredBeforeReceipt = "expired-before-receipt"
        /// The decision was withdrawn (撤销): it leaves the public view at once.
        case revoked
    }

    /// The window of a record, or why it has none.
    /// - Parameters:
    ///   - decidedOn: periods run from the decision date.
    ///   - receivedOn: nothing is public before the platform has it.
    ///   - revoked: a withdrawn decision is not public at all.
    public static func compute(
        category: Catalogue.Category,
        severity: Severity?,
        punishmentKinds: [String],
        procedure: Procedure? = nil,
        aboutPerson: Bool = false,
        listedUntil: LocalDate? = nil,
        uncorrectedUntil: LocalDate? = nil,
        revoked: Bool,
        departmentName: String,
        decidedOn: LocalDate,
        receivedOn: LocalDate,
        rules: PublicationRules
    ) -> Result<PublicationWindow, NotPublished> {
        guard !revoked else { return .failure(.revoked) }
        guard category.disclosure == .public else { return .failure(.categoryNotPublic) }
        guard category.disclosure(aboutPerson: aboutPerson) == .public else { return .failure(.personNotPublic) }
        let from = max(decidedOn, receivedOn)
        let counting = rules.set(on: decidedOn)?.counting ?? .civilCode
        func window(_ rule: String?, min: Int, max: Int) -> Result<PublicationWindow, NotPublished> {
            let maximum = counting.lastDay(months: max, decidedOn: decidedOn)
            // Marked uncorrected, where the category allows it: public through the day the department stated.
            let extended = category.publication.uncorrected != nil ? uncorrectedUntil.flatMap { $0 > maximum ? $0 : nil } : nil
            let until = extended ?? maximum
            guard from <= until else { return .failure(.expiredBeforeReceipt) }
            return .success(
                PublicationWindow(
                    ruleSet: rule,
                    from: from,
                    earliestEnd: counting.lastDay(months: min, decidedOn: decidedOn),
                    until: until,
                    maxUntil: extended == nil ? nil : maximum
                )
            )
        }
        switch category.publication.kind {
        case .none:
            return .failure(.categoryNotPublic)
        case .fixed:
            let months = category.publication.months ?? 36
            return window(nil, min: months, max: months)
        case .court where listedUntil != nil:
            // The court's own term: no minimum of the platform's (the court deletes early), no rule set.
            guard from <= listedUntil! else { return .failure(.expiredBeforeReceipt) }
            return .success(PublicationWindow(ruleSet: nil, from: from, earliestEnd: listedUntil!, until: listedUntil!))
        case .court, .severity:
            // (A court's record stored before the term was asked for keeps the severity window it had.)
            guard let set = rules.set(on: decidedOn) else { return .failure(.noRuleInForce) }
            if procedure == .simple { return .failure(.simpleProcedure) }
            if let rule = set.warningOnlyUnpublished, rule.departmentNameContains.map(departmentName.contains) ?? true, !punishmentKinds.isEmpty,
                punishmentKinds.allSatisfy(rule.kinds.contains)
            {
                return .failure(.warningOnly)
            }
            let severity = severity ?? .general
            if severity == .minor, category.publication.publishMinor != true { return .failure(.minorNotPublished) }
            guard let period = set.period(severity) else { return .failure(.noRuleInForce) }
            return window(set.id, min: period.minMonths, max: period.maxMonths)
        }
    }
}

/// The clock of 国办发〔2019〕35号: a decision is due on the platform some working days after it was made (7 for the
/// administrative acts the seed names; the catalogue says per category).
public struct Timeliness: Sendable, Codable, Hashable {
    /// The clock's length: working days after the decision.
    public var workingDays: Int
    public var dueBy: LocalDate
    public var late: Bool
    /// Working days after `dueBy` (0 when on time).
    public var delayWorkingDays: Int
    /// Whether the days counted run into a year whose holiday arrangement was not loaded, so that the law's own
    /// holidays stood in for it (``StatutoryHolidays``): the clock is counted again when the year is loaded.
    public var estimated: Bool

    public init(workingDays: Int, dueBy: LocalDate, late: Bool, delayWorkingDays: Int, estimated: Bool = false) {
        self.workingDays = workingDays
        self.dueBy = dueBy
        self.late = late
        self.delayWorkingDays = delayWorkingDays
        self.estimated = estimated
    }

    /// The clock of a record decided on `decidedOn` and received on `receivedOn`, due `workingDays` after its decision.
    public init(decidedOn: LocalDate, receivedOn: LocalDate, workingDays: Int, calendar: WorkingDayCalendar) {
        self.workingDays = workingDays
        dueBy = calendar.adding(workingDays: workingDays, to: decidedOn)
        late = receivedOn > dueBy
        delayWorkingDays = late ? calendar.workingDays(from: dueBy, to: receivedOn) : 0
        estimated = !calendar.hasData(from: decidedOn.adding(days: 1), through: late ? receivedOn : dueBy)
    }
}

/// A revoked decision's withdrawal from the platform, timed against the rule's working days from the revocation
/// (山东省社会信用条例 Art. 40, 总局令第45号 Art. 11: 3 working days).
public struct Withdrawal: Sendable, Codable, Hashable {
    public var revokedOn: LocalDate
    /// The withdrawal's clock: due some working days after the revocation.
    public var clock: Timeliness

    public var workingDays: Int { clock.workingDays }
    public var dueBy: LocalDate { clock.dueBy }
    public var late: Bool { clock.late }
    public var delayWorkingDays: Int { clock.delayWorkingDays }

    public init(revokedOn: LocalDate, clock: Timeliness) {
        self.revokedOn = revokedOn
        self.clock = clock
    }

    /// The withdrawal of a decision revoked on `revokedOn` whose revocation reached the platform on `receivedOn`.
    public init(revokedOn: LocalDate, receivedOn: LocalDate, workingDays: Int, calendar: WorkingDayCalendar) {
        self.init(revokedOn: revokedOn, clock: Timeliness(decidedOn: revokedOn, receivedOn: receivedOn, workingDays: workingDays, calendar: calendar))
    }
}
