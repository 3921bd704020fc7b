import CreditCore
import CreditDemo
import CreditStore
import CreditTestSupport
import CreditWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// Builds the real application over a fresh database seeded with a small demo city, and runs `body`
/// against it in process (no socket), or over a real socket with `testing: .live`.
func withTestApp(
    _ engine: TestEngine,
    entities: Int = 300,
    clock: any CreditClock = FixedClock(date: LocalDate("2026-11-26")!),
    logs: CollectingLogHandler? = nil,
    anonymousRequestsPerMinute: Int? = nil,
    testing: TestingSetup = .router,
    _ body: @escaping @Sendable (any TestClientProtocol, [DemoCity.Item]) async throws -> Void
) async throws {
    try await TestDatabase.with(engine) { db in
        let registry = SQLRegistryStore(database: db, keys: TestDatabase.keys, clock: clock)
        let items = try await TestDatabase.seedDemo(registry, count: entities)
        var logger = Logger(label: "credit-web-test") { _ in logs ?? CollectingLogHandler() }
        logger.logLevel = .trace
        let dependencies = AppDependencies(stores: try await TestDatabase.stores(db, clock: clock))
        let app = try await buildApplication(
            configuration: AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: anonymousRequestsPerMinute),
            dependencies: dependencies,
            logger: logger
        )
        try await app.test(testing) { client in try await body(client, items) }
    }
}

extension ByteBuffer {
    /// The body decoded as JSON.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(self.readableBytesView)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }

    var text: String { String(buffer: self) }
}

/// The `error` object of a JSON error body.
func errorBody(_ buffer: ByteBuffer) throws -> (code: String, message: String) {
    let error = try buffer.json()["error"] as? [String: Any]
    return (error?["code"] as? String ?? "", error?["message"] as? String ?? "")
}

/// Percent-encodes a query value.
func q(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}
