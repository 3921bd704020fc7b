import CreditCore
import CreditDemo
import CreditStore
import CreditWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit

/// `credit-bench --http`: throughput and latency over HTTP with keep-alive, measured by wrk (2 threads, 32
/// connections), against a bare Hummingbird route served from the same binary (the ceiling); then credit checks
/// against the entity lookup, and the batch check of 1,000 subjects. The city must hold its entities already; list
/// entries are written straight into the tables the check reads (100,000, a tenth on legal representatives).
enum HTTPBench {
    struct Run {
        var requestsPerSecond: Double
        var p50: String
        var p99: String
        var errors: String?
    }

    /// Runs wrk against `base` with a Lua script (the paths it cycles through, headers, an optional POST body).
    static func wrk(
        _ base: String,
        paths: [String],
        headers: [String: String] = [:],
        body: String? = nil,
        connections: Int = 32,
        threads: Int = 2,
        seconds: Int = 10
    )
        throws -> Run
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("credit-bench-wrk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func lua(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var script = "local paths = {" + paths.map(lua).joined(separator: ",") + "}\nlocal i = 0\n"
        for (name, value) in headers { script += "wrk.headers[\(lua(name))] = \(lua(value))\n" }
        if let body {
            script += "wrk.method = \"POST\"\nwrk.body = \(lua(body))\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
        }
        script += "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
        let file = folder.appendingPathComponent("run.lua")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--timeout", "30s", "--latency", "-s", file.path, base]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        func value(after label: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
                .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
        }
        let errors = output.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }.joined(separator: "; ")
        return Run(
            requestsPerSecond: Double(value(after: "Requests/sec:") ?? "") ?? 0,
            p50: value(after: "50%") ?? "?",
            p99: value(after: "99%") ?? "?",
            errors: errors.isEmpty ? nil : errors
        )
    }

    /// Writes `count` published records (penalties and licences of the market regulator, five to an entity on
    /// average) unless the database holds them, so that a check's record lookups run against a city-sized table.
    static func records(_ report: inout Report, db: CreditDatabase, entities: Int, count: Int, seed: UInt64) async throws {
        let existing = try await db.read { sql in
            try await sql.raw("SELECT count(*) AS n FROM records").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        guard existing < count else { return report.emit("reused \(existing) records") }
        let city = DemoCity(seed: seed)
        let market = DemoCity.departments.first { $0.name.contains("市场监督管理") }!.code
        let columns = [
            "department_code", "category", "document_number", "version", "status", "subject_code", "subject_name", "matched", "decided_on",
            "received_at", "due_by", "late", "delay_working_days", "severity", "content", "catalogue_version", "public_from", "public_until",
            "updated_at",
        ]
        let now = Date().formatted(.iso8601)
        let started = ContinuousClock.now
        for chunkStart in stride(from: existing, to: count, by: 5000) {
            let rows = (chunkStart..<min(chunkStart + 5000, count)).map { n -> [BulkValue] in
                let item = city.item(at: (n &* 7919) % entities)
                let penalty = n % 5 != 0
                return [
                    .text(market), .text(penalty ? "penalty" : "license"), .text("基准记〔2026〕\(n)号"), .integer(1), .text("active"),
                    .text(item.entity.code.rawValue), .text(item.entity.name), .integer(1), .text("2026-01-05"), .text(now), .text("2026-01-14"),
                    .integer(0), .integer(0), penalty ? .text("general") : .null, .text("{}"), .text("bench"), .text("2026-01-05"),
                    penalty ? .text("2026-04-04") : .null, .text(now),
                ]
            }
            try await db.transaction { _, bulk in try await bulk.insert(into: "records", columns: columns, rows: rows) }
        }
        report.emit("wrote \(count - existing) records in \(String(format: "%.0f", CreditBench.seconds(ContinuousClock.now - started))) s")
    }

    /// Writes `count` entries of `market-serious-violator` on entities and a tenth of `dishonest-judgment-debtor` on
    /// their legal representatives, unless the database holds them; returns codes to check (a tenth of them listed).
    static func listings(db: CreditDatabase, entities: Int, count: Int, seed: UInt64) async throws -> (codes: [String], listed: Int) {
        let city = DemoCity(seed: seed)
        let existing = try await db.read { sql in
            try await sql.raw("SELECT count(*) AS n FROM listings").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let market = DemoCity.departments.first { $0.name.contains("市场监督管理") }!.code
        let court = DemoCity.departments.first { $0.name.contains("法院") }!.code
        let direct = count - count / 10
        if existing < count {
            let columns = [
                "list_code", "department_code", "subject_kind", "subject_key", "subject_name", "document_number", "reason", "basis", "starts_on",
                "ends_on", "notice_served_on", "industries", "status", "version", "list_types_version", "created_at", "updated_at",
            ]
            let now = Date().formatted(.iso8601)
            func row(_ list: String, _ department: String, _ kind: String, _ key: String, _ name: String, _ n: Int) -> [BulkValue] {
                [
                    .text(list), .text(department), .text(kind), .text(key), .text(name), .text("基准〔2026〕\(n)号"), .text("基准"), .text("基准"),
                    .text("2026-01-05"), .text("2028-01-04"), .text("2025-12-29"), .text(""), .text("listed"), .integer(1), .text("2026-04-01"),
                    .text(now), .text(now),
                ]
            }
            let step = max(entities / count, 1)
            for chunkStart in stride(from: 0, to: direct, by: 5000) {
                let rows = (chunkStart..<min(chunkStart + 5000, direct)).map { n -> [BulkValue] in
                    let item = city.item(at: (n * step) % entities)
                    return row("market-serious-violator", market, "entity", item.entity.code.rawValue, item.entity.name, n)
                }
                try await db.transaction { _, bulk in try await bulk.insert(into: "listings", columns: columns, rows: rows) }
            }
            // Legal representatives of other entities: their entities are hit through them.
            let people = try await db.read { sql in
                try await sql.raw(
                    """
                    SELECT p.id_number_hmac, p.name FROM entity_roles r JOIN persons p ON p.id = r.person_id
                    WHERE r.role = 'legal-representative' AND r.ends_on IS NULL ORDER BY r.entity_id DESC LIMIT \(unsafeRaw: String(count / 10))
                    """
                ).all().map { (try $0.decode(column: "id_number_hmac", as: String.self), try $0.decode(column: "name", as: String.self)) }
            }
            let rows = people.enumerated().map { n, p in row("dishonest-judgment-debtor", court, "person", p.0, p.1, direct + n) }
            for chunk in stride(from: 0, to: rows.count, by: 5000) {
                let part = Array(rows[chunk..<min(chunk + 5000, rows.count)])
                try await db.transaction { _, bulk in try await bulk.insert(into: "listings", columns: columns, rows: part) }
            }
        }
        // Nine unlisted subjects to one listed: a city's checks mostly find nothing.
        var rng = SplitMix64(seed: 11)
        let step = max(entities / count, 1)
        let codes = (0..<2000).map { n in
            n % 10 == 0
                ? city.item(at: (rng.below(direct) * step) % entities).entity.code.rawValue : city.item(at: rng.below(entities)).entity.code.rawValue
        }
        return (codes, count)
    }

    static func run(
        _ report: inout Report,
        db: CreditDatabase,
        stores: CreditStores,
        entities: Int,
        records: Int,
        listings: Int,
        seed: UInt64,
        logger: Logger
    )
        async throws
    {
        let (codes, listed) = try await Self.listings(db: db, entities: entities, count: listings, seed: seed)
        let account = try await stores.accounts.createAccount(name: "bench approver", role: .approver, departmentCode: nil, entityCode: nil)
        let token = try await stores.accounts.issueToken(accountID: account.id, expiresAt: nil).token
        let auth = ["Authorization": "Bearer \(token)"]
        let bare = Application(
            router: {
                let router = Router()
                router.get("/") { _, _ in "ok" }
                return router
            }(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
        let platform = try await buildApplication(
            configuration: AppConfiguration(port: 0, checkpointInterval: nil, anonymousRequestsPerMinute: nil, reloadInterval: nil),
            dependencies: AppDependencies(stores: stores),
            logger: logger
        )
        let batchBody =
            "{\"scenario\":\"public-resource-trading\",\"purpose\":\"bench\",\"subjects\":["
            + codes.prefix(1000).map { "{\"code\":\"\($0)\"}" }.joined(separator: ",") + "]}"
        let runs = try await bare.test(.live) { bareClient in
            try await platform.test(.live) { client in
                let ceiling = "http://127.0.0.1:\(bareClient.port!)"
                let base = "http://127.0.0.1:\(client.port!)"
                _ = try wrk(ceiling, paths: ["/"], seconds: 2)  // warm-up
                return [
                    ("bare Hummingbird route (ceiling)", try wrk(ceiling, paths: ["/"])),
                    ("404", try wrk(base, paths: ["/no-such-page"])),
                    ("/healthz", try wrk(base, paths: ["/healthz"])),
                    ("entity lookup", try wrk(base, paths: codes.map { "/api/v1/entities/\($0)" })),
                    (
                        "credit check (approver token; 1 in 10 listed)",
                        try wrk(base, paths: codes.map { "/api/v1/check?code=\($0)&scenario=government-procurement&purpose=bench" }, headers: auth)
                    ),
                    (
                        "batch check of 1,000 subjects (one connection)",
                        try wrk(base, paths: ["/api/v1/checks"], headers: auth, body: batchBody, connections: 1, threads: 1)
                    ),
                ]
            }
        }
        report.emit("\n### HTTP with keep-alive (wrk -t2 -c32 -d10s; \(entities) entities, \(records) records, \(listed) list entries)\n")
        report.emit("| route | requests/s | p50 | p99 | against the ceiling | errors |")
        report.emit("|---|---|---|---|---|---|")
        let ceiling = runs[0].1.requestsPerSecond
        for (name, run) in runs {
            report.emit(
                "| \(name) | \(String(format: "%.0f", run.requestsPerSecond)) | \(run.p50) | \(run.p99) | \(String(format: "%.2f", run.requestsPerSecond / ceiling))× | \(run.errors ?? "") |"
            )
        }
        let lookup = runs[3].1.requestsPerSecond
        report.emit("\nchecks against the entity lookup: \(String(format: "%.2f", runs[4].1.requestsPerSecond / lookup))×")
    }
}
