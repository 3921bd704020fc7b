import Foundation

extension Migration {
    /// Red and black lists: the list types the credit office loads.
    static let lists: [Migration] = [
        Migration(
            32,
            "keep the list-type versions the credit office loads, with their effective dates",
            both: [
                "CREATE TABLE list_type_versions (version TEXT PRIMARY KEY, effective_from TEXT NOT NULL, document TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT)"
            ]
        ),
        Migration(
            33,
            // An entry is found by its subject (a credit code, or the HMAC of an identity number); every version is
            // kept as a document and is a leaf of the tamper-evident log. A check is stored whole, receipt included,
            // before it is answered.
            "keep list entries with their versions, and credit checks with their receipts and feedback",
            portable: [
                """
                CREATE TABLE listings (id $ID, list_code TEXT NOT NULL, department_code TEXT NOT NULL REFERENCES departments(code),
                subject_kind TEXT NOT NULL, subject_key TEXT NOT NULL, subject_id_enc TEXT, subject_id_masked TEXT, subject_name TEXT NOT NULL,
                document_number TEXT NOT NULL, reason TEXT NOT NULL, basis TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT,
                notice_served_on TEXT, industries TEXT NOT NULL, status TEXT NOT NULL, ended_on TEXT, end_reason TEXT,
                version INTEGER NOT NULL, list_types_version TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                UNIQUE (department_code, list_code, document_number, subject_key))
                """,
                "CREATE INDEX listings_subject ON listings (subject_key)",
                "CREATE INDEX listings_department ON listings (department_code, id)",
                """
                CREATE TABLE listing_versions (listing_id $BIGINT NOT NULL REFERENCES listings(id), version INTEGER NOT NULL,
                document TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT, PRIMARY KEY (listing_id, version))
                """,
                """
                CREATE TABLE credit_checks (id TEXT PRIMARY KEY, checked_at TEXT NOT NULL, checker TEXT NOT NULL, account_id $BIGINT,
                scenario TEXT NOT NULL, subject_key TEXT NOT NULL, result TEXT NOT NULL, request_id TEXT, measures INTEGER NOT NULL)
                """,
                "CREATE INDEX credit_checks_time ON credit_checks (checked_at)",
                // Checks that named measures and await feedback (奖惩反馈), oldest first.
                "CREATE INDEX credit_checks_awaiting ON credit_checks (checked_at) WHERE measures > 0",
                """
                CREATE TABLE check_feedback (check_id TEXT NOT NULL REFERENCES credit_checks(id), measure TEXT NOT NULL,
                department TEXT NOT NULL, title TEXT NOT NULL, applied INTEGER NOT NULL, reason TEXT, case_number TEXT NOT NULL,
                recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, account_id $BIGINT, PRIMARY KEY (check_id, measure))
                """,
                // A check of a person reads the records about them (a court's dishonest debtors).
                "CREATE INDEX records_subject_person ON records (subject_person_id) WHERE subject_person_id IS NOT NULL",
            ]
        ),
        Migration(
            34,
            // The feed's cursor is the log's sequence number: every change of an entry is a log entry.
            "keep linked systems' subscriptions to list changes, the webhook allow-list and the delivery log",
            portable: [
                """
                CREATE TABLE subscriptions (id $ID, account_id $BIGINT NOT NULL REFERENCES accounts(id), lists TEXT NOT NULL,
                subjects TEXT NOT NULL, webhook TEXT, delivered_cursor $BIGINT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT, created_at TEXT NOT NULL, ended_at TEXT)
                """,
                "CREATE INDEX subscriptions_account ON subscriptions (account_id)",
                "CREATE TABLE webhook_allow_list (prefix TEXT PRIMARY KEY, added_at TEXT NOT NULL, added_by TEXT)",
                """
                CREATE TABLE webhook_deliveries (id $ID, subscription_id $BIGINT NOT NULL REFERENCES subscriptions(id),
                attempted_at TEXT NOT NULL, up_to $BIGINT NOT NULL, items INTEGER NOT NULL, delivered INTEGER NOT NULL,
                http_status INTEGER, error TEXT)
                """,
                "CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id)",
            ]
        ),
    ]
}
