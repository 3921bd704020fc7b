import Foundation

extension Migration {
    /// File imports: jobs, their progress, and where each record came from.
    static let imports: [Migration] = [
        Migration(
            13,
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
            15,
            // The import that last stored a record and its line: duplicates inside one file are found by the
            // database, so an import's memory does not grow with the file.
            "remember which file import and line last stored each record",
            both: [
                "ALTER TABLE records ADD COLUMN import_id TEXT",
                "ALTER TABLE records ADD COLUMN import_position INTEGER",
            ]
        ),
        Migration(
            21,
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
            23,
            // The server that runs an upload: a server starting again fails only its own running jobs (and, as
            // any server does every minute, those nobody has touched for ten minutes), not another server's.
            "name the server that runs an import",
            both: ["ALTER TABLE import_jobs ADD COLUMN server TEXT"]
        ),
        Migration(
            24,
            // A department's upload page lists its newest jobs first.
            "index import jobs by department, newest first",
            both: ["CREATE INDEX import_jobs_department ON import_jobs (department_code, id)"]
        ),
        Migration(
            28,
            // Rows stored with a warning (a legacy code failing position 17, a stated 公示截止期 the rule differs from).
            "count the rows of an import stored with a warning",
            both: ["ALTER TABLE import_jobs ADD COLUMN warned BIGINT NOT NULL DEFAULT 0"]
        ),
        Migration(
            29,
            // A department's files of one category may name their columns their own way: the mapping is saved once.
            "keep each department's column mappings for its files, per category",
            portable: [
                """
                CREATE TABLE column_mappings (department_code TEXT NOT NULL, category TEXT NOT NULL, mapping TEXT NOT NULL,
                account_id $BIGINT, saved_at TEXT NOT NULL, PRIMARY KEY (department_code, category))
                """
            ]
        ),
    ]
}
