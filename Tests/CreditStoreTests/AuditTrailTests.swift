import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Audit log")
struct AuditTrailTests {
    @Test("the database refuses to change an event or delete one younger than five years", arguments: TestEngine.available)
    func appendOnly(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let trail = SQLAuditTrail(database: db)
            try await trail.record(AuditConformance.event(.read, account: 1, subject: "A"))
            await #expect(throws: (any Error).self) {
                try await db.transaction { sql in try await sql.raw("UPDATE audit_events SET subject = 'X'").run() }
            }
            await #expect(throws: (any Error).self) {
                try await db.transaction { sql in try await sql.raw("DELETE FROM audit_events").run() }
            }
            let left = try await trail.search(AuditQuery(), page: 1, size: 10).items
            #expect(left.map(\.subject) == ["A"])
        }
    }

    @Test("pruning removes only events older than the retention, which cannot be under five years", arguments: TestEngine.available)
    func prune(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let old = FixedClock(date: LocalDate("2019-03-01")!)
            try await SQLAuditTrail(database: db, clock: old).record(AuditConformance.event(.read, account: 1, subject: "old"))
            old.set(LocalDate("2020-06-01")!)
            try await SQLAuditTrail(database: db, clock: old).record(AuditConformance.event(.read, account: 1, subject: "kept by a 7-year rule"))
            let now = FixedClock(date: LocalDate("2026-11-26")!)
            let trail = SQLAuditTrail(database: db, clock: now)
            try await trail.record(AuditConformance.event(.read, account: 1, subject: "new"))
            await #expect(throws: AuditError.self) { try await trail.prune(retentionYears: 4) }
            #expect(try await trail.prune(retentionYears: 7) == 1)
            #expect(try await trail.prune(retentionYears: 5) == 1)
            #expect(try await trail.search(AuditQuery(), page: 1, size: 10).items.map(\.subject) == ["new"])
        }
    }
}
