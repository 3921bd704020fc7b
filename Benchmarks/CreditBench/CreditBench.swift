import CreditCore
import CreditDemo
import CreditStore
import CreditWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit

/// `credit-bench`: measures the foundation's hot paths on a generated city.
///
///     swift run -c release credit-bench --entities 1000000 --database sqlite:/tmp/bench.sqlite
///     swift run -c release credit-bench --entities 1000000 --database postgres://postgres@127.0.0.1:5432/bench
///
/// An empty database is filled with `DemoCity` first (timed); a database that already holds the
/// requested number of entities is reused. Every figure is printed with a baseline measured in the
/// same run, because the machines are shared and bare times are noisy.
@main
struct CreditBench {
    static func main() async throws {
        var entities = 1_000_000
        var database = "sqlite:bench-\(entities).sqlite"
        var seed: UInt64 = 2019
        var args = CommandLine.arguments.dropFirst()
        var databaseGiven = false
        var verifyLeaves: Int?
        var ingestRows: Int?
        var registerRows: Int?
        var contentChars = 0
        var http = false
        var listings = 100_000
        var records = 5_000_000
        while let arg = args.popFirst() {
            switch arg {
            case "--entities": entities = Int(args.popFirst() ?? "") ?? entities
            case "--database":
                database = args.popFirst() ?? database
                databaseGiven = true
            case "--seed": seed = UInt64(args.popFirst() ?? "") ?? seed
            case "--verify-leaves": verifyLeaves = Int(args.popFirst() ?? "")
            case "--ingest": ingestRows = Int(args.popFirst() ?? "")
            case "--content-chars": contentChars = Int(args.popFirst() ?? "") ?? 0
            case "--register": registerRows = Int(args.popFirst() ?? "")
            case "--http": http = true
            case "--listings": listings = Int(args.popFirst() ?? "") ?? listings
            case "--records": records = Int(args.popFirst() ?? "") ?? records
            default:
                print(
                    "usage: credit-bench [--entities N] [--database URL] [--seed S] | --verify-leaves N --database URL | --ingest N [--content-chars C] --database URL | --register N --database URL | --http [--entities N] [--listings N] [--records N] --database URL"
                )
                return
            }
        }
        if !databaseGiven { database = "sqlite:bench-\(entities).sqlite" }
        var logger = Logger(label: "credit-bench")
        logger.logLevel = .warning
        let url = try DatabaseURL(parsing: database)
        let db = try await CreditDatabase.open(url, readers: 2, logger: logger)
        try await db.migrate()
        let keys = PersonalDataKeys.ephemeral()
        let stores = try await CreditStores.open(database: db, keys: keys)
        // The lookups and searches measure the SQL store itself.
        let registry = SQLRegistryStore(database: db, keys: keys)
        var report = Report()
        if let rows = ingestRows {
            report.emit("## credit-bench: ingest of \(rows) rows on \(db.engine.rawValue) (\(url))")
            try await IngestBench.run(&report, db: db, url: url, rows: rows, contentChars: contentChars, seed: seed)
            await db.close()
            return
        }
        if let rows = registerRows {
            report.emit("## credit-bench: registration files of \(rows) entities on \(db.engine.rawValue) (\(url))")
            try await RegisterBench.run(&report, db: db, url: url, rows: rows, seed: seed)
            await db.close()
            return
        }
        if http {
            report.emit("## credit-bench: HTTP on \(db.engine.rawValue) (\(url))")
            let city = try await registry.countEntities()
            if city < entities { try await fillCity(&report, registry: registry, entities: entities, seed: seed) }
            try await HTTPBench.records(&report, db: db, entities: entities, count: records, seed: seed)
            try await HTTPBench.run(
                &report,
                db: db,
                stores: stores,
                entities: entities,
                records: records,
                listings: listings,
                seed: seed,
                logger: logger
            )
            await db.close()
            return
        }
        if let leaves = verifyLeaves {
            report.emit("## credit-bench: verification of \(leaves) log entries on \(db.engine.rawValue) (\(url))")
            try await VerifyBench.run(&report, db: db, leaves: leaves)
            await db.close()
            return
        }
        report.emit("## credit-bench: \(entities) entities on \(db.engine.rawValue) (\(url))")
        report.emit("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB")

        try await benchmarkCodes(&report, seed: seed)
        try await fillCity(&report, registry: registry, entities: entities, seed: seed)
        try await benchmarkLookups(&report, db: db, registry: registry, entities: entities, seed: seed)
        try await benchmarkSearch(&report, db: db, registry: registry, entities: entities, seed: seed)
        try await benchmarkHTTP(&report, db: db, stores: stores, entities: entities, seed: seed, logger: logger)
        try await benchmarkSecurity(&report, db: db)
        await db.close()
    }

