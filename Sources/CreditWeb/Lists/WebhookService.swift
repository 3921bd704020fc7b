import AsyncHTTPClient
import CreditCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers list changes to subscribers' webhooks: at each beat, for every webhook whose attempt is due, POSTs the
/// changes after its cursor as `{"items", "next"}`, signed with the platform's key (`X-Credit-Signature`, Ed25519
/// over the body, BASE64; `X-Credit-Key-Id`). A 2xx moves the cursor; anything else is logged and retried later
/// (30 s doubling, at most an hour). The cursor is stored, so a restart goes on where delivery stood.
struct WebhookService: Service {
    let subscriptions: any SubscriptionStore
    let clock: any CreditClock
    let logger: Logger
    let interval: Duration

    func run() async throws {
        await Self.beats(every: interval, clock: clock, logger: logger, failure: "webhook delivery failed", deliverDue)
    }

    /// Calls `body` with an HTTP client at once and every `interval` until a graceful shutdown; a failure is logged
    /// (the error's type only: no personal data) and the next beat goes on.
    static func beats(
        every interval: Duration,
        clock: any CreditClock,
        logger: Logger,
        failure: Logger.Message,
        _ body: @escaping @Sendable (HTTPClient) async throws -> Void
    ) async {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await body(client)
                } catch {
                    logger.error(failure, metadata: ["error": .string(String(describing: type(of: error)))])
                }
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
        try? await client.shutdown()
    }

    func deliverDue(_ client: HTTPClient) async throws {
        for subscription in try await subscriptions.dueWebhooks(now: clock.now()) {
            guard let url = subscription.webhook else { continue }
            let page = try await subscriptions.changes(after: subscription.deliveredCursor, limit: 100)
            let items = page.items.filter(subscription.matches)
            let now = clock.now()
            let attemptedAt = now.formatted(.iso8601)
            if items.isEmpty {
                // Nothing for this subscriber in the stretch looked at: move past it without a call.
                if page.next > subscription.deliveredCursor {
                    try await subscriptions.record(
                        WebhookDelivery(
                            subscriptionId: subscription.id,
                            attemptedAt: attemptedAt,
                            upTo: page.next,
                            items: 0,
                            delivered: true,
                            httpStatus: nil,
                            error: nil
                        ),
                        nextAttemptAt: now
                    )
                }
                continue
            }
            let body = try CanonicalJSON.encode(ChangePage(items: items, next: page.next))
            let (status, failure) = try await Self.post(body, to: url, signedBy: subscriptions, client: client)
            let delivered = status.map { (200..<300).contains($0) } ?? false
            let failures = delivered ? 0 : subscription.failures + 1
            try await subscriptions.record(
                WebhookDelivery(
                    subscriptionId: subscription.id,
                    attemptedAt: attemptedAt,
                    upTo: delivered ? page.next : subscription.deliveredCursor,
                    items: items.count,
                    delivered: delivered,
                    httpStatus: status,
                    error: failure ?? (delivered ? nil : "HTTP \(status ?? 0)")
                ),
                nextAttemptAt: delivered ? now : now.addingTimeInterval(Self.seconds(WebhookDelivery.backoff(afterFailures: failures)))
            )
            if !delivered {
                logger.warning(
                    "webhook not delivered; will retry",
                    metadata: ["subscription": "\(subscription.id)", "failures": "\(failures)", "status": "\(status ?? 0)"]
                )
            }
        }
    }

    static func seconds(_ d: Duration) -> TimeInterval { TimeInterval(d.components.seconds) }

    /// POSTs `body` (JSON) to `url`, signed with the platform's key (`X-Credit-Signature: ed25519=…`,
    /// `X-Credit-Key-Id`), within 10 seconds: the answer's status, or the type of the failure.
    static func post(
        _ body: Data,
        to url: String,
        signedBy signer: any SubscriptionStore,
        client: HTTPClient
    ) async throws -> (
        status: Int?, failure: String?
    ) {
        let (signature, keyID) = try signer.sign(body)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Credit-Signature", value: "ed25519=" + signature)
        request.headers.add(name: "X-Credit-Key-Id", value: keyID)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 1 << 16)
            return (Int(response.status.code), nil)
        } catch {
            return (nil, String(describing: type(of: error)))
        }
    }
}
