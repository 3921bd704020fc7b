/// The catalogue versions the credit office loads (`credit catalog load`, `PUT /api/v1/catalog`); the shipped version is
/// always known and never stored. Implemented by `CreditStore`.
public protocol CatalogueStore: Sendable {
    /// Checks and stores a new version; versions are never rewritten.
    /// - Throws: ``CatalogueError`` `invalid_catalog` listing every problem, or `catalog_version_exists`.
    func load(_ catalogue: Catalogue, loadedBy: String?) async throws
    /// Every stored version, in order of their effective dates.
    func all() async throws -> [Catalogue]
    /// The names of the stored versions (a name seen is a version known).
    func storedVersions() async throws -> Set<String>
    /// The shipped catalogue and every stored version.
    func versions() async throws -> CatalogueVersions
}
