import CreditCore
import Foundation
import SQLKit
import Synchronization

/// The list-type versions loaded by the credit office (the shipped version is not stored: it is always known).
///
/// Every check reads them, so they are kept in memory for up to ``maxAge``: a version loaded through this store is
/// seen at once, one loaded through another server within that time (versions take effect on a day, loaded ahead).
public struct SQLListTypeStore: ListTypeStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let cache = Cache()

    /// How long the versions read are kept.
    static let maxAge: Duration = .seconds(5)

    final class Cache: Sendable {
        let state = Mutex<(versions: ListTypeVersions, readAt: ContinuousClock.Instant)?>(nil)
    }

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock()) {
        self.db = database
        self.clock = clock
    }

    public func load(_ types: ListTypes, loadedBy: String?) async throws {
        let problems = types.problems(today: clock.today())
        guard problems.isEmpty else { throw ListError(code: "invalid_list_types", message: problems.joined(separator: "；")) }
        let exists = ListError(
            code: "list_types_version_exists",
            message: "名单类型版本 \(types.version) 已存在，版本不可改写 / list types version \(types.version) exists; versions are never rewritten"
        )
        defer { cache.state.withLock { $0 = nil } }
        try await VersionedDocuments(db: db, table: "list_type_versions", clock: clock).insert(
            types,
            version: types.version,
            effectiveFrom: types.effectiveFrom,
            loadedBy: loadedBy,
            shipped: ListTypes.shipped.version,
            exists: exists
        )
    }

    public func versions() async throws -> ListTypeVersions {
        let now = ContinuousClock.now
        if let cached = cache.state.withLock({ $0 }), now - cached.readAt < Self.maxAge { return cached.versions }
        let stored = try await VersionedDocuments(db: db, table: "list_type_versions", clock: clock).all(ListTypes.self)
        let versions = ListTypeVersions([ListTypes.shipped] + stored)
        cache.state.withLock { $0 = (versions, now) }
        return versions
    }
}
