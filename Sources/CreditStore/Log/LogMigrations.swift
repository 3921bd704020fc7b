import Foundation

extension Migration {
    /// The tamper-evident log and its signed checkpoints.
    static let log: [Migration] = [
        Migration(
            7,
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
            8,
            "create the signed checkpoints of the tamper-evident log",
            both: [
                """
                CREATE TABLE log_checkpoints (size INTEGER NOT NULL, root_hash TEXT NOT NULL, time TEXT NOT NULL, signature TEXT NOT NULL,
                key_id TEXT NOT NULL, public_key TEXT NOT NULL, PRIMARY KEY (size, time))
                """
            ]
        ),
    ]
}
