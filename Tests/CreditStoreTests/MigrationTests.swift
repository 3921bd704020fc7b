import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import Testing

@Suite("Migrations, each area's own")
struct MigrationTests {
    /// The migrations of release 6b7f95a, in order, as its `Migration.all` listed them (before each area had its own).
    static func released() throws -> [String] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: folder.appendingPathComponent("Fixtures/release-6b7f95a/migrations.txt"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    @Test("the areas' migrations keep the names and order a released database recorded; each number is used once")
    func releasedOrder() throws {
        // setup
        let released = try Self.released()
        // MUT
        let all = Migration.all
        // validate: the released ones first, as they were; new ones only after them
        #expect(Array(all.map(\.name).prefix(released.count)) == released)
        #expect(Set(all.map(\.order)).count == all.count)
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(all.first?.name == "create the table of applied migrations")
    }
}
