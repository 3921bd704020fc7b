import Foundation

/// The shared pieces of case steps, throwing this area's errors.
private typealias Step = CaseStep<RepairRules>

extension RepairPlan {
    /// What a step makes of a case: its new status and deadline, the flags it uses up, what the timeline says.
    public struct Stepped: Sendable, Hashable {
        public var status: RepairCase.Status
        public var dueBy: LocalDate
        public var extensionApprovedBy: String?
        public var materialRequested: Bool
        public var reviewed: Bool
        /// The items are open again (a review) or closed (a withdrawal); nil when they stay as they were.
        public var itemsOpen: Bool?
        public var action: String
        public var reason: String?
        public var materials: [CheckedMaterial]
    }

    /// Why a case in `current`'s state does not take `action` now, whoever asks; nil when it does. The department asks
    /// for material once and extends once while the case is open; the applicant supplies what was asked for,
    /// withdraws an open case, and asks once for review of a rejection. (The pages offer what this allows.)
    public static func refusal(_ action: RepairStep.Action, on current: RepairCase) -> RepairError? {
        let closed = RepairError(code: "repair_closed", message: "该申请已\(current.status.label) / this case is closed (\(current.status.rawValue))")
        switch action {
        case .requestMaterial:
            if !current.status.isOpen { return closed }
            if current.materialRequested {
                return RepairError(
                    code: "material_already_requested",
                    message: "补正材料应一次性告知，本件已要求过 / more material is asked for once, in full, and was asked for already"
                )
            }
        case .supply:
            if current.status != .awaitingMaterial {
                return RepairError(code: "no_material_requested", message: "办理部门没有要求补正材料 / no material was asked for")
            }
        case .extend:
            if !current.status.isOpen { return closed }
            if current.extensionApprovedBy != nil {
                return RepairError(code: "already_extended", message: "办理期限只能延长一次 / the clock is extended once only")
            }
        case .withdraw:
            if !current.status.isOpen { return closed }
        case .review:
            if current.status != .rejected {
                return RepairError(code: "review_not_allowed", message: "只有不予修复的申请可以申请复核 / only a rejected case may be reviewed")
            }
            if current.reviewed { return RepairError(code: "review_used", message: "本件已申请过复核 / this case was reviewed once already") }
        }
        return nil
    }

    /// `departmentCode` decided the case's items, or `not_deciding_department` (谁认定、谁修复).
    static func deciding(_ current: RepairCase, departmentCode: String) throws(RepairError) {
        guard departmentCode == current.departmentCode else {
            throw RepairError(
                code: "not_deciding_department",
                message: "谁认定、谁修复：只有作出原决定的部门可以办理 / only the department that decided the items handles the case"
            )
        }
    }

    /// The reason of a decision on `current` by `departmentCode`, or why it cannot be taken.
    /// - Throws: ``RepairError`` `not_deciding_department`, `repair_closed`, `reason_required`.
    public static func decision(_ decision: RepairDecision, on current: RepairCase, departmentCode: String) throws(RepairError) -> String {
        try deciding(current, departmentCode: departmentCode)
        guard current.status.isOpen else {
            throw RepairError(code: "repair_closed", message: "该申请已\(current.status.label)，不能再决定 / this case is closed (\(current.status.rawValue))")
        }
        return try Step.required(decision.reason, zh: "决定理由（reason）", en: "the reason for the decision")
    }

    /// Whether `actor` may take `step` on `current` today, and what it makes of the case (see
    /// ``refusal(_:on:)``): supplied material starts the clock again from that day, a review runs a new one.
    /// - Throws: ``RepairError`` `not_deciding_department`, `not_your_case`, `forbidden` (the other side's step), the
    ///   codes of ``refusal(_:on:)``, `approval_required`, `reason_required`, `material_required`, `invalid_field`,
    ///   and the material codes.
    public static func step(
        _ step: RepairStep,
        on current: RepairCase,
        actor: CaseActor,
        today: LocalDate,
        rules: RepairRules,
        calendar: WorkingDayCalendar
    ) throws(RepairError) -> Stepped {
        let byDepartment: Bool
        switch actor {
        case .department(let code):
            try deciding(current, departmentCode: code)
            byDepartment = true
        case .entity(let code):
            guard code == current.entityCode else {
                throw RepairError(code: "not_your_case", message: "这不是本主体的修复申请 / this repair case is not the applicant's")
            }
            byDepartment = false
        }
        guard (step.action == .requestMaterial || step.action == .extend) == byDepartment else {
            let who = byDepartment ? "申请人 / the applicant" : "办理部门 / the deciding department"
            throw RepairError(code: "forbidden", message: "这一步由\(who)办理")
        }
        if let refusal = refusal(step.action, on: current) { throw refusal }
        if step.action != .supply, step.materials?.isEmpty == false {
            throw RepairError(code: "invalid_field", message: "材料随申请或补正时提交 / materials come with the application or a supply step")
        }
        var next = Stepped(
            status: current.status,
            dueBy: current.dueBy,
            extensionApprovedBy: current.extensionApprovedBy,
            materialRequested: current.materialRequested,
            reviewed: current.reviewed,
            itemsOpen: nil,
            action: step.action.label,
            reason: Step.trimmed(step.reason),
            materials: []
        )
        switch step.action {
        case .requestMaterial:
            next.reason = try Step.required(step.reason, zh: "需补正的全部材料（reason）", en: "everything missing")
            (next.status, next.materialRequested) = (.awaitingMaterial, true)
        case .supply:
            next.materials = try MaterialUpload.checked(step.materials ?? [], already: current.materials.count, limits: rules.materialLimits)
            guard !next.materials.isEmpty || next.reason != nil else {
                throw RepairError(code: "material_required", message: "应提交补正材料或说明 / send the material or a note")
            }
            next.status = .accepted
            next.dueBy = dueBy(acceptedOn: today, extended: current.extensionApprovedBy == nil ? 0 : 1, rules: rules, calendar: calendar)
        case .extend:
            let extended: (approvedBy: String, dueBy: LocalDate, reason: String) = try Step.extend(
                approvedBy: step.approvedBy,
                reason: step.reason,
                dueBy: current.dueBy,
                workingDays: rules.extensionWorkingDays,
                calendar: calendar
            )
            (next.extensionApprovedBy, next.dueBy, next.reason) = extended
        case .withdraw:
            (next.status, next.itemsOpen) = (.withdrawn, false)
        case .review:
            next.reason = try Step.required(step.reason, zh: "复核理由（reason）", en: "the grounds for review")
            (next.status, next.reviewed, next.itemsOpen) = (.accepted, true, true)
            next.dueBy = dueBy(acceptedOn: today, rules: rules, calendar: calendar)
        }
        return next
    }
}
