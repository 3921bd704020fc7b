import Foundation

extension Migration {
    /// Objections: the cases and their steps, and the 异议处理中 mark on the records and entries objected to.
    static let objections: [Migration] = [
        Migration(
            36,
            // One open objection per item: the partial unique index refuses a second even when two arrive at once.
            "keep objections with their steps, and mark the records and list entries under objection",
            portable: [
                """
                CREATE TABLE objections (id $ID, item_kind TEXT NOT NULL, item_id $BIGINT NOT NULL, department_code TEXT NOT NULL,
                filer_kind TEXT NOT NULL, filer TEXT NOT NULL, on_behalf_of TEXT, identity_check TEXT, grounds TEXT NOT NULL, status TEXT NOT NULL,
                accepted_on TEXT NOT NULL, due_by TEXT NOT NULL, outcome TEXT, reason TEXT, remedy TEXT, decided_on TEXT, open INTEGER NOT NULL,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
                "CREATE UNIQUE INDEX objections_open ON objections (item_kind, item_id) WHERE open = 1",
                "CREATE INDEX objections_department ON objections (department_code, id)",
                "CREATE INDEX objections_filer ON objections (filer, id)",
                """
                CREATE TABLE objection_events (objection_id $BIGINT NOT NULL REFERENCES objections(id), seq INTEGER NOT NULL, at TEXT NOT NULL,
                actor TEXT, action TEXT NOT NULL, reason TEXT, PRIMARY KEY (objection_id, seq))
                """,
                "ALTER TABLE records ADD COLUMN under_objection INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE listings ADD COLUMN under_objection INTEGER NOT NULL DEFAULT 0",
            ]
        ),
        Migration(
            38,
            "link a corrected or supplemented objection to the record's version that made it right",
            both: [
                "ALTER TABLE objections ADD COLUMN item_version INTEGER",
                "ALTER TABLE objections ADD COLUMN corrected_version INTEGER",
            ]
        ),
    ]
}
