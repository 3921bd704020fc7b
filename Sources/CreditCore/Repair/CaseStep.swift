import Foundation

/// What repair and objection cases share in their steps: the free text a step must carry (a reason, grounds, an
/// approver's name) and the one extension of a department's clock with a named approval.
enum CaseStep<Area> {
    /// `text` trimmed; nil when missing or blank.
    static func trimmed(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// `text` trimmed, or `code` when it is missing, blank or longer than `limit` characters.
    static func required(
        _ text: String?,
        limit: Int = 2000,
        code: String = "reason_required",
        zh: String,
        en: String
    ) throws(AreaError<Area>) -> String {
        guard let text = trimmed(text), text.count <= limit else {
            throw AreaError(code: code, message: "应写明\(zh)（至多 \(limit) 字） / \(en) is required (at most \(limit) characters)")
        }
        return text
    }

    /// The clock's one extension (the plans refuse a second): who approved it, the new last day (`workingDays` after
    /// the current one) and the reason as the timeline shows it.
    /// - Throws: `approval_required`, `reason_required`.
    static func extend(
        approvedBy: String?,
        reason: String?,
        dueBy: LocalDate,
        workingDays: Int,
        calendar: WorkingDayCalendar
    ) throws(AreaError<Area>) -> (approvedBy: String, dueBy: LocalDate, reason: String) {
        let approver: String = try required(
            approvedBy,
            limit: 100,
            code: "approval_required",
            zh: "延期批准人（approvedBy）",
            en: "who approved the extension"
        )
        let reason: String = try required(reason, zh: "延期理由（reason）", en: "the reason for the extension")
        return (approver, calendar.adding(workingDays: workingDays, to: dueBy), "\(reason)（批准：\(approver)）")
    }
}
