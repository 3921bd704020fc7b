import CreditCore

/// Writes a demo city into a registry in batches, generating the next batch while the previous one is
/// stored, so memory stays bounded whatever the size; registers the demo departments first and refreshes
/// the database's statistics at the end. Used by `credit demo`, `credit serve --demo` and the benchmarks.
public struct DemoLoader: Sendable {
    public let registry: any RegistryStore
    public static let batchSize = 2000

    public init(registry: any RegistryStore) { self.registry = registry }

    /// - Parameter progress: called after each batch with (entities stored, entities asked for).
    public func load(entities: Int, seed: UInt64, progress: @Sendable (Int, Int) -> Void) async throws {
        for department in DemoCity.departments { try await registry.addDepartment(department) }
        let city = DemoCity(seed: seed)
        let batches = stride(from: 0, to: entities, by: Self.batchSize).map { $0..<min($0 + Self.batchSize, entities) }
        var pending: Task<[DemoCity.Item], Never>? = batches.first.map { range in Task { range.map(city.item(at:)) } }
        for (i, range) in batches.enumerated() {
            let items = await pending!.value
            pending = i + 1 < batches.count ? Task { [next = batches[i + 1]] in next.map(city.item(at:)) } : nil
            try await registry.registerNew(items)
            progress(range.upperBound, entities)
        }
        try await registry.refreshStatistics()
    }
}
