import CreditCore
import Foundation
import SQLKit

/// The catalogue versions loaded by the credit office (the shipped version is not stored: it is always known).
public struct SQLCatalogueStore: CatalogueStore {
    let db: CreditDatabase
    let clock: any CreditClock

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    /// Checks and stores a new version.
    /// - Throws: ``CatalogueError`` `invalid_catalog` listing every problem, or `catalog_version_exists`.
    public func load(_ catalogue: Catalogue, loadedBy: String?) async throws {
        let problems = catalogue.problems(today: clock.today())
        guard problems.isEmpty else { throw CatalogueError(code: "invalid_catalog", message: problems.joined(separator: "；")) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = String(decoding: try encoder.encode(catalogue), as: UTF8.self)
        let now = Timestamp.string(clock.now())
        let exists = CatalogueError(
            code: "catalog_version_exists",
            message: "目录版本 \(catalogue.version) 已存在，版本不可改写 / catalogue version \(catalogue.version) exists; versions are never rewritten"
        )
        do {
            try await db.transaction { sql in
                if try await sql.select().column("version").from("catalogue_versions").where("version", .equal, catalogue.version).first() != nil
                    || catalogue.version == (try? Catalogue.bundled())?.version
                {
                    throw exists
                }
                try await sql.insert(into: "catalogue_versions").columns("version", "effective_from", "document", "loaded_at", "loaded_by")
                    .values(
                        SQLBind(catalogue.version),
                        SQLBind(catalogue.effectiveFrom.description),
                        SQLBind(document),
                        SQLBind(now),
                        SQLBind(loadedBy)
                    )
                    .run()
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw exists  // the same version stored meanwhile (PostgreSQL: by a load not committed when this one looked)
        }
    }

    /// Every stored version.
    public func all() async throws -> [Catalogue] {
        try await db.read { sql in
            try await sql.raw("SELECT document FROM catalogue_versions ORDER BY effective_from").all().map {
                try JSONDecoder().decode(Catalogue.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
            }
        }
    }

    /// The names of the stored versions (versions are never rewritten: a name seen is a version known).
    public func storedVersions() async throws -> Set<String> {
        try await db.read { sql in
            Set(try await sql.raw("SELECT version FROM catalogue_versions").all().map { try $0.decode(column: "version", as: String.self) })
        }
    }

    /// The shipped catalogue and every stored version.
    public func versions() async throws -> CatalogueVersions {
        CatalogueVersions([try Catalogue.bundled()] + (try await all()))
    }
}
