import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A token bucket per key: `perMinute` requests a minute on average, bursts up to the same number.
/// Time comes from the injected clock, so tests can run a minute in no time.
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let perMinute: Int
    let clock: any CreditClock
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Beyond this many keys, buckets idle for a minute are dropped, so a flood of addresses cannot exhaust memory.
    static let maximumKeys = 100_000

    init(perMinute: Int, clock: any CreditClock) {
        self.perMinute = perMinute
        self.clock = clock
    }

    /// Takes one token for `key`; returns nil when allowed, or the seconds until the next token.
    func take(_ key: String) -> Int? {
        let now = clock.now()
        let rate = Double(perMinute) / 60
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(perMinute), updated: now)
            bucket.tokens = min(Double(perMinute), bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * rate)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > Self.maximumKeys {
                    // A bucket idle for a minute has refilled and is the same as a new one: dropping those
                    // changes no answer, and happens once per flood rather than on every request.
                    buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < 60 }
                }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return Int(((1 - bucket.tokens) / rate).rounded(.up))
        }
    }
}

/// Limits anonymous requests per client address (429 `rate_limited` with `Retry-After`). Signed-in callers
/// and the operators' probes (`/healthz`, `/metrics`) are not limited.
struct AnonymousRateLimitMiddleware: RouterMiddleware {
    typealias Context = CreditRequestContext
    let limiter: RateLimiter
    static let exempt: Set<String> = ["/healthz", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.principal == nil, !Self.exempt.contains(request.uri.path) else { return try await next(request, context) }
        if let wait = limiter.take(context.clientAddress ?? "unknown") {
            var response = APIError.jsonResponse(
                status: .tooManyRequests,
                code: "rate_limited",
                message: "请求过于频繁，请 \(wait) 秒后再试 / too many requests; try again in \(wait) seconds"
            )
            response.headers[.retryAfter] = String(wait)
            return response
        }
        return try await next(request, context)
    }
}
