import CreditCore
import CreditStore
import Foundation
import Testing

/// Every port's conformance suite, one line per port; the storage tests run each behaviour on SQLite and PostgreSQL
/// (`ConformanceTests`).
public enum Conformance {
    static let suites: [(port: String, behaviours: [PortBehaviour])] = [
        ("RegistryStore", RegistryConformance.behaviours),
        ("AccountStore", AccountConformance.behaviours),
        ("AuditTrail", AuditConformance.behaviours),
        ("RecordStore", RecordConformance.behaviours),
        ("ImportJobStore", ImportJobConformance.behaviours),
        ("CatalogueStore", CatalogueConformance.behaviours),
        ("CalendarStore", CalendarConformance.behaviours),
        ("ListTypeStore", ListTypeConformance.behaviours),
        ("ListingStore, CheckStore and SubscriptionStore", ListingConformance.behaviours),
        ("RepairStore", RepairConformance.behaviours),
        ("ObjectionStore", ObjectionConformance.behaviours),
        ("RepairStore, ObjectionStore and CaseDeadlineStore: steps and clocks", CaseDeadlineConformance.behaviours),
        ("CommitmentStore", CommitmentConformance.behaviours),
        ("VoluntaryStore", VoluntaryConformance.behaviours),
        ("ReportStore", ReportConformance.behaviours),
        ("CreditLog", LogConformance.behaviours),
    ]

    /// Every behaviour of every port, named by its port.
    public static let all: [PortBehaviour] = suites.flatMap { suite in suite.behaviours.map { $0.of(suite.port) } }
}

/// One behaviour a port promises, written against the port alone, so that every implementation of the port can be
/// held to it. A port's suite is the list of its behaviours (`RegistryConformance.behaviours`, …).
public struct PortBehaviour: Sendable, CustomStringConvertible {
    let port: String?
    let sentence: String
    let check: @Sendable (ConformanceWorld) async throws -> Void

    public var description: String { port.map { "\($0): \(sentence)" } ?? sentence }

    init(_ sentence: String, _ check: @escaping @Sendable (ConformanceWorld) async throws -> Void) {
        self.init(port: nil, sentence: sentence, check: check)
    }

    private init(port: String?, sentence: String, check: @escaping @Sendable (ConformanceWorld) async throws -> Void) {
        self.port = port
        self.sentence = sentence
        self.check = check
    }

    /// The behaviour, named as one of `port`'s.
    func of(_ port: String) -> PortBehaviour { PortBehaviour(port: port, sentence: sentence, check: check) }

    /// Checks the behaviour on the standard stores over a fresh database on `engine`.
    public func check(on engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: ConformanceWorld.today)
            try await check(ConformanceWorld(stores: try await TestDatabase.stores(db, clock: clock), clock: clock))
        }
    }
}

/// What a behaviour is checked against: one implementation of every port over a fresh database, and its clock.
public struct ConformanceWorld: Sendable {
    /// The day every suite starts on (a Thursday, a working day).
    public static let today = LocalDate("2026-11-26")!

    public let stores: CreditStores
    public let clock: FixedClock

    /// Registers the demo city's first `count` entities and its departments.
    @discardableResult
    public func seed(_ count: Int) async throws -> [NewEntity] {
        try await TestDatabase.seedDemo(stores.registry, count: count)
    }
}

/// Runs `body`, which a port should refuse with a ``CreditError`` of `code`; the message, for what else it must say.
@discardableResult
func expectError(_ code: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> String? {
    do {
        try await body()
        Issue.record("expected \(code)", sourceLocation: sourceLocation)
    } catch let error as any CreditError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        return error.message
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
