import Foundation

extension Migration {
    /// Credit repair: cases, their items and their steps; a repaired record remembers the case that ended it.
    static let repair: [Migration] = [
        Migration(
            35,
            // One open case per item: the partial unique index refuses a second even when two arrive at once.
            "keep repair cases with their items and steps, and mark the records a repair ended",
            portable: [
                """
                CREATE TABLE repair_cases (id $ID, entity_code TEXT NOT NULL, department_code TEXT NOT NULL REFERENCES departments(code),
                status TEXT NOT NULL, accepted_on TEXT NOT NULL, due_by TEXT NOT NULL, commitment TEXT NOT NULL, commitment_hash TEXT NOT NULL,
                rules_version TEXT NOT NULL, decided_on TEXT, reason TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                "CREATE INDEX repair_cases_entity ON repair_cases (entity_code, id)",
                "CREATE INDEX repair_cases_department ON repair_cases (department_code, id)",
                """
                CREATE TABLE repair_items (case_id $BIGINT NOT NULL REFERENCES repair_cases(id), kind TEXT NOT NULL, item_id $BIGINT NOT NULL,
                first_eligible_day TEXT NOT NULL, open INTEGER NOT NULL, PRIMARY KEY (case_id, kind, item_id))
                """,
                "CREATE UNIQUE INDEX repair_items_open ON repair_items (kind, item_id) WHERE open = 1",
                """
                CREATE TABLE repair_events (case_id $BIGINT NOT NULL REFERENCES repair_cases(id), seq INTEGER NOT NULL, at TEXT NOT NULL,
                actor TEXT, action TEXT NOT NULL, reason TEXT, PRIMARY KEY (case_id, seq))
                """,
                "ALTER TABLE records ADD COLUMN repaired_on TEXT",
                // The last public day when a repair or an objection ended publication early: a later correction keeps it.
                "ALTER TABLE records ADD COLUMN ended_until TEXT",
                "ALTER TABLE records ADD COLUMN repair_case_id $BIGINT",
            ]
        ),
        Migration(
            37,
            "keep material files with repair and objection cases, the one extension, material request and review of a case, and deadline reminders",
            sqlite: materials(blob: "BLOB", bigint: "INTEGER"),
            postgres: materials(blob: "BYTEA", bigint: "BIGINT")
        ),
        Migration(
            39,
            "keep where each department's deadline reminders are pushed, and which reminders were delivered",
            both: [
                """
                CREATE TABLE reminder_webhooks (department_code TEXT PRIMARY KEY REFERENCES departments(code), url TEXT NOT NULL,
                since TEXT NOT NULL, failures INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, last_attempt_at TEXT, last_status INTEGER,
                last_error TEXT, delivered INTEGER NOT NULL, set_at TEXT NOT NULL, set_by TEXT)
                """,
                "ALTER TABLE case_reminders ADD COLUMN delivered_at TEXT",
            ]
        ),
    ]

    /// Migration 37's statements, with the engine's types for bytes and case ids.
    static func materials(blob: String, bigint: String) -> [String] {
        [
            """
            CREATE TABLE case_materials (case_kind TEXT NOT NULL, case_id \(bigint) NOT NULL, number INTEGER NOT NULL, name TEXT NOT NULL,
            media_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, content \(blob) NOT NULL, uploaded_at TEXT NOT NULL,
            uploaded_by TEXT, PRIMARY KEY (case_kind, case_id, number))
            """,
            "ALTER TABLE repair_cases ADD COLUMN extension_approved_by TEXT",
            "ALTER TABLE repair_cases ADD COLUMN material_requested INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE repair_cases ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE objections ADD COLUMN extension_approved_by TEXT",
            "ALTER TABLE objections ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0",
            // One reminder per case, day and level: a second run of the day adds nothing.
            """
            CREATE TABLE case_reminders (case_kind TEXT NOT NULL, case_id \(bigint) NOT NULL, day TEXT NOT NULL, level TEXT NOT NULL,
            department_code TEXT NOT NULL, accepted_on TEXT NOT NULL, due_by TEXT NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (case_kind, case_id, day, level))
            """,
            "CREATE INDEX case_reminders_department ON case_reminders (department_code, day)",
        ]
    }
}
