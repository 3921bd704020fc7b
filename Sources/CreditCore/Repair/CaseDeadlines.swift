import Foundation

/// The two kinds of case with a department's clock.
public enum CaseKind: String, Sendable, Hashable, Codable {
    case repair, objection
}

/// One repair or objection case as the overdue view sees it: whose clock, until when, and when it was answered.
public struct CaseDeadline: Sendable, Hashable, Codable {
    public var kind: CaseKind
    public var id: Int
    public var departmentCode: String
    public var acceptedOn: LocalDate
    public var dueBy: LocalDate
    /// With the department, its clock running (not waiting for the applicant, not decided).
    public var running: Bool
    public var decidedOn: LocalDate?

    public init(kind: CaseKind, id: Int, departmentCode: String, acceptedOn: LocalDate, dueBy: LocalDate, running: Bool, decidedOn: LocalDate?) {
        self.kind = kind
        self.id = id
        self.departmentCode = departmentCode
        self.acceptedOn = acceptedOn
        self.dueBy = dueBy
        self.running = running
        self.decidedOn = decidedOn
    }

    /// Overdue on `day`: still running after its last day. A deadline falling before a holiday is overdue on the
    /// first day after it, a working day or not; the view is read on working days.
    public func isOverdue(on day: LocalDate) -> Bool { running && dueBy < day }
}

/// The overdue view across repair and objection cases: what is due today, what is overdue, and each department's
/// figures (open, due today, overdue, answered, answered on time) for the department assessment.
public struct DeadlineSummary: Sendable, Hashable, Codable {
    public struct Department: Sendable, Hashable, Codable {
        public var code: String
        public var open: Int
        public var dueToday: Int
        public var overdue: Int
        public var answered: Int
        public var answeredOnTime: Int
        /// Answered on time out of answered, in per cent rounded down; nil before any answer.
        public var onTimePercent: Int?
    }

    public var day: LocalDate
    public var dueToday: [CaseDeadline]
    public var overdue: [CaseDeadline]
    public var departments: [Department]

    /// The view on `day` of `cases`, oldest deadlines first, departments by code.
    public init(_ cases: [CaseDeadline], on day: LocalDate) {
        self.day = day
        let running = cases.filter(\.running).sorted { ($0.dueBy, $0.kind.rawValue, $0.id) < ($1.dueBy, $1.kind.rawValue, $1.id) }
        dueToday = running.filter { $0.dueBy == day }
        overdue = running.filter { $0.isOverdue(on: day) }
        departments = Dictionary(grouping: cases, by: \.departmentCode).map { code, cases in
            let answered = cases.compactMap { c in c.decidedOn.map { ($0, c.dueBy) } }
            let onTime = answered.filter { $0.0 <= $0.1 }.count
            return Department(
                code: code,
                open: cases.filter { $0.decidedOn == nil }.count,
                dueToday: cases.filter { $0.running && $0.dueBy == day }.count,
                overdue: cases.filter { $0.isOverdue(on: day) }.count,
                answered: answered.count,
                answeredOnTime: onTime,
                onTimePercent: answered.isEmpty ? nil : onTime * 100 / answered.count
            )
        }.sorted { $0.code < $1.code }
    }

    /// The reminders due on `day`: one per case due today (`due_today`) or overdue (`overdue`).
    public var reminders: [CaseReminder] {
        dueToday.map { CaseReminder(deadline: $0, day: day, level: .dueToday) }
            + overdue.map { CaseReminder(deadline: $0, day: day, level: .overdue) }
    }
}

/// A reminder to a department about one case on one day (a notification record).
public struct CaseReminder: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Hashable, Codable {
        case dueToday = "due_today"
        case overdue
    }

    public var deadline: CaseDeadline
    public var day: LocalDate
    public var level: Level

    public init(deadline: CaseDeadline, day: LocalDate, level: Level) {
        self.deadline = deadline
        self.day = day
        self.level = level
    }

    public var message: String {
        let what = deadline.kind == .repair ? "修复申请" : "异议"
        switch level {
        case .dueToday: return "\(what) \(deadline.id) 今日（\(deadline.dueBy)）到期，请及时办理。"
        case .overdue: return "\(what) \(deadline.id) 已于 \(deadline.dueBy) 到期，已超期，请尽快办理。"
        }
    }
}

/// The deadlines of repair and objection cases, and the reminders sent. Implemented by `CreditStore`.
public protocol CaseDeadlineStore: Sendable {
    /// Every case of a department (nil: of every department).
    func deadlines(departmentCode: String?) async throws -> [CaseDeadline]
    /// Records the reminders of `day` not recorded before (one per case, day and level); returns those new.
    func remind(_ reminders: [CaseReminder]) async throws -> [CaseReminder]
    /// The reminders of a department (nil: of every department), newest first.
    func reminders(departmentCode: String?, limit: Int) async throws -> [CaseReminder]
    /// Sets where a department's reminders are pushed from `since` on (nil `url`: push no more); returns what is set.
    func setReminderWebhook(departmentCode: String, url: String?, since: LocalDate, by: String?) async throws -> ReminderWebhook?
    func reminderWebhook(departmentCode: String) async throws -> ReminderWebhook?
    /// The webhooks whose next attempt is due at `now` and that have reminders not yet delivered, each with those
    /// reminders, oldest first (at most `limit` each).
    func duePushes(now: Date, limit: Int) async throws -> [ReminderPush]
    /// Records an attempt: delivered, its reminders are marked and never sent again; not, the next attempt waits
    /// until `nextAttemptAt`.
    func record(_ delivery: ReminderDelivery, nextAttemptAt: Date) async throws
}
