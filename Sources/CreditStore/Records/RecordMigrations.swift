import Foundation

extension Migration {
    /// Credit records, their versions, clocks and the rejection queue.
    static let records: [Migration] = [
        Migration(
            12,
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
            16,
            // Only the unmatched records are ever looked up by it; a full index cost every stored record a write.
            "index only the unmatched records",
            both: [
                "DROP INDEX records_unmatched",
                "CREATE INDEX records_unmatched ON records (id) WHERE matched = 0",
            ]
        ),
        Migration(
            17,
            // A rejected row sent again unchanged while the first is still open is not queued twice.
            "remember a hash of each rejected row as sent, to find it while it is open",
            both: [
                "ALTER TABLE rejections ADD COLUMN original_hash TEXT",
                "CREATE INDEX rejections_open_original ON rejections (department_code, original_hash) WHERE resolved_at IS NULL",
            ]
        ),
        Migration(
            18,
            // A rejected row as sent may hold identity and phone numbers: it is kept sealed like them (rows stored
            // before this are sealed by `credit keys reencrypt`), and found again by a keyed hash.
            "seal rejected rows as sent",
            both: ["ALTER TABLE rejections ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0"]
        ),
        Migration(
            19,
            // A document stored again, corrected, resolves its open rejections: found by document, not by scanning the queue.
            "index open rejections by document",
            both: [
                "CREATE INDEX rejections_open_document ON rejections (department_code, category, document_number) WHERE resolved_at IS NULL AND document_number IS NOT NULL"
            ]
        ),
        Migration(
            22,
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
            25,
            // 民法典 Art. 201–202: the decision day is not counted, so a period of N months ends on the corresponding
            // day, one day later than the windows stored before (which counted the decision day). The minimum period's
            // last day was already that day. A record refused as expired before its receipt stays refused: it could
            // only change if it arrived on exactly its new last day.
            "count publication periods from the day after the decision",
            sqlite: ["UPDATE records SET public_until = date(public_until, '+1 day') WHERE public_until IS NOT NULL"],
            postgres: ["UPDATE records SET public_until = to_char(CAST(public_until AS date) + 1, 'YYYY-MM-DD') WHERE public_until IS NOT NULL"]
        ),
        Migration(
            26,
            // The 7-working-day clock is the seed's, for the administrative acts it names; courts' lists, complaints,
            // third-party and voluntary information have none (their clock columns say on time). Each record keeps the
            // clock's length it was counted with.
            "keep the length of each record's clock, and none for what the seed does not time",
            both: [
                "ALTER TABLE records ADD COLUMN clock_days INTEGER",
                "UPDATE records SET clock_days = 7 WHERE category NOT IN ('dishonest-debtor', 'false-litigation', 'complaint', 'third-party', 'voluntary')",
                """
                UPDATE records SET late = 0, delay_working_days = 0, clock_estimated = 0, due_by = decided_on
                WHERE category IN ('dishonest-debtor', 'false-litigation', 'complaint', 'third-party', 'voluntary')
                """,
            ]
        ),
        Migration(
            27,
            // A revocation names the day the decision was revoked; its withdrawal from the platform is timed against
            // the rule's working days (3: 山东省社会信用条例 Art. 40) to the day the revocation arrived.
            "time the withdrawal of revoked decisions",
            both: [
                "ALTER TABLE records ADD COLUMN revoked_on TEXT",
                "ALTER TABLE records ADD COLUMN withdrawal_days INTEGER",
                "ALTER TABLE records ADD COLUMN withdrawal_due_by TEXT",
                "ALTER TABLE records ADD COLUMN withdrawal_late INTEGER",
                "ALTER TABLE records ADD COLUMN withdrawal_delay INTEGER",
                "CREATE INDEX records_withdrawals ON records (revoked_on) WHERE withdrawal_due_by IS NOT NULL",
            ]
        ),
        Migration(
            30,
            // Order 36's exception: a record marked uncorrected stays public past its maximum period; the maximum's last
            // day is kept beside the extended one, so that the record says why it is still public.
            "keep the maximum period's last day of a record kept public because its conduct was not corrected",
            both: ["ALTER TABLE records ADD COLUMN public_max_until TEXT"]
        ),
        Migration(
            31,
            // A penalty's legal representative (the national standard's 法定代表人证件号码): the content shows the number
            // masked; the whole number is kept sealed like persons' (AES-GCM, key id), for an authorised use.
            "keep the legal representative's identity number of a record sealed",
            both: ["ALTER TABLE records ADD COLUMN representative_id_enc TEXT"]
        ),
    ]
}
