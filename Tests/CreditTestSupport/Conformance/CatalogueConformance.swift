import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``CatalogueStore`` promises: versions are stored once, never rewritten, and put in force on their day.
public enum CatalogueConformance {
    /// The shipped catalogue under a new version name, in force from `from`.
    static func next(_ version: String, from: String) throws -> Catalogue {
        var next = try Catalogue.bundled()
        next.version = version
        next.effectiveFrom = LocalDate(from)!
        return next
    }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("a loaded version is stored once and is in force from its day; the shipped one before it") { world in
            let store = world.stores.catalogueStore
            let shipped = try Catalogue.bundled()
            #expect(try await store.storedVersions().isEmpty, "the shipped version is known, not stored")
            try await store.load(try next("2026-12-test", from: "2026-12-01"), loadedBy: "test")
            #expect(try await store.storedVersions() == ["2026-12-test"])
            #expect(try await store.all().map(\.version) == ["2026-12-test"])
            let versions = try await store.versions()
            #expect(versions.inForce(on: ConformanceWorld.today).version == shipped.version)
            #expect(versions.inForce(on: LocalDate("2026-12-01")!).version == "2026-12-test")
        },
        PortBehaviour("a version is never rewritten, and an invalid one is refused with every problem and stores nothing") { world in
            let store = world.stores.catalogueStore
            try await store.load(try next("2026-12-test", from: "2026-12-01"), loadedBy: "test")
            do {
                try await store.load(try next("2026-12-test", from: "2027-01-01"), loadedBy: "test")
                Issue.record("the same version was loaded twice")
            } catch let error as CatalogueError {
                #expect(error.code == "catalog_version_exists")
            }
            // Retroactive and without categories: both are said.
            var invalid = try next("2026-11-test", from: "2026-11-01")
            invalid.categories = []
            do {
                try await store.load(invalid, loadedBy: "test")
                Issue.record("a catalogue without categories was loaded")
            } catch let error as CatalogueError {
                #expect(error.code == "invalid_catalog")
                #expect(error.message.contains("早于今天") && error.message.contains("没有类别"), "\(error.message)")
            }
            #expect(try await store.storedVersions() == ["2026-12-test"])
            #expect(try await store.all().first?.effectiveFrom == LocalDate("2026-12-01"))
        },
    ]
}
