import ArgumentParser
import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成演示城市 / generate a deterministic synthetic city (the same N and seed give the same data)."
    )

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Number of entities to generate.") var entities: Int
    @Option(help: "Seed of the generator.") var seed: UInt64 = 2019
    @Flag(help: "Also store three years of the departments' credit records about the city's first 20,000 entities.")
    var records = false

    func validate() throws {
        guard (1...50_000_000).contains(entities) else { throw ValidationError("--entities must be between 1 and 50,000,000") }
    }

    func run() async throws {
        let logger = Log.make("credit")
        let database = try await db.open(logger: logger)
        let keys = try db.keys(logger: logger)
        let registry = try await CreditStores.open(database: database, keys: keys).registry
        do {
            let existing = try await registry.countEntities()
            guard existing == 0 else {
                throw CleanExit.message(
                    "数据库中已有 \(existing) 户主体，演示数据只写入空库 / the database already holds \(existing) entities; the demo city is only generated into an empty database"
                )
            }
            let start = ContinuousClock.now
            let interactive = isatty(2) != 0
            try await DemoLoader(registry: registry).load(entities: entities, seed: seed) { done, total in
                let percent = done * 100 / total
                let elapsed = (ContinuousClock.now - start).components.seconds
                let line = "生成中 / generating: \(done)/\(total) (\(percent)%) \(elapsed)s"
                if interactive {
                    printError("\r" + line, terminator: "")
                } else if done == total || done % (max(total / 20, 1)) < 1000 {
                    printError(line)
                }
            }
            if interactive { printError("") }
            let elapsed = ContinuousClock.now - start
            let seconds = String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            print("已生成 \(entities) 户主体（种子 \(seed)），用时 \(seconds) 秒 / generated \(entities) entities (seed \(seed)) in \(seconds) s")
            if records {
                let stored = try await DemoCityRecords.store(
                    database: database,
                    keys: keys,
                    signer: try db.signer(logger: logger),
                    entities: entities,
                    seed: seed
                )
                print("已存入 \(stored) 条信用记录 / stored \(stored) credit records")
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// The demo city's credit records (``DemoRecords``), stored through the real record store on a clock set to each
/// day of arrival, for the entities of a demo city just generated.
enum DemoCityRecords {
    /// Records are generated about at most this many entities (a larger city's first ones): memory stays small.
    static let maxEntities = 20_000

    /// - Parameter signer: signs the demo checks' receipts: the server's key, so that they verify on it.
    static func store(database: CreditDatabase, keys: PersonalDataKeys, signer: CheckpointSigner, entities: Int, seed: UInt64) async throws -> Int {
        let now = Date()
        let clock = FixedClock(now)
        let stores = try await CreditStores.open(database: database, keys: keys, signer: signer, clock: clock)
        let stored = try await DemoRecords(city: DemoCity(seed: seed)).load(
            into: stores.records,
            clock: clock,
            catalogues: stores.catalogues,
            entities: min(entities, maxEntities),
            now: now,
            calendar: stores.calendars.current
        )
        // The lists at work: entries on every list, a ban, and an approver's checks, made today.
        clock.set(now)
        try await DemoListings(city: DemoCity(seed: seed)).load(
            listings: stores.listings,
            checks: stores.checks,
            entities: min(entities, maxEntities),
            today: clock.today()
        )
        // Repair cases and objections in every state, some of them weeks old.
        _ = try await DemoRepairs(city: DemoCity(seed: seed)).load(
            repairs: stores.repairs,
            objections: stores.objections,
            records: stores.records,
            clock: clock,
            entities: min(entities, maxEntities)
        )
        // Commitments kept, broken (each an adverse record, counted with the others), due and overdue, and public ones.
        let demoCommitments = DemoCommitments(city: DemoCity(seed: seed))
        let departments = try await stores.registry.fetchDepartments()
        let commitments = try await demoCommitments.load(
            commitments: stores.commitments,
            departments: departments,
            clock: clock,
            entities: min(entities, maxEntities)
        )
        // Voluntary information accepted (each a record, counted with the others) and one waiting for review.
        let accepted = try await demoCommitments.loadVoluntary(
            stores.voluntary,
            departments: departments,
            clock: clock,
            entities: min(entities, maxEntities)
        )
        // A few special credit reports, as entities would ask for them: the last three years.
        let today = clock.today()
        for index in [0, 1, 2] where index < entities {
            _ = try await stores.reports.issue(
                subjectCode: DemoCity(seed: seed).item(at: index).entity.code.rawValue,
                from: today.adding(years: -3).adding(days: 1).description,
                to: today.description,
                issuedTo: "企业经办人"
            )
        }
        return stored + (commitments.byState["broken"] ?? 0) + accepted
    }
}
