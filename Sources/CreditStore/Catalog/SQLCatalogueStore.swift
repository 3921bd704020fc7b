import CreditCore
import Foundation
import SQLKit

/// The catalogue versions loaded by the credit office (the shipped version is not stored: it is always known).
public struct SQLCatalogueStore: CatalogueStore {
    let db: CreditDatabase
    let clock: any CreditClock
    var documents: VersionedDocuments { VersionedDocuments(db: db, table: "catalogue_versions", clock: clock) }

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    /// Checks and stores a new version.
    /// - Throws: ``CatalogueError`` `invalid_catalog` listing every problem, or `catalog_version_exists`.
    public func load(_ catalogue: Catalogue, loadedBy: String?) async throws {
        let problems = catalogue.problems(today: clock.today())
        guard problems.isEmpty else { throw CatalogueError(code: "invalid_catalog", message: problems.joined(separator: "；")) }
        let exists = CatalogueError(
            code: "catalog_version_exists",
            message: "目录版本 \(catalogue.version) 已存在，版本不可改写 / catalogue version \(catalogue.version) exists; versions are never rewritten"
        )
        try await documents.insert(
            catalogue,
            version: catalogue.version,
            effectiveFrom: catalogue.effectiveFrom,
            loadedBy: loadedBy,
            shipped: (try? Catalogue.bundled())?.version,
            exists: exists
        )
    }

    /// Every stored version.
    public func all() async throws -> [Catalogue] { try await documents.all(Catalogue.self) }

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
