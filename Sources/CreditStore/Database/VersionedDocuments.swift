import CreditCore
import Foundation
import SQLKit

/// Versions of a document the credit office loads (the catalogue, the list types), one row each in `table`
/// (`version`, `effective_from`, `document`, `loaded_at`, `loaded_by`): stored once, never rewritten.
struct VersionedDocuments {
    let db: CreditDatabase
    let table: String
    let clock: any CreditClock

    /// Stores a version; throws `exists` when the version is stored already (or meanwhile) or is the shipped one.
    func insert(
        _ document: some Encodable,
        version: String,
        effectiveFrom: LocalDate,
        loadedBy: String?,
        shipped: String?,
        exists: some Error
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(document), as: UTF8.self)
        let now = Timestamp.string(clock.now())
        do {
            try await db.transaction { sql in
                if try await sql.select().column("version").from(table).where("version", .equal, version).first() != nil || version == shipped {
                    throw exists
                }
                try await sql.insert(into: table).columns("version", "effective_from", "document", "loaded_at", "loaded_by")
                    .values(SQLBind(version), SQLBind(effectiveFrom.description), SQLBind(text), SQLBind(now), SQLBind(loadedBy))
                    .run()
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw exists  // the same version stored meanwhile (PostgreSQL: by a load not committed when this one looked)
        }
    }

    /// Every stored version, in order of their effective dates.
    func all<Document: Decodable & Sendable>(_ type: Document.Type) async throws -> [Document] {
        try await db.read { sql in
            try await sql.raw("SELECT document FROM \(ident: table) ORDER BY effective_from").all().map {
                try JSONDecoder().decode(Document.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
            }
        }
    }
}
