import CreditCore
import Foundation
import SQLKit

/// Re-seals every stored personal value that is not under the active key, after a key rotation, so the
/// old key can be retired. Works in batches, each in its own transaction: it can be stopped at any moment
/// and run again, and it only ever replaces a value by the same value sealed under the active key.
public struct PersonalDataReencryption: Sendable {
    let db: CreditDatabase
    let keys: PersonalDataKeys

    public init(database: CreditDatabase, keys: PersonalDataKeys) {
        self.db = database
        self.keys = keys
    }

    /// The sealed columns of the platform: table, key column, sealed column.
    static let columns: [(table: String, id: String, column: String)] = [
        ("persons", "id", "id_number_enc"),
        ("persons", "id", "phone_enc"),
        ("accounts", "id", "totp_secret_enc"),
    ]

    /// Re-seals what needs it and returns how many values were re-sealed.
    /// - Parameter progress: called after each batch with the column and the count so far.
    @discardableResult
    public func run(batchSize: Int = 2_000, progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws -> Int {
        let active = keys.activeKeyID + ":"
        var total = 0
        for (table, idColumn, column) in Self.columns {
            var last = 0
            while true {
                let after = last
                let rows = try await db.read { sql in
                    try await sql.raw(
                        """
                        SELECT \(ident: idColumn) AS id, \(ident: column) AS sealed FROM \(ident: table)
                        WHERE \(ident: idColumn) > \(bind: after) AND \(ident: column) IS NOT NULL
                        ORDER BY \(ident: idColumn) LIMIT \(unsafeRaw: String(batchSize))
                        """
                    ).all()
                }
                guard let lastRow = rows.last else { break }
                last = try lastRow.decode(column: "id", as: Int.self)
                var updates: [(Int, String, String)] = []
                for row in rows {
                    let sealed = try row.decode(column: "sealed", as: String.self)
                    guard !sealed.hasPrefix(active) else { continue }
                    updates.append((try row.decode(column: "id", as: Int.self), sealed, try keys.seal(try keys.open(sealed))))
                }
                guard !updates.isEmpty else { continue }
                let batch = updates
                try await db.transaction { sql in
                    for (id, old, new) in batch {
                        // Only if the value is still the one read: a concurrent change is never overwritten.
                        try await sql.update(table).set(SQLIdentifier(column), to: SQLBind(new)).where(SQLIdentifier(idColumn), .equal, SQLBind(id))
                            .where(SQLIdentifier(column), .equal, SQLBind(old)).run()
                    }
                }
                total += batch.count
                progress("\(table).\(column)", total)
            }
        }
        return total
    }
}
