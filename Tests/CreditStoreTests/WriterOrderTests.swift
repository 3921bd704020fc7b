import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import SQLKit
import Testing

/// Writers that change the same rows at the same time (PostgreSQL runs them side by side; SQLite one after another):
/// none waits for another in a circle, and none leaves a row as if the other had not been there.
@Suite("Writers at the same time: registrations, departments' batches, calendar and catalogue loads, accounts")
struct WriterOrderTests {
    @Test(
        "a company registered while a department's batch about it is being stored: both are stored, and the record is matched",
        arguments: TestEngine.available,
        ["a correction of a record kept unmatched", "a new record"]
    )
    func registeredWhileStored(_ engine: TestEngine, _ batch: String) async throws {
        try await RecordStoreTests.with(engine) { f in
            let entity = try RecordStoreTests.newcomer(f)
            let code = entity.code.rawValue
            let number = "济市监罚〔2026〕31号"
            let original = RecordStoreTests.penalty(code, number: number, decidedOn: "2026-05-08")
            var submission = original
            if batch.hasPrefix("a correction") {
                let first = try #require(try await f.submit(RecordStoreTests.market, [original]).first?.id)
                #expect(try await f.store.fetchRecord(id: first)?.matched == false)
                submission = RecordSubmission(
                    category: "penalty",
                    fields: RecordStoreTests.penalty(code, number: number, decidedOn: "2026-05-08", content: "罚款人民币八千元").fields,
                    changeReason: "金额录入错误"
                )
            }
            // Every writer that reaches its append to the log waits there, its other rows written and not committed.
            let registry = SQLRegistryStore(database: f.db, keys: TestDatabase.keys, clock: f.clock)
            let items = f.items([submission])
            let (registration, stored) = try await TestDatabase.holdingTheLog(f.db) { release in
                // The registration first: it has added the company (and marked the records about it matched) when it waits.
                let registration = Started { try await registry.register(entity, reason: nil) }
                try await TestDatabase.untilWaiting(f.db, count: 1, unlessEnded: [registration.ended])
                // Then the department's batch about it, which must not store the record as unmatched, nor wait in a
                // circle with the registration (PostgreSQL would cancel one of them after a second: "deadlock detected").
                let stored = Started {
                    try await f.store.submit(departmentCode: RecordStoreTests.market.code, items: items, source: "api")
                }
                try await TestDatabase.untilWaiting(f.db, count: 2, unlessEnded: [registration.ended, stored.ended])
                await release.open()
                return (registration, stored)
            }
            #expect(try await registration.value == .accepted)
            let results = try await stored.value
            #expect(results.map(\.status) == [batch.hasPrefix("a correction") ? .updated : .accepted])
            let id = try #require(results.first?.id)
            let record = try #require(try await f.store.fetchRecord(id: id))
            #expect(record.matched, "the record about \(code) is still unmatched: it would stay in the credit office's queue")
            #expect(try await f.store.unmatched(limit: 10).isEmpty)
            #expect(try await f.store.fetchVersions(recordID: record.id).count == (batch.hasPrefix("a correction") ? 2 : 1))
            let verification = try await TamperEvidentLog(database: f.db).verify()
            #expect(verification.ok, "\(verification)")
        }
    }

