import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``CalendarStore`` promises.
public enum CalendarConformance {
    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("a loaded year is used by the calendar; a malformed one is refused and nothing is stored") { world in
            let store = world.stores.calendarStore
            let bad = HolidayYear(year: 2027, source: "x", periods: [.init(name: "元旦", from: LocalDate("2027-01-03")!, to: LocalDate("2027-01-01")!)])
            await #expect(throws: CalendarLoadError.self) { try await store.load(bad, elsewhere: []) }
            let stored = try await store.fetchAll()
            #expect(stored.isEmpty)

            let year = HolidayYear(
                year: 2027,
                source: "test",
                periods: [.init(name: "元旦", from: LocalDate("2027-01-01")!, to: LocalDate("2027-01-03")!, workdays: [])]
            )
            _ = try await store.load(year, elsewhere: [])
            let calendar = try await store.calendar(onFallback: nil)
            #expect(calendar.hasData(for: 2027))
            #expect(!calendar.isWorkingDay(LocalDate("2027-01-01")!))
            #expect(calendar.adding(workingDays: 7, to: LocalDate("2026-02-12")!) == LocalDate("2026-02-28"), "shipped years stay")
        },
        PortBehaviour("a loaded arrangement moves the 7-working-day deadline, and the fingerprint tells that something was loaded") { world in
            let store = world.stores.calendarStore
            let before = try await store.fingerprint()
            // Without 2027's arrangement only the law's holidays count (see `HolidayYear.madeUp2027`).
            #expect(try await store.calendar(onFallback: nil).adding(workingDays: 7, to: LocalDate("2027-02-01")!) == LocalDate("2027-02-16"))
            _ = try await store.load(.madeUp2027, elsewhere: [])
            #expect(try await store.fingerprint() != before)
            #expect(try await store.calendar(onFallback: nil).adding(workingDays: 7, to: LocalDate("2027-02-01")!) == LocalDate("2027-02-17"))
            #expect(try await store.fetchAll().map(\.year) == [2027])
        },
    ]
}
