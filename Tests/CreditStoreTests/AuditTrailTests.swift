import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Audit log")
struct AuditTrailTests {
    static func event(_ action: AuditAction, account: Int? = nil, subject: String? = nil, purpose: String? = nil) -> AuditEvent {
        AuditEvent(
            action: action,
            principal: account.map { Principal(accountID: $0, name: "账户\($0)", role: .creditOffice) },
            method: action == .change ? "POST" : "GET",
            route: "/api/v1/entities/{code}",
            subject: subject,
            status: action == .refused ? 403 : 200,
            outcome: action == .refused ? "forbidden" : "ok",
            address: "192.0.2.7",
            requestID: UUID().uuidString,
            purpose: purpose
        )
    }

    @Test("events are found by day, account, subject and action, newest first", arguments: TestEngine.available)
    func search(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-25")!)
            let trail = SQLAuditTrail(database: db, clock: clock)
            try await trail.record(Self.event(.read, account: 1, subject: "A", purpose: "执法检查"))
            clock.set(LocalDate("2026-11-26")!)
            try await trail.record(Self.event(.refused, account: 2, subject: "B"))
            try await trail.record(Self.event(.change, account: 1, subject: "B"))
            let all = try await trail.search(AuditQuery(), page: 1, size: 10)
            #expect(all.total == 3)
            #expect(all.items.map(\.action) == [.change, .refused, .read])
            #expect(all.items.last?.purpose == "执法检查")
            #expect(all.items.last?.address == "192.0.2.7")
            #expect(all.items.last?.accountName == "账户1")
            let day = try await trail.search(AuditQuery(from: LocalDate("2026-11-25"), to: LocalDate("2026-11-25")), page: 1, size: 10)
            #expect(day.items.map(\.subject) == ["A"])
            #expect(try await trail.search(AuditQuery(accountID: 1), page: 1, size: 10).total == 2)
            #expect(try await trail.search(AuditQuery(subject: "B", action: .refused), page: 1, size: 10).items.map(\.accountID) == [2])
            #expect(try await trail.search(AuditQuery(), page: 2, size: 2).items.count == 1)
            let ascending = try await trail.events(AuditQuery(), after: 0, limit: 2)
            #expect(ascending.map(\.action) == [.read, .refused])
            #expect(try await trail.events(AuditQuery(), after: ascending[1].id!, limit: 2).map(\.action) == [.change])
        }
    }

    @Test("what a caller sent is recorded even when it holds a control character (shown as U+FFFD), on both engines", arguments: TestEngine.available)
    func controlCharacters(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let trail = SQLAuditTrail(database: db)
            try await trail.record(Self.event(.refused, account: 1, subject: "off\u{0}ice", purpose: "核查\u{1}"))
            let recorded = try await trail.search(AuditQuery(), page: 1, size: 10).items
            #expect(recorded.map(\.subject) == ["off\u{FFFD}ice"])
            #expect(recorded.map(\.purpose) == ["核查\u{FFFD}"])
        }
    }

    @Test("the database refuses to change an event or delete one younger than five years", arguments: TestEngine.available)
    func appendOnly(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let trail = SQLAuditTrail(database: db)
            try await trail.record(Self.event(.read, account: 1, subject: "A"))
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
            try await SQLAuditTrail(database: db, clock: old).record(Self.event(.read, account: 1, subject: "old"))
            old.set(LocalDate("2020-06-01")!)
            try await SQLAuditTrail(database: db, clock: old).record(Self.event(.read, account: 1, subject: "kept by a 7-year rule"))
            let now = FixedClock(date: LocalDate("2026-11-26")!)
            let trail = SQLAuditTrail(database: db, clock: now)
            try await trail.record(Self.event(.read, account: 1, subject: "new"))
            await #expect(throws: AuditError.self) { try await trail.prune(retentionYears: 4) }
            #expect(try await trail.prune(retentionYears: 7) == 1)
            #expect(try await trail.prune(retentionYears: 5) == 1)
            #expect(try await trail.search(AuditQuery(), page: 1, size: 10).items.map(\.subject) == ["new"])
        }
    }
}
