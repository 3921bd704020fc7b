import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``ListTypeStore`` promises: versions are stored once, never rewritten, and put in force on their day; an
/// invalid version stores nothing.
public enum ListTypeConformance {
    /// The shipped list types under a new version name, in force from `from`.
    static func next(_ version: String, from: String) throws -> ListTypes {
        var next = try ListTypes.bundled()
        next.version = version
        next.effectiveFrom = LocalDate(from)!
        return next
    }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("a loaded version of the list types is in force from its day, the shipped one before it; it is never rewritten") { world in
            let store = world.stores.listTypes
            let shipped = try ListTypes.bundled()
            #expect(try await store.versions().all.map(\.version) == [shipped.version], "the shipped version is known, not stored")
            var next = try next("2026-12-lists", from: "2026-12-01")
            next.types[0].validityMonths = 36
            try await store.load(next, loadedBy: "test")
            let versions = try await store.versions()
            #expect(versions.inForce(on: ConformanceWorld.today).version == shipped.version)
            #expect(versions.inForce(on: LocalDate("2026-12-01")!) == next)
            do {
                try await store.load(try Self.next("2026-12-lists", from: "2027-01-01"), loadedBy: "test")
                Issue.record("the same version was loaded twice")
            } catch let error as ListError {
                #expect(error.code == "list_types_version_exists")
            }
        },
        PortBehaviour("a version with a list without its legal basis, or without a fixed list, is refused with every problem and stores nothing") {
            world in
            let store = world.stores.listTypes
            var invalid = try next("2026-12-bad", from: "2026-12-01")
            invalid.types[1].basis = " "
            invalid.types.removeAll { $0.code == "a-grade-taxpayer" }
            do {
                try await store.load(invalid, loadedBy: "test")
                Issue.record("an invalid version was loaded")
            } catch let error as ListError {
                #expect(error.code == "invalid_list_types")
                #expect(error.message.contains("没有法律依据") && error.message.contains("a-grade-taxpayer"))
            }
            #expect(try await store.versions().all.count == 1)
        },
    ]
}