    /// Credit-code validations per second, against copying the same strings' bytes (the floor of touching the input).
    static func benchmarkCodes(_ report: inout Report, seed: UInt64) async throws {
        let city = DemoCity(seed: seed)
        let codes = (0..<100_000).map { city.item(at: $0).entity.code.rawValue.lowercased() }
        let clock = ContinuousClock()
        var valid = 0
        let rounds = 10
        let start = clock.now
        for _ in 0..<rounds {
            for c in codes where (try? CreditCode(validating: c)) != nil { valid += 1 }
        }
        let elapsed = clock.now - start
        var bytes = 0
        let baseStart = clock.now
        for _ in 0..<rounds {
            for c in codes { bytes &+= Array(c.uppercased().utf8).count }
        }
        let base = clock.now - baseStart
        precondition(valid == codes.count * rounds && bytes > 0)
        let perSecond = Double(codes.count * rounds) / seconds(elapsed)
        let basePerSecond = Double(codes.count * rounds) / seconds(base)
        report.header("Credit-code validation (in process)")
        report.row(
            "validations per second",
            String(format: "%.0f", perSecond),
            String(format: "%.0f upper-case + byte copies/s", basePerSecond),
            basePerSecond / perSecond
        )
    }

    /// Generates the city into an empty database, timing it, or reuses a full one.
    static func fillCity(_ report: inout Report, registry: SQLRegistryStore, entities: Int, seed: UInt64) async throws {
        let existing = try await registry.countEntities()
        report.header("Demo city generation")
        if existing >= entities {
            report.emit("| reused an existing database of \(existing) entities | – | – | – |")
            return
        }
        precondition(existing == 0, "the benchmark database holds \(existing) entities; use an empty one or one of \(entities)")
        let clock = ContinuousClock()
        // Baseline: generating the same items without storing them.
        let city = DemoCity(seed: seed)
        let genStart = clock.now
        var checksum = 0
        for i in 0..<entities { checksum &+= city.item(at: i).entity.name.utf8.count }
        let generateOnly = clock.now - genStart
        precondition(checksum > 0)
        let start = clock.now
        try await DemoLoader(registry: registry).load(entities: entities, seed: seed) { done, total in
            if (done / DemoLoader.batchSize) % 50 == 1 { FileHandle.standardError.write(Data("  stored \(done)/\(total)\n".utf8)) }
        }
        let total = clock.now - start
        report.row(
            "generate and store \(entities) entities",
            String(format: "%.1f s (%.0f entities/s)", seconds(total), Double(entities) / seconds(total)),
            String(format: "%.1f s to generate only", seconds(generateOnly)),
            seconds(total) / seconds(generateOnly)
        )
        report.row("peak resident memory of the process", String(format: "%.0f MiB", peakMemoryMiB()), "–", 1)
    }

    /// Entity lookup by code, in process, against `SELECT 1` on the same connection pool.
    static func benchmarkLookups(_ report: inout Report, db: CreditDatabase, registry: SQLRegistryStore, entities: Int, seed: UInt64) async throws {
        let city = DemoCity(seed: seed)
        var rng = SplitMix64(seed: 99)
        let codes = (0..<2000).map { _ in city.item(at: rng.below(entities)).entity.code }
        let lookup = try await measure("lookup", count: codes.count) { i in
            guard try await registry.fetchEntity(code: codes[i]) != nil else { fatalError("missing \(codes[i])") }
        }
        let floor = try await measure("select 1", count: codes.count) { _ in
            try await db.read { sql in try await sql.raw("SELECT 1").run() }
        }
        report.header("Entity lookup by code (in process, \(codes.count) random codes)")
        report.row("p50", micros(lookup.p50), micros(floor.p50) + " (SELECT 1)", lookup.p50 / floor.p50)
        report.row("p99", micros(lookup.p99), micros(floor.p99) + " (SELECT 1)", lookup.p99 / floor.p99)
    }

    /// Name search for 2-, 3- and 4-character fragments of real names, against lookup by code.
    static func benchmarkSearch(_ report: inout Report, db: CreditDatabase, registry: SQLRegistryStore, entities: Int, seed: UInt64) async throws {
        let city = DemoCity(seed: seed)
        var rng = SplitMix64(seed: 7)
        let codes = (0..<300).map { _ in city.item(at: rng.below(entities)).entity.code }
        let floor = try await measure("code", count: codes.count) { i in
            _ = try await registry.searchEntities(.init(term: .code(codes[i]), page: 1, size: 20))
        }
        report.header("Name search, first page of 20 with total (300 fragments of random names each)")
        for length in [2, 3, 4] {
            let fragments: [String] = (0..<300).map { _ in
                let name = Array(NameSearch.normalize(city.item(at: rng.below(entities)).entity.name))
                let start = rng.below(name.count - length + 1)
                return String(name[start..<(start + length)])
            }
            // Untimed warm-up, as every other measurement has: the first queries of a fresh process are cold.
            for fragment in fragments.prefix(30) { _ = try await registry.searchEntities(.init(term: .nameFragment(fragment), page: 1, size: 20)) }
            var totals: [Int] = []
            let search = try await measure("search \(length)", count: fragments.count, warmup: 0) { i in
                totals.append(try await registry.searchEntities(.init(term: .nameFragment(fragments[i]), page: 1, size: 20)).total)
            }
            // The slowest fragments, to standard error: where a plan needs work.
            let slowest = search.nanos.enumerated().sorted { $0.element > $1.element }.prefix(4)
            let lines = slowest.map { "\(fragments[$0.offset]) (\(totals[$0.offset]) matches) \(millis($0.element))" }
            FileHandle.standardError.write(Data("  slowest \(length)-character fragments: \(lines.joined(separator: ", "))\n".utf8))
            report.row("\(length) characters p50", millis(search.p50), millis(floor.p50) + " (search by code)", search.p50 / floor.p50)
            report.row("\(length) characters p99", millis(search.p99), millis(floor.p99) + " (search by code)", search.p99 / floor.p99)
        }
    }

