import CreditCore
import Logging

/// Puts a catalogue version loaded with `credit catalog load` in force in the running server, as
/// `PUT /api/v1/catalog` does: versions are never rewritten, so a version stored and not yet known is added.
public final class CatalogueReloader: Sendable {
    let store: any CatalogueStore
    let catalogues: CatalogueVersions
    let logger: Logger

    public init(dependencies: AppDependencies, logger: Logger) {
        self.store = dependencies.catalogueStore
        self.catalogues = dependencies.catalogues
        self.logger = logger
    }

    /// Looks once; returns the versions added, in order of their effective dates (empty when there were none).
    @discardableResult
    public func reloadIfChanged() async throws -> [String] {
        let known = Set(catalogues.all.map(\.version))
        guard !(try await store.storedVersions()).isSubset(of: known) else { return [] }
        let added = try await store.all().filter { !known.contains($0.version) }
        for catalogue in added {
            catalogues.add(catalogue)
            logger.info(
                "catalogue version put in force",
                metadata: ["version": .string(catalogue.version), "effectiveFrom": .string(catalogue.effectiveFrom.description)]
            )
        }
        return added.map(\.version)
    }
}
