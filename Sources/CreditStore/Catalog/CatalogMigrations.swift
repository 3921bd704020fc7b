import Foundation

extension Migration {
    /// The catalogue versions the credit office loads.
    static let catalog: [Migration] = [
        Migration(
            14,
            "keep the catalogue versions the credit office loads, with their effective dates",
            both: [
                "CREATE TABLE catalogue_versions (version TEXT PRIMARY KEY, effective_from TEXT NOT NULL, document TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT)"
            ]
        )
    ]
}