    /// Lookup and search over HTTP on loopback, against a 404 under /api (the HTTP stack with no database work).
    static func benchmarkHTTP(
        _ report: inout Report,
        db: CreditDatabase,
        stores: CreditStores,
        entities: Int,
        seed: UInt64,
        logger: Logger
    ) async throws {
        let city = DemoCity(seed: seed)
        var rng = SplitMix64(seed: 5)
        let codes = (0..<1000).map { _ in city.item(at: rng.below(entities)).entity.code.rawValue }
        let dependencies = AppDependencies(stores: stores)
        let app = try await buildApplication(
            configuration: AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: nil),
            dependencies: dependencies,
            logger: logger
        )
        let (lookup, floor) = try await app.test(.live) { client in
            let lookup = try await measure("http lookup", count: codes.count) { i in
                try await client.execute(uri: "/api/v1/entities/\(codes[i])", method: .get) { precondition($0.status == .ok) }
            }
            let floor = try await measure("http 404", count: codes.count) { _ in
                try await client.execute(uri: "/api/v1/no-such-route", method: .get) { precondition($0.status == .notFound) }
            }
            return (lookup, floor)
        }
        report.header("Entity lookup over HTTP (loopback, one connection)")
        report.row("p50", micros(lookup.p50), micros(floor.p50) + " (404 under /api)", lookup.p50 / floor.p50)
        report.row("p99", micros(lookup.p99), micros(floor.p99) + " (404 under /api)", lookup.p99 / floor.p99)
    }

    /// Token authentication against `SELECT 1`; Merkle hashing in memory; verification of the whole log.
    static func benchmarkSecurity(_ report: inout Report, db: CreditDatabase) async throws {
        let accounts = try await CreditStores.open(database: db, keys: .ephemeral()).accounts
        let account = try await accounts.createAccount(name: "bench", role: .approver, departmentCode: nil, entityCode: nil)
        let token = try await accounts.issueToken(accountID: account.id, expiresAt: nil).token
        let auth = try await measure("auth", count: 2000) { _ in
            guard try await accounts.authenticate(token: token) != nil else { fatalError("token refused") }
        }
        let floor = try await measure("select 1", count: 2000) { _ in try await db.read { sql in try await sql.raw("SELECT 1").run() } }
        report.header("Token authentication per request (in process)")
        report.row("p50", micros(auth.p50), micros(floor.p50) + " (SELECT 1)", auth.p50 / floor.p50)
        report.row("p99", micros(auth.p99), micros(floor.p99) + " (SELECT 1)", auth.p99 / floor.p99)

        report.header("Merkle log")
        let clock = ContinuousClock()
        for n in [1_000_000, 10_000_000] {
            let start = clock.now
            var leaves: [Data] = []
            leaves.reserveCapacity(n)
            for i in 0..<n { leaves.append(MerkleTree.leafHash(Data("leaf \(i)".utf8))) }
            let hashed = clock.now - start
            let rootStart = clock.now
            let root = MerkleTree.root(leaves)
            let rooted = clock.now - rootStart
            precondition(root.count == 32)
            report.row(
                "hash \(n) leaves, then their root (in memory)",
                String(format: "%.0f leaves/s; root in %.2f s", Double(n) / seconds(hashed), seconds(rooted)),
                String(format: "%.2f s hashing", seconds(hashed)),
                seconds(rooted) / seconds(hashed)
            )
        }
        let verifyStart = clock.now
        let result = try await TamperEvidentLog(database: db).verify()
        let verified = clock.now - verifyStart
        precondition(result.ok, "\(result)")
        let lookupStart = clock.now
        _ = try await TamperEvidentLog(database: db).leafHashes()
        let readOnly = clock.now - lookupStart
        report.row(
            "credit verify over \(result.size) entries",
            String(format: "%.1f s", seconds(verified)),
            String(format: "%.1f s reading the stored leaf hashes", seconds(readOnly)),
            seconds(verified) / seconds(readOnly)
        )
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
