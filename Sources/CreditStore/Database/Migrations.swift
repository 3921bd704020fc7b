import Foundation
import Logging
import SQLKit

/// One schema change, named by what it does, with its statements for each engine.
public struct Migration: Sendable {
    public var name: String
    public var sqlite: [String]
    public var postgres: [String]

    public init(_ name: String, sqlite: [String], postgres: [String]) {
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// The same statements on both engines.
    public init(_ name: String, both: [String]) {
        self.init(name, sqlite: both, postgres: both)
    }

    /// Statements written once, with `$ID` for an auto-numbered primary key and `$BIGINT` for a column that
    /// refers to one (`INTEGER PRIMARY KEY` and `INTEGER` on SQLite, `BIGSERIAL PRIMARY KEY` and `BIGINT` on PostgreSQL).
    public init(_ name: String, portable: [String]) {
        func on(_ id: String, _ bigint: String) -> [String] {
            portable.map { $0.replacingOccurrences(of: "$ID", with: id).replacingOccurrences(of: "$BIGINT", with: bigint) }
        }
        self.init(name, sqlite: on("INTEGER PRIMARY KEY", "INTEGER"), postgres: on("BIGSERIAL PRIMARY KEY", "BIGINT"))
    }
}

extension Migration {
    /// Every migration of the platform, in order. Append; never edit one that has shipped.
    public static let all: [Migration] = [
        Migration(
            "create the table of applied migrations",
            both: ["CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"]
        ),
        Migration(
            "create the department list",
            both: ["CREATE TABLE departments (code TEXT PRIMARY KEY, name TEXT NOT NULL, registered_at TEXT NOT NULL)"]
        ),
        Migration(
            // Identity numbers are stored encrypted (AES-GCM, with the key id) and found by their HMAC;
            // the masked form is kept for display. See PersonalDataKeys.
            "create the registry of persons, entities, their versions and roles",
            sqlite: [
                "CREATE TABLE persons (id INTEGER PRIMARY KEY, id_number_hmac TEXT NOT NULL UNIQUE, id_number_enc TEXT NOT NULL, id_number_masked TEXT NOT NULL, name TEXT NOT NULL)",
                """
                CREATE TABLE entities (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, search_name TEXT NOT NULL,
                kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL, industry_division TEXT NOT NULL,
                established_on TEXT NOT NULL, legal_rep_id INTEGER NOT NULL REFERENCES persons(id), version INTEGER NOT NULL,
                updated_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE entity_versions (entity_id INTEGER NOT NULL REFERENCES entities(id), version INTEGER NOT NULL,
                name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL, industry_division TEXT NOT NULL,
                established_on TEXT NOT NULL, legal_rep_id INTEGER NOT NULL REFERENCES persons(id), recorded_at TEXT NOT NULL, reason TEXT,
                PRIMARY KEY (entity_id, version))
                """,
                """
                CREATE TABLE entity_roles (id INTEGER PRIMARY KEY, entity_id INTEGER NOT NULL REFERENCES entities(id),
                person_id INTEGER NOT NULL REFERENCES persons(id), role TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT)
                """,
                "CREATE INDEX entity_roles_by_entity ON entity_roles (entity_id)",
                "CREATE INDEX entity_roles_by_person ON entity_roles (person_id)",
            ],
            postgres: [
                "CREATE TABLE persons (id BIGSERIAL PRIMARY KEY, id_number_hmac TEXT NOT NULL UNIQUE, id_number_enc TEXT NOT NULL, id_number_masked TEXT NOT NULL, name TEXT NOT NULL)",
                """
                CREATE TABLE entities (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, search_name TEXT NOT NULL,
                name_grams TEXT[] NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL,
                industry_division TEXT NOT NULL, established_on TEXT NOT NULL, legal_rep_id BIGINT NOT NULL REFERENCES persons(id),
                version INTEGER NOT NULL, updated_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE entity_versions (entity_id BIGINT NOT NULL REFERENCES entities(id), version INTEGER NOT NULL,
                name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL, industry_division TEXT NOT NULL,
                established_on TEXT NOT NULL, legal_rep_id BIGINT NOT NULL REFERENCES persons(id), recorded_at TEXT NOT NULL, reason TEXT,
                PRIMARY KEY (entity_id, version))
                """,
                """
                CREATE TABLE entity_roles (id BIGSERIAL PRIMARY KEY, entity_id BIGINT NOT NULL REFERENCES entities(id),
                person_id BIGINT NOT NULL REFERENCES persons(id), role TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT)
                """,
                "CREATE INDEX entity_roles_by_entity ON entity_roles (entity_id)",
                "CREATE INDEX entity_roles_by_person ON entity_roles (person_id)",
            ]
        ),
        Migration(
            "index entity names by two-character grams for Chinese substring search",
            sqlite: [
                // A contentless FTS5 table whose "words" are the name's overlapping two-character grams:
                // a phrase of consecutive grams is exactly a substring, for fragments of 2 or more characters.
                "CREATE VIRTUAL TABLE entity_name_index USING fts5(grams, content='', tokenize='unicode61')"
            ],
            postgres: [
                "CREATE INDEX entities_name_grams ON entities USING GIN (name_grams)"
            ]
        ),
        Migration(
            "create the table of holiday years loaded by the credit office",
            both: ["CREATE TABLE holiday_years (year INTEGER PRIMARY KEY, arrangement TEXT NOT NULL, loaded_at TEXT NOT NULL)"]
        ),
        Migration(
            "cover entity ids with their search names so PostgreSQL's name search probes and walks without the heap",
            sqlite: [],
            postgres: ["CREATE INDEX entities_id_search_name ON entities (id) INCLUDE (search_name)"]
        ),
        Migration(
            "create accounts and their API tokens, stored as hashes",
            sqlite: [
                """
                CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                department_code TEXT REFERENCES departments(code), entity_code TEXT, created_at TEXT NOT NULL, disabled_at TEXT)
                """,
                """
                CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),
                token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)
                """,
            ],
            postgres: [
                """
                CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                department_code TEXT REFERENCES departments(code), entity_code TEXT, created_at TEXT NOT NULL, disabled_at TEXT)
                """,
                """
                CREATE TABLE api_tokens (id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id),
                token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)
                """,
            ]
        ),
        Migration(
            "create the tamper-evident log: one leaf per change of credit data, in order",
            sqlite: [
                """
                CREATE TABLE log_entries (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject_id INTEGER NOT NULL,
                version INTEGER NOT NULL, leaf_hash TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (kind, subject_id, version))
                """
            ],
            postgres: [
                """
                CREATE TABLE log_entries (seq BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, subject_id BIGINT NOT NULL,
                version INTEGER NOT NULL, leaf_hash TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (kind, subject_id, version))
                """
            ]
        ),
        Migration(
            "create the signed checkpoints of the tamper-evident log",
            both: [
                """
                CREATE TABLE log_checkpoints (size INTEGER NOT NULL, root_hash TEXT NOT NULL, time TEXT NOT NULL, signature TEXT NOT NULL,
                key_id TEXT NOT NULL, public_key TEXT NOT NULL, PRIMARY KEY (size, time))
                """
            ]
        ),
        Migration(
            // Passwords are bcrypt hashes; the TOTP secret is sealed like personal data (AES-GCM, key id).
            // Consecutive failures lock the account for a while (see SQLAccountStore.logIn).
            "let people sign in: login names, password hashes, TOTP secrets, lock-out, and sessions",
            portable: [
                "ALTER TABLE accounts ADD COLUMN login TEXT",
                "CREATE UNIQUE INDEX accounts_login ON accounts (login)",
                "ALTER TABLE accounts ADD COLUMN password_hash TEXT",
                "ALTER TABLE accounts ADD COLUMN totp_secret_enc TEXT",
                "ALTER TABLE accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE accounts ADD COLUMN locked_until TEXT",
                """
                CREATE TABLE sessions (id $ID, token_hash TEXT NOT NULL UNIQUE, account_id $BIGINT NOT NULL REFERENCES accounts(id),
                csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT)
                """,
            ]
        ),
        Migration(
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
        ),
        Migration(
            "store persons' phone numbers sealed, with an HMAC to find them and a masked form to show",
            both: [
                "ALTER TABLE persons ADD COLUMN phone_hmac TEXT",
                "ALTER TABLE persons ADD COLUMN phone_enc TEXT",
                "ALTER TABLE persons ADD COLUMN phone_masked TEXT",
                "CREATE INDEX persons_phone ON persons (phone_hmac)",
            ]
        ),
        Migration(
            // A record is identified by (department, category, document number); every version is kept, and
            // is a leaf of the tamper-evident log. Rejected submissions are kept whole, never dropped.
            "create credit records, their versions, and the departments' rejection queue",
            portable: [
                """
                CREATE TABLE records (id $ID, department_code TEXT NOT NULL REFERENCES departments(code), category TEXT NOT NULL,
                document_number TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, subject_code TEXT, subject_person_id $BIGINT REFERENCES persons(id),
                subject_name TEXT NOT NULL, matched INTEGER NOT NULL, decided_on TEXT NOT NULL, received_at TEXT NOT NULL, due_by TEXT NOT NULL,
                late INTEGER NOT NULL, delay_working_days INTEGER NOT NULL, severity TEXT, content TEXT NOT NULL, catalogue_version TEXT NOT NULL,
                rule_set TEXT, public_from TEXT, earliest_end TEXT, public_until TEXT, not_published TEXT, updated_at TEXT NOT NULL,
                UNIQUE (department_code, category, document_number))
                """,
                "CREATE INDEX records_subject ON records (subject_code, public_from)",
                "CREATE INDEX records_department_received ON records (department_code, received_at)",
                "CREATE INDEX records_unmatched ON records (matched, id)",
                """
                CREATE TABLE record_versions (record_id $BIGINT NOT NULL REFERENCES records(id), version INTEGER NOT NULL, status TEXT NOT NULL,
                subject_code TEXT, subject_person_id $BIGINT REFERENCES persons(id), subject_name TEXT NOT NULL, decided_on TEXT NOT NULL, severity TEXT,
                content TEXT NOT NULL, content_hash TEXT NOT NULL, change_reason TEXT, recorded_at TEXT NOT NULL, PRIMARY KEY (record_id, version))
                """,
                """
                CREATE TABLE rejections (id $ID, department_code TEXT NOT NULL, received_at TEXT NOT NULL, source TEXT NOT NULL,
                position INTEGER NOT NULL, category TEXT, document_number TEXT, original TEXT NOT NULL, problems TEXT NOT NULL, resolved_at TEXT)
                """,
                "CREATE INDEX rejections_department ON rejections (department_code, resolved_at, id)",
            ]
        ),
        Migration(
            // Rejected rows keep their fields by name (for correction on a page); uploads are jobs with progress.
            "keep rejected rows' fields, and create import jobs with their progress",
            portable: [
                "ALTER TABLE rejections ADD COLUMN fields TEXT",
                """
                CREATE TABLE import_jobs (id $ID, department_code TEXT NOT NULL, account_id $BIGINT, category TEXT NOT NULL,
                encoding TEXT NOT NULL, filename TEXT NOT NULL, size_bytes $BIGINT, status TEXT NOT NULL, bytes_done $BIGINT NOT NULL,
                rows_done INTEGER NOT NULL, accepted INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL,
                rejected INTEGER NOT NULL, error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)
                """,
            ]
        ),
        Migration(
            "keep the catalogue versions the credit office loads, with their effective dates",
            both: [
                "CREATE TABLE catalogue_versions (version TEXT PRIMARY KEY, effective_from TEXT NOT NULL, document TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT)"
            ]
        ),
        Migration(
            // The import that last stored a record and its line: duplicates inside one file are found by the
            // database, so an import's memory does not grow with the file.
            "remember which file import and line last stored each record",
            both: [
                "ALTER TABLE records ADD COLUMN import_id TEXT",
                "ALTER TABLE records ADD COLUMN import_position INTEGER",
            ]
        ),
        Migration(
            // Only the unmatched records are ever looked up by it; a full index cost every stored record a write.
            "index only the unmatched records",
            both: [
                "DROP INDEX records_unmatched",
                "CREATE INDEX records_unmatched ON records (id) WHERE matched = 0",
            ]
        ),
        Migration(
            // A rejected row sent again unchanged while the first is still open is not queued twice.
            "remember a hash of each rejected row as sent, to find it while it is open",
            both: [
                "ALTER TABLE rejections ADD COLUMN original_hash TEXT",
                "CREATE INDEX rejections_open_original ON rejections (department_code, original_hash) WHERE resolved_at IS NULL",
            ]
        ),
        Migration(
            // A rejected row as sent may hold identity and phone numbers: it is kept sealed like them (rows stored
            // before this are sealed by `credit keys reencrypt`), and found again by a keyed hash.
            "seal rejected rows as sent",
            both: ["ALTER TABLE rejections ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0"]
        ),
        Migration(
            // A document stored again, corrected, resolves its open rejections: found by document, not by scanning the queue.
            "index open rejections by document",
            both: [
                "CREATE INDEX rejections_open_document ON rejections (department_code, category, document_number) WHERE resolved_at IS NULL AND document_number IS NOT NULL"
            ]
        ),
        Migration(
            // Which entities a department registers is the city's configuration (NULL: decided by its name).
            "let the city say which registration authorities each department stands for",
            both: ["ALTER TABLE departments ADD COLUMN registers TEXT"]
        ),
        Migration(
            // A file's line numbers pass 2^31 in a file of more than 2 GB (blank lines count), and so could its counts:
            // PostgreSQL's INTEGER is 32 bits (SQLite's holds 64 already).
            "widen a file's line numbers and an import's counts to 64 bits",
            sqlite: [],
            postgres: [
                "ALTER TABLE rejections ALTER COLUMN position TYPE BIGINT",
                "ALTER TABLE records ALTER COLUMN import_position TYPE BIGINT",
                """
                ALTER TABLE import_jobs ALTER COLUMN rows_done TYPE BIGINT, ALTER COLUMN accepted TYPE BIGINT,
                ALTER COLUMN updated TYPE BIGINT, ALTER COLUMN unchanged TYPE BIGINT, ALTER COLUMN rejected TYPE BIGINT
                """,
            ]
        ),
        Migration(
            // A record's 7-working-day clock counted into a year with no holiday arrangement loaded is an estimate
            // (1), to be counted again when the year is loaded. Records stored before this were counted with 2024–2026
            // shipped and weekends only beyond: those reaching outside are marked 2, counted with an older rule, and
            // counted again when the server starts.
            "mark the clocks counted into a year with no holiday arrangement",
            both: [
                "ALTER TABLE records ADD COLUMN clock_estimated INTEGER NOT NULL DEFAULT 0",
                "CREATE INDEX records_clock_estimated ON records (id) WHERE clock_estimated > 0",
                "UPDATE records SET clock_estimated = 2 WHERE decided_on < '2024-01-01' OR due_by > '2026-12-31' OR received_at >= '2026-12-31'",
            ]
        ),
        Migration(
            // The server that runs an upload: a server starting again fails only its own running jobs (and, as
            // any server does every minute, those nobody has touched for ten minutes), not another server's.
            "name the server that runs an import",
            both: ["ALTER TABLE import_jobs ADD COLUMN server TEXT"]
        ),
        Migration(
            // A department's upload page lists its newest jobs first.
            "index import jobs by department, newest first",
            both: ["CREATE INDEX import_jobs_department ON import_jobs (department_code, id)"]
        ),
    ]
}

extension CreditDatabase {
    /// Applies every migration not yet applied, each in its own transaction, and returns the names applied.
    @discardableResult
    public func migrate(_ migrations: [Migration] = Migration.all) async throws -> [String] {
        let engine = self.engine
        try await transaction { sql in
            try await sql.raw(SQLQueryString(migrations[0].sqlite[0])).run()
        }
        let applied = try await read { sql in
            try await sql.raw("SELECT name FROM schema_migrations").all().map { try $0.decode(column: "name", as: String.self) }
        }
        var done: [String] = []
        for migration in migrations.dropFirst() where !applied.contains(migration.name) {
            try await transaction { sql in
                for statement in engine == .sqlite ? migration.sqlite : migration.postgres {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                try await sql.insert(into: "schema_migrations").columns("name", "applied_at")
                    .values(SQLBind(migration.name), SQLBind(Timestamp.now())).run()
            }
            logger.info("applied migration", metadata: ["migration": .string(migration.name)])
            done.append(migration.name)
        }
        return done
    }
}

/// UTC instants as RFC 3339 text, identical on both engines.
enum Timestamp {
    static func now() -> String { string(Date()) }
    static func string(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
