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

    /// The sealed columns of the platform: table, key column, sealed column, and which rows hold a sealed value.
    static let columns: [(table: String, id: String, column: String, sealed: String)] = [
        ("persons", "id", "id_number_enc", "id_number_enc IS NOT NULL"),
        ("persons", "id", "phone_enc", "phone_enc IS NOT NULL"),
        ("accounts", "id", "totp_secret_enc", "totp_secret_enc IS NOT NULL"),
        ("rejections", "id", "original", "sealed = 1"),
        ("rejections", "id", "fields", "sealed = 1 AND fields IS NOT NULL"),
        ("records", "id", "representative_id_enc", "representative_id_enc IS NOT NULL"),
        ("listings", "id", "subject_id_enc", "subject_id_enc IS NOT NULL"),
    ]

    /// Re-seals what needs it and returns how many values were re-sealed (or sealed for the first time: rejected
    /// rows stored before they were sealed).
    /// - Parameter progress: called after each batch with the column and the count so far.
    @discardableResult
    public func run(batchSize: Int = 2_000, progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws -> Int {
        let active = keys.activeKeyID + ":"
        var total = try await sealPlainRejections(batchSize: batchSize, progress: progress)
        for (table, idColumn, column, sealedRows) in Self.columns {
            var last = 0
            while true {
                let after = last
                let rows = try await db.read { sql in
                    try await sql.raw(
                        """
                        SELECT \(ident: idColumn) AS id, \(ident: column) AS sealed FROM \(ident: table)
                        WHERE \(ident: idColumn) > \(bind: after) AND \(unsafeRaw: sealedRows)
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

    /// Seals the rejected rows stored before rejections were sealed (`sealed = 0`); returns how many values.
    func sealPlainRejections(batchSize: Int, progress: @Sendable (String, Int) -> Void) async throws -> Int {
        var total = 0
        while true {
            let rows = try await db.read { sql in
                try await sql.raw(
                    "SELECT id, original, fields FROM rejections WHERE sealed = 0 ORDER BY id LIMIT \(unsafeRaw: String(batchSize))"
                ).all()
            }
            guard !rows.isEmpty else { return total }
            var updates: [(id: Int, original: String, fields: String?)] = []
            for row in rows {
                updates.append(
                    (
                        try row.decode(column: "id", as: Int.self), try keys.seal(try row.decode(column: "original", as: String.self)),
                        try row.decode(column: "fields", as: String?.self).map { try keys.seal($0) }
                    )
                )
            }
            let batch = updates
            try await db.transaction { sql in
                for (id, original, fields) in batch {
                    try await sql.update("rejections").set("original", to: SQLBind(original)).set(
                        "fields",
                        to: fields.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null
                    )
                    .set("sealed", to: SQLBind(1)).where("id", .equal, SQLBind(id)).where("sealed", .equal, SQLBind(0)).run()
                }
            }
            total += batch.reduce(0) { $0 + ($1.fields == nil ? 1 : 2) }
            progress("rejections (sealed now)", total)
        }
    }
}
