import CreditCore
import CreditDemo
import CreditStore
import Foundation
import SQLKit

/// `credit-bench --ingest N --database URL`: N penalty and licence rows (half each) written as CSV files with the
/// national standard's Chinese headers, ingested through the real validation path (`RecordImporter` →
/// `SQLRecordStore`), and — on the same files, in the same run — loaded with `sqlite3 .import` or `psql \copy`
/// into bare tables with the same unique key and subject index. Reports rows/s, the ratio, and peak memory.
/// `--content-chars C` makes each row's content C characters longer (three bytes each in UTF-8; at most 2,000 in
/// all): with 1,800, a million rows are a file of about 2 GB, for the memory bound on very large files.
enum IngestBench {
    static let penaltyHeader = "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别"
    static let licenseHeader = "行政相对人名称,统一社会信用代码,行政许可决定文书号,许可决定日期,许可内容,许可依据,许可类别"

    static func run(_ report: inout Report, db: CreditDatabase, url: DatabaseURL, rows: Int, contentChars: Int, seed: UInt64) async throws {
        let clock = ContinuousClock()
        let stores = try await CreditStores.open(database: db, keys: .ephemeral())
        let registry = stores.registry
        if try await registry.countEntities() == 0 {
            try await DemoLoader(registry: registry).load(entities: 2_000, seed: seed) { _, _ in }
        }
        let city = DemoCity(seed: seed)
        let codes = (0..<2_000).map { city.item(at: $0).entity.code.rawValue }
        let department = DemoCity.departments[1].code
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("credit-ingest-\(rows)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let penalty = folder.appendingPathComponent("penalty.csv").path
        let license = folder.appendingPathComponent("license.csv").path
        let padding = String(repeating: "罚", count: max(0, min(contentChars, 1_980)))
        let generateStart = clock.now
        try write(path: penalty, header: penaltyHeader, rows: rows / 2) { i in
            "某公司\(i),\(codes[i % codes.count]),济市监罚〔2026〕\(i)号,2026-0\(1 + i % 9)-1\(i % 10),罚款人民币\(i % 100 + 1)千元\(padding),《食品安全法》第一百二十四条,\(["一般", "严重", "轻微"][i % 3]),罚款"
        }
        try write(path: license, header: licenseHeader, rows: rows - rows / 2) { i in
            "某公司\(i),\(codes[i % codes.count]),鲁食许〔2026〕\(i)号,2026-0\(1 + i % 9)-2\(i % 8),食品经营许可\(padding),《食品经营许可管理办法》,食品经营"
        }
        let generated = clock.now - generateStart
        report.header("Ingest \(rows) rows (\(rows / 2) penalties, \(rows - rows / 2) licences) on \(db.engine.rawValue)")
        let bytes = [penalty, license].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }.reduce(0, +)
        report.row(
            String(format: "write the two CSV files (%.0f MiB)", Double(bytes) / 1_048_576),
            String(format: "%.1f s", CreditBench.seconds(generated)),
            "-",
            1
        )

        let store = stores.records
        var ours = 0.0
        var total = ImportSummary()
        for (path, category) in [(penalty, "penalty"), (license, "license")] {
            let importer = RecordImporter(
                catalogue: try Catalogue.bundled(),
                store: store,
                departmentCode: department,
                category: category,
                today: LocalDate("2026-11-26")!,
                source: "bench"
            )
            let start = clock.now
            let summary = try await importer.run(FileChunks(path: path), encoding: .auto)
            ours += CreditBench.seconds(clock.now - start)
            total.accepted += summary.accepted
            total.rejected += summary.rejected
            total.unchanged += summary.unchanged
        }
        precondition(total.rejected == 0, "rows were rejected: \(total)")

        let bare = try bareLoad(url: url, folder: folder, penalty: penalty, license: license)
        report.row(
            "ingest through the validation path (accepted \(total.accepted), unchanged \(total.unchanged))",
            String(format: "%.0f rows/s (%.1f s)", Double(rows) / ours, ours),
            String(format: "%.0f rows/s (%.1f s) bare %@", Double(rows) / bare, bare, isSQLite(url) ? "sqlite3 .import" : "psql \\copy"),
            bare / ours
        )
        let floors: [(perTransaction: Int?, measure: String, baseline: String)] = [
            (
                nil,
                "ingest through the validation path, against the engine copying the stored rows into empty copies of the platform's three tables",
                "storage floor, one transaction"
            ),
            (
                RecordImporter.defaultBatchSize, "the same, the floor committing every \(RecordImporter.defaultBatchSize) rows as the import does",
                "storage floor in the import's transactions"
            ),
        ]
        for floor in floors {
            let seconds = try await storageFloor(db: db, rowsPerTransaction: floor.perTransaction)
            report.row(
                floor.measure,
                String(format: "%.0f rows/s", Double(rows) / ours),
                String(format: "%.0f rows/s (%.1f s) %@", Double(rows) / seconds, seconds, floor.baseline),
                seconds / ours
            )
        }
        report.row("peak memory of the process", String(format: "%.0f MiB", peakMemoryMiB()), "target < 500 MiB", 1)
    }

