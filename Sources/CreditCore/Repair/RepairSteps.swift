import Foundation

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

    /// Whether `actor` may take `step` on `current` today, and what it makes of the case. The department asks for
    /// material once and in full and extends once with a named approval; the applicant supplies material (the clock
    /// starts again from that day), withdraws an open case, or asks once for review of a rejection (a new clock).
    /// - Throws: ``RepairError`` `not_deciding_department`, `not_your_case`, `repair_closed`,
    ///   `material_already_requested`, `no_material_requested`, `already_extended`, `approval_required`,
    ///   `reason_required`, `material_required`, `review_not_allowed`, `review_used`, and the material codes.
    public static func step(
        _ step: RepairStep,
        on current: RepairCase,
        actor: CaseActor,
        today: LocalDate,
        rules: RepairRules,
        calendar: WorkingDayCalendar
    ) throws(RepairError) -> Stepped {
        let reason = step.reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        var next = Stepped(
            status: current.status,
            dueBy: current.dueBy,
            extensionApprovedBy: current.extensionApprovedBy,
            materialRequested: current.materialRequested,
            reviewed: current.reviewed,
            itemsOpen: nil,
            action: step.action.label,
            reason: reason,
            materials: []
        )
        let byDepartment: Bool
        switch actor {
        case .department(let code):
            guard code == current.departmentCode else {
                throw RepairError(
                    code: "not_deciding_department",
                    message: "谁认定、谁修复：只有作出原决定的部门可以办理 / only the department that decided the items handles the case"
                )
            }
            byDepartment = true
        case .entity(let code):
            guard code == current.entityCode else {
                throw RepairError(code: "not_your_case", message: "这不是本主体的修复申请 / this repair case is not the applicant's")
            }
            byDepartment = false
        }
        let forDepartment: Set<RepairStep.Action> = [.requestMaterial, .extend]
        guard forDepartment.contains(step.action) == byDepartment else {
            let who = byDepartment ? "申请人 / the applicant" : "办理部门 / the deciding department"
            throw RepairError(code: "forbidden", message: "这一步由\(who)办理")
        }
        if step.action != .review, step.action != .supply, !current.status.isOpen {
            throw RepairError(code: "repair_closed", message: "该申请已\(current.status.label) / this case is closed (\(current.status.rawValue))")
        }
        if step.action != .supply, step.materials?.isEmpty == false {
            throw RepairError(code: "invalid_field", message: "材料随申请或补正时提交 / materials come with the application or a supply step")
        }
        func required(_ what: String) throws(RepairError) -> String {
            guard let reason, reason.count <= 2000 else {
                throw RepairError(code: "reason_required", message: "应写明\(what)（reason，至多 2000 字） / say \(what) in reason")
            }
            return reason
        }
        switch step.action {
        case .requestMaterial:
            guard !current.materialRequested else {
                throw RepairError(
                    code: "material_already_requested",
                    message: "补正材料应一次性告知，本件已要求过 / more material is asked for once, in full, and was asked for already"
                )
            }
            _ = try required("需补正的全部材料")
            (next.status, next.materialRequested) = (.awaitingMaterial, true)
        case .supply:
            guard current.status == .awaitingMaterial else {
                throw RepairError(code: "no_material_requested", message: "办理部门没有要求补正材料 / no material was asked for")
            }
            next.materials = try MaterialUpload.checked(step.materials ?? [], already: current.materials.count, limits: rules.materialLimits)
            guard !next.materials.isEmpty || reason != nil else {
                throw RepairError(code: "material_required", message: "应提交补正材料或说明 / send the material or a note")
            }
            next.status = .accepted
            next.dueBy = calendar.adding(
                workingDays: rules.decideWorkingDays + (current.extensionApprovedBy == nil ? 0 : rules.extensionWorkingDays),
                to: today
            )
        case .extend:
            guard current.extensionApprovedBy == nil else {
                throw RepairError(code: "already_extended", message: "办理期限只能延长一次 / the clock is extended once only")
            }
            guard let approver = step.approvedBy?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty, approver.count <= 100 else {
                throw RepairError(code: "approval_required", message: "延期应写明批准人（approvedBy） / an extension names who approved it (approvedBy)")
            }
            _ = try required("延期理由")
            next.extensionApprovedBy = approver
            next.dueBy = calendar.adding(workingDays: rules.extensionWorkingDays, to: current.dueBy)
            next.reason = "\(reason ?? "")（批准：\(approver)）"
        case .withdraw:
            (next.status, next.itemsOpen) = (.withdrawn, false)
        case .review:
            guard current.status == .rejected else {
                throw RepairError(code: "review_not_allowed", message: "只有不予修复的申请可以申请复核 / only a rejected case may be reviewed")
            }
            guard !current.reviewed else {
                throw RepairError(code: "review_used", message: "本件已申请过复核 / this case was reviewed once already")
            }
            _ = try required("复核理由")
            (next.status, next.reviewed, next.itemsOpen) = (.accepted, true, true)
            next.dueBy = calendar.adding(workingDays: rules.decideWorkingDays, to: today)
        }
        return next
    }
}

extension String {
    /// Nil for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
