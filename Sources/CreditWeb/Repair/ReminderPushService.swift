import AsyncHTTPClient
import CreditCore
import Foundation
import Logging
import ServiceLifecycle

/// Pushes deadline reminders to the departments that set a webhook (`PUT /api/v1/case-deadlines/webhook`): at each
/// beat, for every webhook whose attempt is due, POSTs its reminders not yet delivered as `{"items": [...]}`, signed
/// like list changes. A 2xx marks them delivered (never sent again); anything else is logged and retried with the
/// list webhooks' backoff (30 s doubling, at most an hour).
struct ReminderPushService: Service {
    let deadlines: any CaseDeadlineStore
    /// Signs the bodies with the platform's key.
    let signer: any SubscriptionStore
    let clock: any CreditClock
    let logger: Logger
    let interval: Duration

    struct Body: Encodable, Sendable {
        var items: [RepairController.ReminderDTO]
    }

    func run() async throws {
        await WebhookService.beats(every: interval, clock: clock, logger: logger, failure: "reminder push failed", pushDue)
    }

    func pushDue(_ client: HTTPClient) async throws {
        for push in try await deadlines.duePushes(now: clock.now(), limit: 100) {
            let items = push.reminders.map(RepairController.ReminderDTO.init(reminder:))
            let body = try CanonicalJSON.encode(Body(items: items))
            let (status, failure) = try await WebhookService.post(body, to: push.webhook.url, signedBy: signer, client: client)
            let now = clock.now()
            let delivery = ReminderDelivery(
                departmentCode: push.webhook.departmentCode,
                reminders: push.reminders,
                attemptedAt: now,
                httpStatus: status,
                error: failure ?? (status.map { (200..<300).contains($0) } == true ? nil : "HTTP \(status ?? 0)")
            )
            let wait = delivery.delivered ? 0 : WebhookService.seconds(WebhookDelivery.backoff(afterFailures: push.webhook.failures + 1))
            try await deadlines.record(delivery, nextAttemptAt: now.addingTimeInterval(wait))
            if !delivery.delivered {
                logger.warning(
                    "reminders not delivered; will retry",
                    metadata: ["department": "\(push.webhook.departmentCode)", "status": "\(status ?? 0)"]
                )
            }
        }
    }
}
