import Foundation

extension Migration {
    /// Red and black lists: the list types the credit office loads.
    static let lists: [Migration] = [
        Migration(
            32,
            "keep the list-type versions the credit office loads, with their effective dates",
            both: [
                "CREATE TABLE list_type_versions (version TEXT PRIMARY KEY, effective_from TEXT NOT NULL, document TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT)"
            ]
        )
    ]
}
