import CreditCore
import CreditDemo
import CreditStore
import Foundation

/// `credit-bench --register N --database URL`: a registering department's file of N new entities (each with its legal
/// representative and a principal, every person new) written as CSV with the Chinese column names, stored through
/// the real path (`EntityImporter` → `SQLRegistryStore.apply`), then a change file renaming all of them; in the same
/// run both files are loaded with `sqlite3 .import` or `psql \copy` into a bare table with the credit code unique.
/// The entities come from `DemoCity` at indices far beyond any demo city, so the database may hold one already.
enum RegisterBench {
    static let header = "统一社会信用代码,主体名称,主体类型,行政区划代码,行业代码,成立日期,法定代表人,法定代表人证件号码,主要负责人,主要负责人证件号码,变更原因"

    static func run(_ report: inout Report, db: CreditDatabase, url: DatabaseURL, rows: Int, seed: UInt64) async throws {
        let clock = ContinuousClock()
        let stores = try await CreditStores.open(database: db, keys: .ephemeral())
        let (registry, records) = (stores.registry, stores.records)
        let department = DemoCity.departments[1]  // 市场监督管理局: registers the codes that start with 9
        try await registry.addDepartment(department)

        // Entities the market regulator registers, from a stretch of the generator no demo city reaches.
        let city = DemoCity(seed: seed)
        var entities: [Entity] = []
        var index = 50_000_000
        while entities.count < rows {
            let entity = city.item(at: index).entity
            if entity.code.rawValue.first == "9" { entities.append(entity) }
            index += 1
        }
        let principals = (0..<rows).map { city.item(at: 90_000_000 + $0).entity.legalRepresentative }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("credit-register-\(rows)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let newFile = folder.appendingPathComponent("registrations.csv").path
        let changeFile = folder.appendingPathComponent("changes.csv").path
        for (path, suffix, reason) in [(newFile, "", ""), (changeFile, "（变更）", "名称变更")] {
            try IngestBench.write(path: path, header: header, rows: rows) { i in
                let e = entities[i]
                let p = principals[i]
                return
                    "\(e.code.rawValue),\(e.name)\(suffix),\(e.kind.rawValue),\(e.regionCode),\(e.industryDivision),\(e.establishedOn),\(e.legalRepresentative.name),\(e.legalRepresentative.idNumber.rawValue),\(p.name),\(p.idNumber.rawValue),\(reason)"
            }
        }
        report.header("Register \(rows) new entities, then rename them, on \(db.engine.rawValue)")

        var seconds: [Double] = []
        var summaries: [ImportSummary] = []
        for path in [newFile, changeFile] {
            let importer = EntityImporter(
                registry: registry,
                records: records,
                tables: .standard,
                departmentCode: department.code,
                today: LocalDate("2026-11-26")!,
                source: "bench"
            )
            let start = clock.now
            summaries.append(try await importer.run(FileChunks(path: path), encoding: .auto))
            seconds.append(CreditBench.seconds(clock.now - start))
        }
        precondition(summaries[0].accepted == rows && summaries[1].updated == rows, "rows were not all stored: \(summaries)")

        let bare = try bareLoad(url: url, folder: folder, files: [newFile, changeFile])
        let tool = IngestBench.isSQLite(url) ? "sqlite3 .import" : "psql \\copy"
        for (i, measure) in ["new entities (accepted \(rows)), persons added with them", "the same entities renamed (updated \(rows))"].enumerated() {
            report.row(
                measure,
                String(format: "%.0f rows/s (%.1f s)", Double(rows) / seconds[i], seconds[i]),
                String(format: "%.0f rows/s (%.1f s) bare %@ of the same file", Double(rows) / bare[i], bare[i], tool),
                bare[i] / seconds[i]
            )
        }
        report.row("peak memory of the process", String(format: "%.0f MiB", peakMemoryMiB()), "-", 1)
    }

    /// Loads each file into an empty bare table (the file's columns, the credit code unique) with the engine's bulk
    /// loader; returns the seconds each took.
    static func bareLoad(url: DatabaseURL, folder: URL, files: [String]) throws -> [Double] {
        let columns =
            "code TEXT UNIQUE, name TEXT, kind TEXT, region TEXT, industry TEXT, established_on TEXT, rep_name TEXT, rep_id TEXT, principal_name TEXT, principal_id TEXT, reason TEXT"
        var seconds: [Double] = []
        for (i, file) in files.enumerated() {
            let table = "bare_registrations_\(i)"
            switch url {
            case .sqlite:
                let database = folder.appendingPathComponent("bare-\(i).sqlite").path
                try? FileManager.default.removeItem(atPath: database)
                let start = Date()
                try IngestBench.run(
                    "/usr/bin/sqlite3",
                    [database, "PRAGMA journal_mode=WAL;", "CREATE TABLE \(table) (\(columns));", ".mode csv", ".import --skip 1 \(file) \(table)"]
                )
                seconds.append(Date().timeIntervalSince(start))
            case .postgres:
                try IngestBench.psql("DROP TABLE IF EXISTS \(table)", on: url)
                let start = Date()
                try IngestBench.psql("CREATE TABLE \(table) (\(columns))", on: url)
                try IngestBench.psql("\\copy \(table) FROM '\(file)' WITH (FORMAT csv, HEADER true)", on: url)
                seconds.append(Date().timeIntervalSince(start))
            }
        }
        return seconds
    }
}
