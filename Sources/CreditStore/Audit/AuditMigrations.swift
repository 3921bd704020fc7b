import Foundation

extension Migration {
    /// The append-only audit log.
    static let audit: [Migration] = [
        Migration(
            10,
            // Append-only: the database itself refuses any UPDATE, and any DELETE of an event younger
            // than five years (the legal minimum; a longer retention is the application's setting).
            "create the append-only audit log of every non-public read, every change and every refusal",
            sqlite: [
                """
                CREATE TABLE audit_events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, account_id INTEGER,
                account_name TEXT, role TEXT, department_code TEXT, method TEXT NOT NULL, route TEXT NOT NULL, subject TEXT, status INTEGER NOT NULL,
                outcome TEXT NOT NULL, address TEXT, request_id TEXT NOT NULL, purpose TEXT)
                """,
                "CREATE INDEX audit_events_at ON audit_events (at)",
                "CREATE INDEX audit_events_account ON audit_events (account_id, at)",
                "CREATE INDEX audit_events_subject ON audit_events (subject, at)",
                """
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                """,
                """
                CREATE TRIGGER audit_events_retention BEFORE DELETE ON audit_events
                WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 years')
                BEGIN SELECT RAISE(ABORT, 'audit events are kept for at least five years'); END
                """,
            ],
            postgres: [
                """
                CREATE TABLE audit_events (id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, account_id BIGINT,
                account_name TEXT, role TEXT, department_code TEXT, method TEXT NOT NULL, route TEXT NOT NULL, subject TEXT, status INTEGER NOT NULL,
                outcome TEXT NOT NULL, address TEXT, request_id TEXT NOT NULL, purpose TEXT)
                """,
                "CREATE INDEX audit_events_at ON audit_events (at)",
                "CREATE INDEX audit_events_account ON audit_events (account_id, at)",
                "CREATE INDEX audit_events_subject ON audit_events (subject, at)",
                """
                CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION 'the audit log is append-only'; END IF;
                  IF OLD.at > to_char((now() AT TIME ZONE 'UTC') - interval '5 years', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN
                    RAISE EXCEPTION 'audit events are kept for at least five years';
                  END IF;
                  RETURN OLD;
                END $$
                """,
                "CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_guard()",
                "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events EXECUTE FUNCTION audit_events_guard()",
            ]
        )
    ]
}
