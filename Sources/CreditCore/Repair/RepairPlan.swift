import Foundation

/// What the platform knows of a published adverse record when someone asks to repair it.
public struct RepairRecord: Sendable, Hashable {
    public var id: Int
    /// The entity the record is about; nil for a natural person's.
    public var subjectCode: String?
    public var departmentCode: String
    public var departmentName: String
    public var documentNumber: String
    public var punishmentKinds: [String]
    public var status: RecordStatus
    /// Its publication window; nil when it is not published (nothing to stop).
    public var window: PublicationWindow?

    public init(
        id: Int,
        subjectCode: String?,
        departmentCode: String,
        departmentName: String,
        documentNumber: String,
        punishmentKinds: [String],
        status: RecordStatus,
        window: PublicationWindow?
    ) {
        self.id = id
        self.subjectCode = subjectCode
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.documentNumber = documentNumber
        self.punishmentKinds = punishmentKinds
        self.status = status
        self.window = window
    }
}

/// One item of a repair application: stop publishing a penalty early (终止公示), or leave a list early (移出名单).
public enum RepairItem: Sendable, Hashable {
    case record(RepairRecord)
    case listing(Listing, type: ListType)

    public var kind: RepairCase.Item.Kind {
        if case .record = self { .record } else { .listing }
    }

    public var id: Int {
        switch self {
        case .record(let record): record.id
        case .listing(let listing, _): listing.id ?? 0
        }
    }

    public var documentNumber: String {
        switch self {
        case .record(let record): record.documentNumber
        case .listing(let listing, _): listing.documentNumber
        }
    }
}

/// The decisions about a repair application, made before a case exists (国家发展改革委令2025年第36号, 国办发〔2025〕22号;
/// `domain-rules.md` §3c and rule 5). Pure: the store reads the items, the open cases and the rules, and writes what
/// this returns.
public enum RepairPlan {
    /// What an eligible item becomes in a case: who decides it (谁认定、谁修复) and from when it could be repaired.
    public struct Eligible: Sendable, Hashable {
        public var departmentCode: String
        public var firstEligibleDay: LocalDate
    }

    /// The first day repair may be applied for: the day after the minimum publication period of the record's class;
    /// for a list entry, after the minimum period of serious dishonesty (严重失信, the class of every list entry)
    /// counted from its start, under the publication rule set in force then.
    public static func firstEligibleDay(_ item: RepairItem, publication: PublicationRules) -> LocalDate? {
        switch item {
        case .record(let record):
            return record.window?.repairFrom
        case .listing(let listing, let type):
            guard let set = publication.set(on: listing.startsOn), let period = set.period(.serious) else { return nil }
            let months = max(period.minMonths, type.repairAfterMonths ?? 0)
            return set.counting.lastDay(months: months, decidedOn: listing.startsOn).adding(days: 1)
        }
    }

    /// Why entries of a list are not left early by repair, or nil when they may be: an incentive list needs none, a
    /// court's list is the court's to delete, and a list without an early-removal rule (a statutory ban) runs its term.
    public static func notRepairable(_ type: ListType) -> String? {
        if type.kind == .red { return "守信名单无需修复" }
        if type.recordCategory != nil { return "以法院删除为准" }
        if type.earlyRemoval == nil { return "无提前移出规定，期满移出（\(type.basis)）" }
        return nil
    }

