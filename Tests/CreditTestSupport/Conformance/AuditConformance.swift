import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``AuditTrail`` promises.
public enum AuditConformance {
    /// An event of `action` by account `account`, as the server records one.
    public static func event(_ action: AuditAction, account: Int? = nil, subject: String? = nil, purpose: String? = nil) -> AuditEvent {
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

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("events are found by day, account, subject and action, newest first") { world in
            let clock = world.clock
            clock.set(LocalDate("2026-11-25")!)
            let trail = world.stores.audit
            try await trail.record(event(.read, account: 1, subject: "A", purpose: "执法检查"))
            clock.set(LocalDate("2026-11-26")!)
            try await trail.record(event(.refused, account: 2, subject: "B"))
            try await trail.record(event(.change, account: 1, subject: "B"))
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
        },
        PortBehaviour("what a caller sent is recorded even when it holds a control character (shown as U+FFFD), on both engines") { world in
            let trail = world.stores.audit
            try await trail.record(event(.refused, account: 1, subject: "off\u{0}ice", purpose: "核查\u{1}"))
            let recorded = try await trail.search(AuditQuery(), page: 1, size: 10).items
            #expect(recorded.map(\.subject) == ["off\u{FFFD}ice"])
            #expect(recorded.map(\.purpose) == ["核查\u{FFFD}"])
        },
    ]
}