    @Test(
        "a year's holidays loaded while a department's batch counted into that year is being stored: its clock is counted with them",
        arguments: TestEngine.available
    )
    func loadedWhileStored(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let code = f.items[1].entity.code.rawValue
            // Decided Monday 1 February 2027, received the 17th: without 2027's arrangement due the 16th by the law's
            // holidays, a day late, an estimate; with `HolidayYear.madeUp2027` (Sunday the 14th worked) due the 17th.
            f.clock.set(LocalDate("2027-02-17")!)
            let items = f.items([RecordStoreTests.penalty(code, number: "济税罚〔2027〕5号", decidedOn: "2027-02-01")])
            let calendars = SQLCalendarStore(database: f.db, clock: f.clock)
            let (stored, load) = try await TestDatabase.holdingTheLog(f.db) { release in
                let stored = Started { try await f.store.submit(departmentCode: RecordStoreTests.tax.code, items: items, source: "api") }
                try await TestDatabase.untilWaiting(f.db, count: 1, unlessEnded: [stored.ended])
                guard engine == .postgres else {
                    // SQLite stores one transaction after another: the batch, then the load.
                    await release.open()
                    _ = try await stored.value
                    return (stored, Started { try await calendars.load(HolidayYear.madeUp2027) })
                }
                // The year is loaded while the batch, counted with the server's calendar without 2027, is not committed.
                let load = Started { try await calendars.load(HolidayYear.madeUp2027) }
                try await TestDatabase.untilWaiting(f.db, count: 2, unlessEnded: [stored.ended, load.ended])
                await release.open()
                return (stored, load)
            }
            let results = try await stored.value
            let recount = try await load.value
            #expect(recount.counted == 1 && recount.changed == 1 && recount.lateChanged == 1, "\(recount)")
            let id = try #require(results.first?.id)
            let record = try #require(try await f.store.fetchRecord(id: id))
            #expect(record.timeliness?.estimated == false, "left as an estimate although 2027 is loaded")
            #expect(record.timeliness?.dueBy == LocalDate("2027-02-17") && record.timeliness?.late == false)
        }
    }

    @Test(
        "one catalogue version loaded twice at once: the second is refused as existing (409 on the API), not with a database error",
        arguments: TestEngine.available
    )
    func catalogueTwice(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-27")!)
            var next = try Catalogue.bundled()
            next.version = "2026-12-test"
            next.effectiveFrom = LocalDate("2026-12-01")!
            let document = String(decoding: try JSONEncoder().encode(next), as: UTF8.self)
            // Another server stores it and has not committed when this load looks.
            let catalogue = next
            let insert: @Sendable (any SQLDatabase) async throws -> Void = { sql in
                try await sql.raw(
                    """
                    INSERT INTO catalogue_versions (version, effective_from, document, loaded_at, loaded_by)
                    VALUES ('2026-12-test', '2026-12-01', \(bind: document), '2026-11-27T02:00:00.000Z', 'cli')
                    """
                ).run()
            }
            let load = try await TestDatabase.holding(db, insert) { release in
                let load = Started { try await SQLCatalogueStore(database: db, clock: clock).load(catalogue, loadedBy: "api") }
                try await TestDatabase.untilWaiting(db, count: 1, unlessEnded: [load.ended])
                await release.open()
                return load
            }
            do {
                try await load.value
                Issue.record("the version was stored twice")
            } catch let error as CatalogueError {
                #expect(error.code == "catalog_version_exists")
            }
            #expect(try await SQLCatalogueStore(database: db, clock: clock).storedVersions() == ["2026-12-test"])
        }
    }

    @Test(
        "one login name given to two accounts at once: the second is refused as taken, not with a database error",
        arguments: TestEngine.available
    )
    func loginTwice(_ engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { db in
            let accounts = SQLAccountStore(database: db, clock: FixedClock(date: LocalDate("2026-11-27")!), keys: TestDatabase.keys, passwordCost: 4)
            let first = try await accounts.createAccount(name: "信用办 王五", role: .creditOffice, departmentCode: nil, entityCode: nil)
            let second = try await accounts.createAccount(name: "信用办 赵六", role: .creditOffice, departmentCode: nil, entityCode: nil)
            // An administrator gives the first account the name and has not committed when the second is named.
            let naming = try await TestDatabase.holding(
                db,
                { sql in
                    try await sql.raw("UPDATE accounts SET login = 'wang.wu' WHERE id = \(bind: first.id)").run()
                }
            ) { release in
                let naming = Started { try await accounts.setPassword(accountID: second.id, login: "wang.wu", password: "correct horse battery") }
                try await TestDatabase.untilWaiting(db, count: 1, unlessEnded: [naming.ended])
                await release.open()
                return naming
            }
            do {
                try await naming.value
                Issue.record("two accounts have the login name")
            } catch let error as AccountError {
                #expect(error.code == "login_taken")
            }
        }
    }
}