    /// The ingest's storage floor: what the engine alone takes to write the rows the ingest stored (records,
    /// versions, log leaves) into empty copies of the same three tables — same columns, keys, indexes and foreign
    /// keys — with `INSERT … SELECT`: no parsing, no application work; in one transaction, or committing every
    /// `rowsPerTransaction` records (with their versions and log leaves) as the import does.
    /// Returns the seconds it took; the copies are dropped afterwards.
    static func storageFloor(db: CreditDatabase, rowsPerTransaction: Int?) async throws -> Double {
        let tables = ["records", "record_versions", "log_entries"]
        let postgres = db.engine == .postgres
        try await db.transaction { sql in
            for table in tables.reversed() { try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: "floor_" + table)").run() }
            for table in tables {
                if postgres {
                    try await sql.raw("CREATE TABLE \(unsafeRaw: "floor_" + table) (LIKE \(unsafeRaw: table) INCLUDING ALL)").run()
                    let keys = try await sql.raw(
                        "SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = \(bind: table)::regclass AND contype = 'f'"
                    ).all()
                    for key in keys {
                        let definition = try key.decode(column: "definition", as: String.self)
                            .replacingOccurrences(of: "REFERENCES records(", with: "REFERENCES floor_records(")
                        try await sql.raw("ALTER TABLE \(unsafeRaw: "floor_" + table) ADD \(unsafeRaw: definition)").run()
                    }
                } else {
                    // The table's and its indexes' own statements, renamed (automatic indexes come with the table).
                    let statements = try await sql.raw("SELECT sql FROM sqlite_master WHERE tbl_name = \(bind: table) AND sql IS NOT NULL").all()
                    for statement in statements {
                        let text = try statement.decode(column: "sql", as: String.self)
                            .replacingOccurrences(of: "TABLE \(table) ", with: "TABLE floor_\(table) ")
                            .replacingOccurrences(of: " ON \(table) ", with: " ON floor_\(table) ")
                            .replacingOccurrences(of: "INDEX \(table)_", with: "INDEX floor_\(table)_")
                            .replacingOccurrences(of: "REFERENCES records(", with: "REFERENCES floor_records(")
                        try await sql.raw("\(unsafeRaw: text)").run()
                    }
                }
            }
        }
        let (first, last) = try await db.read { sql in
            let row = try await sql.raw("SELECT MIN(id) AS first, MAX(id) AS last FROM records").first()
            return (try row?.decode(column: "first", as: Int?.self) ?? 0, try row?.decode(column: "last", as: Int?.self) ?? 0)
        }
        let step = rowsPerTransaction ?? (last - first + 1)
        let clock = ContinuousClock()
        let start = clock.now
        for low in stride(from: first, through: last, by: max(1, step)) {
            let high = low + step - 1
            try await db.transaction { sql in
                // `WHERE` also keeps SQLite from copying the tables' pages wholesale (its transfer optimisation).
                try await sql.raw("INSERT INTO floor_records SELECT * FROM records WHERE id BETWEEN \(bind: low) AND \(bind: high)").run()
                try await sql.raw(
                    "INSERT INTO floor_record_versions SELECT * FROM record_versions WHERE record_id BETWEEN \(bind: low) AND \(bind: high)"
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO floor_log_entries SELECT * FROM log_entries
                    WHERE kind = \(bind: SQLRecordStore.versionKind) AND subject_id BETWEEN \(bind: low) AND \(bind: high)
                    """
                ).run()
            }
        }
        let elapsed = CreditBench.seconds(clock.now - start)
        try await db.transaction { sql in
            for table in tables.reversed() { try await sql.raw("DROP TABLE \(unsafeRaw: "floor_" + table)").run() }
        }
        return elapsed
    }

    static func write(path: String, header: String, rows: Int, line: (Int) -> String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        var buffer = header + "\n"
        for i in 0..<rows {
            buffer += line(i) + "\n"
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    /// Loads both files into bare tables (same unique key and subject index as `records`) with the engine's own
    /// bulk loader; returns the seconds it took.
    static func bareLoad(url: DatabaseURL, folder: URL, penalty: String, license: String) throws -> Double {
        let penaltyTable =
            "CREATE TABLE bare_penalty (subject_name TEXT, subject_code TEXT, document_number TEXT UNIQUE, decided_on TEXT, content TEXT, basis TEXT, severity TEXT, kinds TEXT); CREATE INDEX bare_penalty_subject ON bare_penalty (subject_code);"
        let licenseTable =
            "CREATE TABLE bare_license (subject_name TEXT, subject_code TEXT, document_number TEXT UNIQUE, decided_on TEXT, content TEXT, basis TEXT, kind TEXT); CREATE INDEX bare_license_subject ON bare_license (subject_code);"
        let start = Date()
        switch url {
        case .sqlite:
            let file = folder.appendingPathComponent("bare.sqlite").path
            try? FileManager.default.removeItem(atPath: file)
            try run(
                "/usr/bin/sqlite3",
                [
                    file, "PRAGMA journal_mode=WAL;", penaltyTable + licenseTable, ".mode csv", ".import --skip 1 \(penalty) bare_penalty",
                    ".import --skip 1 \(license) bare_license",
                ]
            )
        case .postgres:
            try psql("DROP TABLE IF EXISTS bare_penalty, bare_license", on: url)
            let setupStart = Date()
            try psql(penaltyTable + licenseTable, on: url)
            let setup = Date().timeIntervalSince(setupStart)
            let copyStart = Date()
            try psql("\\copy bare_penalty FROM '\(penalty)' WITH (FORMAT csv, HEADER true)", on: url)
            try psql("\\copy bare_license FROM '\(license)' WITH (FORMAT csv, HEADER true)", on: url)
            return Date().timeIntervalSince(copyStart) + setup
        }
        return Date().timeIntervalSince(start)
    }

    /// Runs one command with `psql` (from `$CREDIT_PG_BIN` when set) on the PostgreSQL database of `url`.
    static func psql(_ command: String, on url: DatabaseURL) throws {
        guard case .postgres(let host, let port, let user, let password, let database) = url else { return }
        let tool = ProcessInfo.processInfo.environment["CREDIT_PG_BIN"].map { $0 + "/psql" } ?? "/usr/bin/psql"
        let connection = "postgres://\(user)\(password.map { ":" + $0 } ?? "")@\(host):\(port)/\(database)"
        try run(tool, ["-q", "-v", "ON_ERROR_STOP=1", connection, "-c", command])
    }

    static func isSQLite(_ url: DatabaseURL) -> Bool {
        if case .sqlite = url { return true }
        return false
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }
}
