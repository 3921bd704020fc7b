import CreditTestSupport
import Testing

/// Each port's conformance suite (`Tests/CreditTestSupport/Conformance`) on every engine.
@Suite("Each port keeps its contract")
struct ConformanceTests {
    @Test("every behaviour each port promises", arguments: TestEngine.available, Conformance.all)
    func conforms(_ engine: TestEngine, _ behaviour: PortBehaviour) async throws { try await behaviour.check(on: engine) }
}
