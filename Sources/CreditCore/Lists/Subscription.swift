import Foundation

/// A linked system's standing request to hear of list changes: of whole lists, of chosen entities, or both (a change
/// must match each that is given), fetched from the feed (`GET /api/v1/changes`) or pushed to a webhook.
public struct Subscription: Sendable, Hashable, Codable {
    public var id: Int
    public var accountID: Int
    public var lists: [String]
    /// Credit codes.
    public var subjects: [String]
    public var webhook: String?
    /// The last change delivered to the webhook (a cursor of the feed).
    public var deliveredCursor: Int
    public var createdAt: String
    /// Failed webhook attempts since the last delivery (for the backoff).
    public var failures: Int

    public init(
        id: Int,
        accountID: Int,
        lists: [String],
        subjects: [String],
        webhook: String?,
        deliveredCursor: Int,
        createdAt: String,
        failures: Int = 0
    ) {
        self.id = id
        self.accountID = accountID
        self.lists = lists
        self.subjects = subjects
        self.webhook = webhook
        self.deliveredCursor = deliveredCursor
        self.createdAt = createdAt
        self.failures = failures
    }

    public func matches(_ change: ListChange) -> Bool {
        (lists.isEmpty || lists.contains(change.list)) && (subjects.isEmpty || change.subject.code.map(subjects.contains) == true)
    }
}

/// A subscription as a linked system asks for it (`POST /api/v1/subscriptions`).
public struct SubscriptionRequest: Sendable, Hashable, Codable {
    public var lists: [String]?
    public var subjects: [String]?
    public var webhook: String?

    public init(lists: [String]? = nil, subjects: [String]? = nil, webhook: String? = nil) {
        self.lists = lists
        self.subjects = subjects
        self.webhook = webhook
    }

    /// The lists, subjects and webhook, checked: lists in force, valid codes, a webhook under an address the credit
    /// office allows (http or https).
    public func validated(types: ListTypes, allowList: [String]) throws(ListError) -> (lists: [String], subjects: [String], webhook: String?) {
        let lists = lists ?? []
        var subjects: [String] = []
        guard !lists.isEmpty || !(self.subjects ?? []).isEmpty else {
            throw ListError(code: "missing_field", message: "应订阅名单（lists）或主体（subjects） / subscribe to lists, subjects, or both")
        }
        guard lists.count <= 50, (self.subjects ?? []).count <= 10_000 else {
            throw ListError(code: "invalid_field", message: "最多 50 个名单、10000 个主体 / at most 50 lists and 10,000 subjects")
        }
        for list in lists where types.type(list) == nil {
            throw ListError(code: "unknown_list", message: "名单 \(list.prefix(60)) 不存在 / no list \(list.prefix(60))")
        }
        for code in self.subjects ?? [] {
            do { subjects.append(try CreditCode(validating: code).rawValue) } catch {
                throw ListError(code: "invalid_code", message: "统一社会信用代码 \(code.prefix(20)) 有误：\(error.message) / invalid credit code")
            }
        }
        if let webhook, let problem = WebhookAddress.problem(webhook, allowList: allowList) {
            throw ListError(code: problem.code, message: problem.message)
        }
        return (lists, subjects, webhook)
    }
}

/// One change of a list entry, as the feed and webhooks deliver it: an entry made, ended or revoked, or a court's
/// record of a record-fed list stored or withdrawn. `cursor` orders all changes; none is skipped or repeated.
public struct ListChange: Sendable, Hashable, Codable {
    public struct Subject: Sendable, Hashable, Codable {
        public var code: String?
        /// A person's identity number, masked.
        public var idNumber: String?
        public var name: String

        public init(code: String?, idNumber: String?, name: String) {
            self.code = code
            self.idNumber = idNumber
            self.name = name
        }
    }

    public var cursor: Int
    public var kind: String
    public var list: String
    public var listingId: Int?
    public var recordId: Int?
    public var version: Int
    public var subject: Subject
    /// `listed`, `removed` or `revoked`.
    public var status: String
    public var startsOn: String
    public var endsOn: String?
    public var endedOn: String?
    public var recordedAt: String

    public init(
        cursor: Int,
        list: String,
        listingId: Int?,
        recordId: Int?,
        version: Int,
        subject: Subject,
        status: String,
        startsOn: String,
        endsOn: String?,
        endedOn: String?,
        recordedAt: String
    ) {
        self.cursor = cursor
        kind = "listing"
        self.list = list
        self.listingId = listingId
        self.recordId = recordId
        self.version = version
        self.subject = subject
        self.status = status
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.endedOn = endedOn
        self.recordedAt = recordedAt
    }
}

/// A page of the feed: the changes, and the cursor to ask after next (past every change looked at, matching or not).
public struct ChangePage: Sendable, Hashable, Codable {
    public var items: [ListChange]
    public var next: Int

    public init(items: [ListChange], next: Int) {
        self.items = items
        self.next = next
    }
}

/// One attempt to deliver changes to a webhook.
public struct WebhookDelivery: Sendable, Hashable, Codable {
    public var subscriptionId: Int
    public var attemptedAt: String
    /// The cursor delivered up to (on success).
    public var upTo: Int
    public var items: Int
    public var delivered: Bool
    public var httpStatus: Int?
    public var error: String?

    public init(subscriptionId: Int, attemptedAt: String, upTo: Int, items: Int, delivered: Bool, httpStatus: Int?, error: String?) {
        self.subscriptionId = subscriptionId
        self.attemptedAt = attemptedAt
        self.upTo = upTo
        self.items = items
        self.delivered = delivered
        self.httpStatus = httpStatus
        self.error = error
    }

    /// How long to wait before attempt `n + 1` after `n` failures: 30 s doubling, at most an hour.
    public static func backoff(afterFailures n: Int) -> Duration { .seconds(min(30 * (1 << min(max(n - 1, 0), 10)), 3600)) }
}

/// Subscriptions, the feed of list changes, the webhook allow-list and the delivery log. Implemented by `CreditStore`.
public protocol SubscriptionStore: Sendable {
    func create(accountID: Int, lists: [String], subjects: [String], webhook: String?) async throws -> Subscription
    func subscriptions(accountID: Int) async throws -> [Subscription]
    /// Ends a subscription of the account. - Throws: ``ListError`` `subscription_not_found`.
    func delete(id: Int, accountID: Int) async throws
    /// The list changes after `cursor`, in order: at most `limit`, looking at no more than a bounded stretch of the log.
    func changes(after cursor: Int, limit: Int) async throws -> ChangePage
    /// The address prefixes webhooks may be under.
    func allowList() async throws -> [String]
    func setAllowList(_ prefixes: [String], by: String?) async throws
    /// The webhook subscriptions whose next attempt is due at `now`.
    func dueWebhooks(now: Date) async throws -> [Subscription]
    /// Records an attempt; on success moves the subscription's cursor, on failure schedules the next attempt.
    func record(_ delivery: WebhookDelivery, nextAttemptAt: Date?) async throws
    /// The latest attempts for a subscription, newest first.
    func deliveries(subscriptionID: Int, limit: Int) async throws -> [WebhookDelivery]
    /// Signs a body with the platform's key: (BASE64 Ed25519 signature, key id).
    func sign(_ body: Data) throws -> (signature: String, keyId: String)
}
