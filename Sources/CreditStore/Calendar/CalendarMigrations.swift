import Foundation

extension Migration {
    /// The working-day calendar: the holiday years the credit office loads.
    static let calendar: [Migration] = [
        Migration(
            4,
            "create the table of holiday years loaded by the credit office",
            both: ["CREATE TABLE holiday_years (year INTEGER PRIMARY KEY, arrangement TEXT NOT NULL, loaded_at TEXT NOT NULL)"]
        )
    ]
}
