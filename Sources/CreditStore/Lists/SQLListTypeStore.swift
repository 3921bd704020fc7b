import CreditCore
import Foundation
import SQLKit

/// The list-type versions loaded by the credit office (the shipped version is not stored: it is always known).
public struct SQLListTypeStore: ListTypeStore {
    let db: CreditDatabase
    let clock: any CreditClock

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
        let stored = try await VersionedDocuments(db: db, table: "list_type_versions", clock: clock).all(ListTypes.self)
        return ListTypeVersions([ListTypes.shipped] + stored)
    }
}
