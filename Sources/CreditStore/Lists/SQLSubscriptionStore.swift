import CreditCore
import Crypto
import Foundation
import SQLKit

/// Subscriptions, the feed of list changes read from the tamper-evident log (its sequence number is the cursor:
/// appended one transaction after another under ``WriterLock/log``, so a reader never sees a later change before an
/// earlier one), the webhook allow-list and the delivery log.
public struct SQLSubscriptionStore: SubscriptionStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let listTypes: any ListTypeStore
    let signer: CheckpointSigner

    public init(database: CreditDatabase, clock: any CreditClock, listTypes: any ListTypeStore, signer: CheckpointSigner) {
        self.db = database
        self.clock = clock
        self.listTypes = listTypes
        self.signer = signer
    }

    /// The most log entries one page of the feed looks at.
    static let stretch = 5000

    static func subscription(_ row: any SQLRow) throws -> Subscription {
        func list(_ c: String) throws -> [String] {
            let text = try row.decode(column: c, as: String.self)
            return text.isEmpty ? [] : text.components(separatedBy: ",")
        }
        return Subscription(
            id: try row.decode(column: "id", as: Int.self),
            accountID: try row.decode(column: "account_id", as: Int.self),
            lists: try list("lists"),
            subjects: try list("subjects"),
            webhook: try row.decode(column: "webhook", as: String?.self),
            deliveredCursor: try row.decode(column: "delivered_cursor", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: String.self),
            failures: try row.decode(column: "failures", as: Int.self)
        )
    }

    static let columns = "id, account_id, lists, subjects, webhook, delivered_cursor, created_at, failures"

    public func create(accountID: Int, lists: [String], subjects: [String], webhook: String?) async throws -> Subscription {
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            // A webhook starts with the changes made from now on; the feed's reader keeps its own cursor.
            let head = try await sql.raw("SELECT coalesce(max(seq), 0) AS n FROM log_entries").first()?.decode(column: "n", as: Int.self) ?? 0
            let row = try await sql.insert(into: "subscriptions")
                .columns("account_id", "lists", "subjects", "webhook", "delivered_cursor", "failures", "next_attempt_at", "created_at")
                .values(
                    SQLBind(accountID),
                    SQLBind(lists.joined(separator: ",")),
                    SQLBind(subjects.joined(separator: ",")),
                    SQLBind(webhook),
                    SQLBind(head),
                    SQLBind(0),
                    SQLBind(webhook == nil ? nil : now),
                    SQLBind(now)
                ).returning("id").first()
            return Subscription(
                id: try row!.decode(column: "id", as: Int.self),
                accountID: accountID,
                lists: lists,
                subjects: subjects,
                webhook: webhook,
                deliveredCursor: head,
                createdAt: now
            )
        }
    }

    public func subscriptions(accountID: Int) async throws -> [Subscription] {
        try await db.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM subscriptions WHERE account_id = \(bind: accountID) AND ended_at IS NULL ORDER BY id"
            ).all().map(Self.subscription)
        }
    }

    public func delete(id: Int, accountID: Int) async throws {
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            let found = try await sql.raw(
                "SELECT id FROM subscriptions WHERE id = \(bind: id) AND account_id = \(bind: accountID) AND ended_at IS NULL"
            ).first()
            guard found != nil else { throw ListError(code: "subscription_not_found", message: "没有编号为 \(id) 的订阅 / no subscription \(id)") }
            try await sql.update("subscriptions").set("ended_at", to: SQLBind(now)).set("next_attempt_at", to: SQLLiteral.null)
                .where("id", .equal, SQLBind(id)).run()
        }
    }

    public func changes(after cursor: Int, limit: Int) async throws -> ChangePage {
        let types = try await listTypes.versions().inForce(on: clock.today())
        let categories = Dictionary(types.types.compactMap { t in t.recordCategory.map { ($0, t.code) } }, uniquingKeysWith: { a, _ in a })
        let upper = cursor + Self.stretch
        return try await db.read { sql in
            let head = try await sql.raw("SELECT coalesce(max(seq), 0) AS n FROM log_entries").first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await sql.raw(
                """
                SELECT l.seq, l.kind, l.subject_id, l.version, l.recorded_at, lv.document, r.category, r.subject_code, p.id_number_masked,
                rv.subject_name, rv.status AS rv_status, rv.decided_on, rv.content
                FROM log_entries l
                LEFT JOIN listing_versions lv ON l.kind = 'listing-version' AND lv.listing_id = l.subject_id AND lv.version = l.version
                LEFT JOIN record_versions rv ON l.kind = 'record-version' AND rv.record_id = l.subject_id AND rv.version = l.version
                LEFT JOIN records r ON r.id = rv.record_id LEFT JOIN persons p ON p.id = rv.subject_person_id
                WHERE l.seq > \(bind: cursor) AND l.seq <= \(bind: upper) AND l.kind IN ('listing-version', 'record-version')
                ORDER BY l.seq
                """
            ).all()
            var items: [ListChange] = []
            for row in rows {
                let seq = try row.decode(column: "seq", as: Int.self)
                if items.count == limit { return ChangePage(items: items, next: items.last!.cursor) }
                let version = try row.decode(column: "version", as: Int.self)
                let recordedAt = try row.decode(column: "recorded_at", as: String.self)
                if let text = try row.decode(column: "document", as: String?.self) {
                    let d = try JSONDecoder().decode(SQLListingStore.VersionDocument.self, from: Data(text.utf8))
                    items.append(
                        ListChange(
                            cursor: seq,
                            list: d.list,
                            listingId: try row.decode(column: "subject_id", as: Int.self),
                            recordId: nil,
                            version: version,
                            subject: .init(code: d.subjectKind == "entity" ? d.subjectKey : nil, idNumber: d.subjectIDMasked, name: d.subjectName),
                            status: d.status,
                            startsOn: d.startsOn,
                            endsOn: d.endsOn,
                            endedOn: d.endedOn,
                            recordedAt: recordedAt
                        )
                    )
                } else if let category = try row.decode(column: "category", as: String?.self), let list = categories[category] {
                    let content =
                        (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "content", as: String.self).utf8))) ?? [:]
                    let revoked = try row.decode(column: "rv_status", as: String.self) == RecordStatus.revoked.rawValue
                    items.append(
                        ListChange(
                            cursor: seq,
                            list: list,
                            listingId: nil,
                            recordId: try row.decode(column: "subject_id", as: Int.self),
                            version: version,
                            subject: .init(
                                code: try row.decode(column: "subject_code", as: String?.self),
                                idNumber: try row.decode(column: "id_number_masked", as: String?.self),
                                name: try row.decode(column: "subject_name", as: String.self)
                            ),
                            status: revoked ? Listing.Status.removed.rawValue : Listing.Status.listed.rawValue,
                            startsOn: try row.decode(column: "decided_on", as: String.self),
                            endsOn: content["listedUntil"],
                            endedOn: revoked ? LocalDate(shanghaiDayOf: recordedAt)?.description : nil,
                            recordedAt: recordedAt
                        )
                    )
                }
            }
            // Everything up to the stretch's end (or the log's head) was looked at.
            return ChangePage(items: items, next: max(cursor, min(upper, head)))
        }
    }

    public func allowList() async throws -> [String] {
        try await db.read { sql in
            try await sql.raw("SELECT prefix FROM webhook_allow_list ORDER BY prefix").all().map { try $0.decode(column: "prefix", as: String.self) }
        }
    }

    public func setAllowList(_ prefixes: [String], by: String?) async throws {
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await sql.raw("DELETE FROM webhook_allow_list").run()
            for prefix in Set(prefixes).sorted() {
                try await sql.insert(into: "webhook_allow_list").columns("prefix", "added_at", "added_by")
                    .values(SQLBind(prefix), SQLBind(now), SQLBind(by)).run()
            }
        }
    }

    public func dueWebhooks(now: Date) async throws -> [Subscription] {
        let instant = Timestamp.string(now)
        return try await db.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM subscriptions WHERE webhook IS NOT NULL AND ended_at IS NULL
                AND next_attempt_at <= \(bind: instant) ORDER BY id
                """
            ).all().map(Self.subscription)
        }
    }

    public func record(_ delivery: WebhookDelivery, nextAttemptAt: Date?) async throws {
        let next = nextAttemptAt.map(Timestamp.string)
        try await db.transaction { sql in
            try await sql.insert(into: "webhook_deliveries")
                .columns("subscription_id", "attempted_at", "up_to", "items", "delivered", "http_status", "error")
                .values(
                    SQLBind(delivery.subscriptionId),
                    SQLBind(delivery.attemptedAt),
                    SQLBind(delivery.upTo),
                    SQLBind(delivery.items),
                    SQLBind(delivery.delivered ? 1 : 0),
                    SQLBind(delivery.httpStatus),
                    SQLBind(delivery.error)
                ).run()
            if delivery.delivered {
                try await sql.raw(
                    """
                    UPDATE subscriptions SET delivered_cursor = \(bind: delivery.upTo), failures = 0, next_attempt_at = \(bind: next)
                    WHERE id = \(bind: delivery.subscriptionId) AND ended_at IS NULL
                    """
                ).run()
            } else {
                try await sql.raw(
                    """
                    UPDATE subscriptions SET failures = failures + 1, next_attempt_at = \(bind: next)
                    WHERE id = \(bind: delivery.subscriptionId) AND ended_at IS NULL
                    """
                ).run()
            }
        }
    }

    public func deliveries(subscriptionID: Int, limit: Int) async throws -> [WebhookDelivery] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT subscription_id, attempted_at, up_to, items, delivered, http_status, error FROM webhook_deliveries
                WHERE subscription_id = \(bind: subscriptionID) ORDER BY id DESC LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map {
                WebhookDelivery(
                    subscriptionId: try $0.decode(column: "subscription_id", as: Int.self),
                    attemptedAt: try $0.decode(column: "attempted_at", as: String.self),
                    upTo: try $0.decode(column: "up_to", as: Int.self),
                    items: try $0.decode(column: "items", as: Int.self),
                    delivered: try $0.decode(column: "delivered", as: Int.self) == 1,
                    httpStatus: try $0.decode(column: "http_status", as: Int?.self),
                    error: try $0.decode(column: "error", as: String?.self)
                )
            }
        }
    }

    public func sign(_ body: Data) throws -> (signature: String, keyId: String) {
        (Data(try signer.privateKey.signature(for: body)).base64EncodedString(), signer.keyID)
    }

}
