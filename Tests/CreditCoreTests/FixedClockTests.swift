import CreditCore
import Foundation
import Testing

@Suite("The test clock: sleepers wake when the test moves it, never on real time")
struct FixedClockTests {
    @Test("a sleeper wakes once the clock passes its deadline, not before; a cancelled one ends with CancellationError")
    func sleepers() async throws {
        // setup
        let clock = FixedClock(date: LocalDate("2026-12-07")!)
        let woke = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.untilSleeping(1)
        // MUT: 59 seconds are not enough; the 60th is
        clock.advance(by: 59)
        #expect(clock.sleeping == 1)
        clock.advance(by: 1)
        #expect(clock.sleeping == 0)
        // validate
        try await woke.value
        let cancelled = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.untilSleeping(1)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
    }
}