    /// Whether `applicant` (an entity's credit code) may apply to repair `item` on `today`, or why not.
    /// - Parameter openCase: the id of a case already open for the item, if any.
    /// - Throws: ``RepairError`` `not_your_item`, `repair_not_needed`, `not_repairable`, `repair_not_yet_eligible`
    ///   (naming the first eligible day), `repair_case_open`.
    public static func eligibility(
        _ item: RepairItem,
        applicant: String,
        today: LocalDate,
        rules: RepairRules,
        publication: PublicationRules,
        openCase: Int?
    ) throws(RepairError) -> Eligible {
        let department: String
        switch item {
        case .record(let record):
            guard record.subjectCode == applicant else { throw notYours("record \(record.id)", "记录 \(record.id)") }
            guard record.status == .active, let window = record.window, window.contains(today) else {
                throw RepairError(
                    code: "repair_not_needed",
                    message: "记录 \(record.id) 未在公示（未公开、已撤销或已期满），无需修复 / record \(record.id) is not published: nothing to repair"
                )
            }
            if let excluded = rules.exclusion(kinds: record.punishmentKinds, departmentName: record.departmentName) {
                throw RepairError(
                    code: "not_repairable",
                    message:
                        "处罚含“\(excluded.kind)”，依\(excluded.basis)不得提前停止公示，公示至 \(window.until) / a penalty of \(excluded.kind) stays public for its whole period (\(excluded.basis)), until \(window.until)"
                )
            }
            department = record.departmentCode
        case .listing(let listing, let type):
            guard listing.subjectCode == applicant else { throw notYours("listing \(listing.id ?? 0)", "列入 \(listing.id ?? 0)") }
            guard listing.isActive(on: today) else {
                throw RepairError(
                    code: "repair_not_needed",
                    message: "该列入已\(listing.state(on: today).label)，无需修复 / this listing is not in force: nothing to repair"
                )
            }
            if let why = notRepairable(type) {
                throw RepairError(code: "not_repairable", message: "\(type.name)\(why) / entries of \(type.code) are not repaired here")
            }
            department = listing.departmentCode
        }
        guard let first = firstEligibleDay(item, publication: publication) else {
            throw RepairError(code: "not_repairable", message: "没有适用的公示期限规则 / no publication rule applies to this item")
        }
        guard today >= first else {
            throw RepairError(
                code: "repair_not_yet_eligible",
                message: "最短公示期未满：\(first) 起可以申请信用修复 / the minimum period has not passed: apply on or after \(first)"
            )
        }
        if let openCase {
            throw RepairError(
                code: "repair_case_open",
                message: "该事项已有办理中的修复申请（编号 \(openCase)） / repair case \(openCase) for this item is still open"
            )
        }
        return Eligible(departmentCode: department, firstEligibleDay: first)
    }

    /// What an accepted application becomes: its department, its items, the commitment signed and the deadline.
    public struct Accepted: Sendable, Hashable {
        public var departmentCode: String
        public var items: [RepairCase.Item]
        public var commitment: String
        public var dueBy: LocalDate
    }

    /// Accepts an application when every item is eligible, all were decided by one department (谁认定、谁修复) and the
    /// applicant made the commitment the rules ask for.
    /// - Parameter openCases: the open case of each item, by ``RepairItem/kind`` and ``RepairItem/id`` (`record:7`).
    /// - Throws: ``RepairError``: the codes of ``eligibility(_:applicant:today:rules:publication:openCase:)``,
    ///   `repair_items_across_departments`, `commitment_required`.
    public static func accept(
        _ items: [RepairItem],
        applicant: String,
        entityName: String,
        commitmentAccepted: Bool,
        openCases: [String: Int],
        today: LocalDate,
        rules: RepairRules,
        publication: PublicationRules,
        calendar: WorkingDayCalendar
    ) throws(RepairError) -> Accepted {
        var accepted: [RepairCase.Item] = []
        var departments = Set<String>()
        for item in items {
            let eligible = try eligibility(
                item,
                applicant: applicant,
                today: today,
                rules: rules,
                publication: publication,
                openCase: openCases["\(item.kind.rawValue):\(item.id)"]
            )
            departments.insert(eligible.departmentCode)
            accepted.append(RepairCase.Item(kind: item.kind, id: item.id, firstEligibleDay: eligible.firstEligibleDay))
        }
        guard departments.count == 1, let department = departments.first else {
            throw RepairError(
                code: "repair_items_across_departments",
                message: "谁认定、谁修复：不同部门作出的事项请分别申请 / items decided by different departments go in separate applications"
            )
        }
        if rules.commitmentRequired, !commitmentAccepted {
            throw RepairError(
                code: "commitment_required",
                message: "申请信用修复应作出信用修复承诺（commitment.accepted = true） / a repair application carries the applicant's commitment"
            )
        }
        return Accepted(
            departmentCode: department,
            items: accepted,
            commitment: RepairApplication.commitmentText(
                entityName: entityName,
                entityCode: applicant,
                documents: items.map(\.documentNumber),
                date: today
            ),
            dueBy: dueBy(acceptedOn: today, rules: rules, calendar: calendar)
        )
    }

    /// The deciding department's deadline for a case accepted on `acceptedOn`, in working days, with `extended` extensions.
    public static func dueBy(acceptedOn: LocalDate, extended: Int = 0, rules: RepairRules, calendar: WorkingDayCalendar) -> LocalDate {
        calendar.adding(workingDays: rules.decideWorkingDays + extended * rules.extensionWorkingDays, to: acceptedOn)
    }

    static func notYours(_ en: String, _ zh: String) -> RepairError {
        RepairError(code: "not_your_item", message: "\(zh) 不是申请主体的信用信息 / \(en) is not about the applicant")
    }
}
