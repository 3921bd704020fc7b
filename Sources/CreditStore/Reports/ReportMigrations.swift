import Foundation

extension Migration {
    /// Special credit reports: each as issued, signed, with its number.
    static let reports: [Migration] = [
        Migration(
            42,
            "keep the special credit reports issued, each with its number, digest and signature",
            both: [
                """
                CREATE TABLE credit_reports (number TEXT PRIMARY KEY, subject_code TEXT NOT NULL, issued_on TEXT NOT NULL, issued_at TEXT NOT NULL,
                issued_to TEXT NOT NULL, document TEXT NOT NULL, digest TEXT NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT NULL)
                """,
                "CREATE INDEX credit_reports_subject ON credit_reports (subject_code, issued_at)",
            ]
        )
    ]
}
