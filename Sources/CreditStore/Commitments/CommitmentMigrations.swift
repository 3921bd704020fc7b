import Foundation

extension Migration {
    /// Credit commitments: the signed commitments, each version, and the 告知承诺 gate's signed answers.
    static let commitments: [Migration] = [
        Migration(
            40,
            "keep signed credit commitments with their versions and verification, and the commitment gate's signed answers",
            portable: [
                """
                CREATE TABLE commitments (id $ID, item TEXT NOT NULL, type TEXT NOT NULL, department_code TEXT NOT NULL REFERENCES departments(code),
                subject_code TEXT NOT NULL, subject_name TEXT NOT NULL, template_version TEXT NOT NULL, items_version TEXT NOT NULL, fields TEXT NOT NULL,
                text TEXT NOT NULL, text_hash TEXT NOT NULL, signed_by TEXT NOT NULL, on_behalf INTEGER NOT NULL, signed_at TEXT NOT NULL,
                countersignature TEXT NOT NULL, key_id TEXT NOT NULL, verify_by TEXT, outcome TEXT, verified_on TEXT, verified_by TEXT, reason TEXT,
                record_id $BIGINT)
                """,
                "CREATE INDEX commitments_subject ON commitments (subject_code, id)",
                "CREATE INDEX commitments_department ON commitments (department_code, id)",
                """
                CREATE TABLE commitment_versions (commitment_id $BIGINT NOT NULL REFERENCES commitments(id), version INTEGER NOT NULL,
                document TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (commitment_id, version))
                """,
                """
                CREATE TABLE commitment_checks (id TEXT PRIMARY KEY, subject_code TEXT NOT NULL, item TEXT NOT NULL, eligible INTEGER NOT NULL,
                answer TEXT NOT NULL, answer_digest TEXT NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT NULL, checker TEXT NOT NULL,
                issued_at TEXT NOT NULL)
                """,
            ]
        ),
        Migration(
            41,
            "keep the credit information entities declare themselves, with its review",
            portable: [
                """
                CREATE TABLE voluntary_submissions (id $ID, subject_code TEXT NOT NULL, subject_name TEXT NOT NULL, kind TEXT NOT NULL,
                title TEXT NOT NULL, content TEXT NOT NULL, department_code TEXT NOT NULL REFERENCES departments(code), status TEXT NOT NULL,
                submitted_at TEXT NOT NULL, submitted_by TEXT NOT NULL, reason TEXT, reviewed_by TEXT, reviewed_on TEXT, record_id $BIGINT)
                """,
                "CREATE INDEX voluntary_subject ON voluntary_submissions (subject_code, id)",
                "CREATE INDEX voluntary_department ON voluntary_submissions (department_code, id)",
            ]
        ),
        Migration(
            43,
            "keep the versions of the commitment item list the credit office loads",
            both: [
                """
                CREATE TABLE commitment_item_versions (version TEXT PRIMARY KEY, effective_from TEXT NOT NULL, document TEXT NOT NULL,
                loaded_at TEXT NOT NULL, loaded_by TEXT)
                """
            ]
        ),
    ]
}
