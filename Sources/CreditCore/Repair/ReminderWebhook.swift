import Foundation

/// Where a department's deadline reminders are pushed (期限提醒推送), and how delivery stands: reminders of ``since``
/// and later are posted there, each delivered once, signed like list changes; a failure is retried with the backoff of
/// ``WebhookDelivery/backoff(afterFailures:)``.
public struct ReminderWebhook: Sendable, Hashable, Codable {
    public var departmentCode: String
    public var url: String
    /// The first day whose reminders are pushed (the day it was set: that day's reminders go too).
    public var since: LocalDate
    public var failures: Int
    public var lastAttemptAt: String?
    public var lastStatus: Int?
    public var lastError: String?
    /// Reminders delivered so far.
    public var delivered: Int

    public init(
        departmentCode: String,
        url: String,
        since: LocalDate,
        failures: Int = 0,
        lastAttemptAt: String? = nil,
        lastStatus: Int? = nil,
        lastError: String? = nil,
        delivered: Int = 0
    ) {
        self.departmentCode = departmentCode
        self.url = url
        self.since = since
        self.failures = failures
        self.lastAttemptAt = lastAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.delivered = delivered
    }
}

/// Reminders waiting for a department's webhook.
public struct ReminderPush: Sendable, Hashable {
    public var webhook: ReminderWebhook
    public var reminders: [CaseReminder]

    public init(webhook: ReminderWebhook, reminders: [CaseReminder]) {
        self.webhook = webhook
        self.reminders = reminders
    }
}

/// One attempt to push reminders: delivered (a 2xx answer) or not, with the answer or the failure.
public struct ReminderDelivery: Sendable, Hashable {
    public var departmentCode: String
    public var reminders: [CaseReminder]
    public var attemptedAt: Date
    public var httpStatus: Int?
    public var error: String?

    public var delivered: Bool { httpStatus.map { (200..<300).contains($0) } ?? false }

    public init(departmentCode: String, reminders: [CaseReminder], attemptedAt: Date, httpStatus: Int?, error: String?) {
        self.departmentCode = departmentCode
        self.reminders = reminders
        self.attemptedAt = attemptedAt
        self.httpStatus = httpStatus
        self.error = error
    }
}
