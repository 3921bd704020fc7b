import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import Testing

@Suite("Importing record files")
struct RecordImportTests {
    static func chunks(_ bytes: [UInt8], size: Int = 7) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            var start = 0
            while start < bytes.count {
                continuation.yield(Array(bytes[start..<min(bytes.count, start + size)]))
                start += size
            }
            continuation.finish()
        }
    }

    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [ImportSummary] = []
        func add(_ s: ImportSummary) { lock.withLock { seen.append(s) } }
        var all: [ImportSummary] { lock.withLock { seen } }
    }

    /// The header of a penalty file with the national standard's column names.
    static let header = "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别\n"

    static func file(_ codes: [String]) -> String {
        """
        行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别
        甲公司,\(codes[0]),济市监罚〔2026〕101号,2026-05-06,"罚款人民币一万元，没收违法所得",《食品安全法》第一百二十四条,一般,罚款
        乙公司,\(codes[1].dropLast())X,济市监罚〔2026〕102号,2026-05-06,罚款,某法,一般,罚款
        丙公司,\(codes[2]),济市监罚〔2026〕101号,2026-05-07,罚款,某法,一般,罚款
        丁公司,\(codes[3]),济市监罚〔2026〕104号,2026-05-07,罚款
        戊公司,\(codes[4]),"济市监罚〔2026〕105号,2026-05-07,罚款,某法,一般,罚款
        己公司,\(codes[4]),济市监罚〔2026〕106号,2026/5/8,罚款,某法,严重,罚款；责令停产停业

        """
    }

    @Test("a file's legacy code failing only its position-17 check is stored, and the summary says so", arguments: TestEngine.available)
    func legacyCode(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let text = Self.header + "庚公司,91370102MA3C4D5E03,济市监罚〔2026〕107号,2026-05-07,罚款,某法,一般,罚款\n"
            let summary = try await f.importer(batchSize: 10).run(Self.chunks(Array(text.utf8)), encoding: .auto)
            #expect(summary.accepted == 1 && summary.rejected == 0)
            #expect(summary.warned == 1 && summary.firstWarnings.map(\.line) == [2])
            #expect(summary.firstWarnings.first?.problems.map(\.code) == ["organization_code_check"])
            let stored = try await f.store.departmentRecords(RecordStoreTests.market.code, .init(), page: 1, size: 10)
            #expect(stored.items.map(\.subjectCode) == ["91370102MA3C4D5E03"])
        }
    }

    @Test("a GB 18030 file with the national column names: good rows stored, every bad row explained and queued", arguments: TestEngine.available)
    func gbFile(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let codes = f.items.map(\.entity.code.rawValue)
            let bytes = gb18030Bytes(Self.file(codes))
            #expect(!bytes.isEmpty && String(validating: bytes, as: UTF8.self) == nil, "the file really is GB 18030")
            let importer = f.importer(batchSize: 2)
            let progress = Progress()
            let summary = try await importer.run(Self.chunks(bytes), encoding: .auto) { progress.add($0) }
            #expect(summary.rows == 6)
            #expect(summary.accepted == 2 && summary.rejected == 4)
            #expect(progress.all.count == 3 && progress.all.last?.rows == 6)
            // What `credit import` prints: the rejected lines, each with its problems.
            #expect(summary.firstRejections.map(\.line) == [3, 4, 5, 6])
            #expect(summary.firstRejections.map { $0.problems.map(\.code) }.first == ["invalid_credit_code"])
            let queue = try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10)
            #expect(queue.map(\.position) == [3, 4, 5, 6])
            #expect(queue[0].problems.map(\.code) == ["invalid_credit_code"])
            #expect(queue[1].problems.map(\.code) == ["duplicate_in_file"] && queue[1].problems[0].message.contains("第 2 行"))
            #expect(queue[2].problems.map(\.code) == ["wrong_column_count"])
            #expect(queue[3].problems.map(\.code) == ["unterminated_quote"])
            #expect(queue[0].original.hasPrefix("乙公司,"), "the original line is kept, as text")
            let serious = try #require(try await f.store.publicRecords(subjectCode: codes[4], on: f.clock.today()).first)
            #expect(serious.severity == .serious && serious.decidedOn == LocalDate("2026-05-08"))

            // The same file again: nothing is duplicated.
            let again = try await importer.run(Self.chunks(bytes, size: 4096), encoding: .gb18030)
            #expect(again.unchanged == 2 && again.accepted == 0)
            #expect(try await TamperEvidentLog(database: f.db).verify().ok)
        }
    }

    @Test(
        "a NUL byte in a row (a broken export) rejects that row with its reason, and the rest of the file is stored, on both engines",
        arguments: TestEngine.available
    )
    func controlCharacters(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let codes = f.items.map(\.entity.code.rawValue)
            let file = """
                行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别
                甲公司,\(codes[0]),济市监罚〔2026〕201号,2026-05-06,罚款\u{0}一万元,《食品安全法》,一般,罚款
                乙公司,\(codes[1]),济市监罚〔2026〕\u{0}202号,2026-05-06,罚款,某法,一般,罚款
                丙公司,\(codes[2]),济市监罚〔2026〕203号,2026-05-06,"罚款	一万元",某法,一般,罚款

                """
            let summary = try await f.importer().run(Self.chunks(Array(file.utf8)), encoding: .utf8)
            #expect(summary.accepted == 1 && summary.rejected == 2)
            let queue = try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10)
            #expect(queue.map(\.problems).map { $0.map(\.code) } == [["control_character"], ["control_character"]])
            #expect(queue.map(\.problems).map { $0.map(\.field) } == [["content"], ["documentNumber"]])
            // The first keeps its document number (sent again corrected, it leaves the queue); the second has none.
            #expect(queue.map(\.documentNumber) == ["济市监罚〔2026〕201号", nil])
            #expect(queue[0].original.contains("罚款\u{0}一万元"), "kept as sent (sealed)")

            // A message quoting what was sent (a header with a NUL in it) is kept with the control character shown as �.
            let jobs = SQLImportJobStore(database: f.db, clock: f.clock)
            let job = try await jobs.create(
                departmentCode: RecordStoreTests.market.code,
                accountID: nil,
                category: "penalty",
                encoding: "auto",
                filename: "处罚.csv",
                sizeBytes: nil
            )
            try await jobs.update(id: job.id, status: .failed, summary: ImportSummary(), error: "未知列“名\u{0}称” / unknown column")
            #expect(try await jobs.fetch(id: job.id)?.error == "未知列“名\u{FFFD}称” / unknown column")
        }
    }

    @Test(
        "a summary keeps the first 20 rejected rows in file order to show, across batches, and counts all of them",
        arguments: TestEngine.available
    )
    func firstRejections(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let code = f.items[0].entity.code.rawValue
            var file = Self.header
            for i in 0..<45 {
                // Every third row is good; the others are decided in the future (lines 3, 4, 6, 7, …).
                let decided = i % 3 == 0 ? "2026-05-06" : "2099-01-0\(1 + i % 9)"
                file += "甲公司,\(code),济市监罚〔2026〕R\(i)号,\(decided),罚款,某法,一般,罚款\n"
            }
            let summary = try await f.importer(batchSize: 7).run(Self.chunks(Array(file.utf8)), encoding: .utf8)
            #expect(summary.accepted == 15 && summary.rejected == 30)
            let lines = (0..<45).filter { $0 % 3 != 0 }.map { $0 + 2 }
            #expect(summary.firstRejections.map(\.line) == Array(lines.prefix(ImportSummary.keptRejections)))
            #expect(summary.firstRejections.allSatisfy { $0.problems.map(\.code) == ["future_date"] })
        }
    }

    @Test("rows with long texts are stored in batches bounded by bytes as well as rows", arguments: TestEngine.available)
    func longRows(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let code = f.items[0].entity.code.rawValue
            // 1,500 rows of about 6 KB (2,000-character contents): 9 MB, more than two batches' worth of bytes.
            let text = String(repeating: "罚", count: 1_990)
            var file = Self.header
            for i in 0..<1_500 { file += "甲公司,\(code),济市监罚〔2026〕L\(i)号,2026-05-06,\(text)\(i),某法,一般,罚款\n" }
            let importer = f.importer()
            let progress = Progress()
            let summary = try await importer.run(Self.chunks(Array(file.utf8), size: 1 << 20), encoding: .utf8) { progress.add($0) }
            #expect(summary.accepted == 1_500)
            // 4,000 rows would be one batch; 4 MiB of rows is about 700 of these (each ~6,050 bytes as read).
            let rows = progress.all.map(\.rows)
            #expect(rows.count == 3 && rows.last == 1_500)
            #expect((600...800).contains(rows[0]) && (1_200...1_600).contains(rows[1]))
        }
    }

    @Test(
        "a UTF-8 file with a damaged line: that line is refused (invalid_encoding) and queued, the others stored; a UTF-16 file or a GB 18030 file sent as UTF-8 is refused whole, saying what to do",
        arguments: TestEngine.available
    )
    func damagedBytes(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let code = f.items[0].entity.code.rawValue
            let header = Self.header
            func line(_ n: Int) -> String { "甲公司,\(code),济市监罚〔2026〕2\(n)号,2026-05-06,罚款,《食品安全法》第一百二十四条,一般,罚款\n" }
            // Line 3 has a byte no encoding makes text of (a copy that went wrong), in the first 64 KiB that decide the encoding.
            var bytes = Array((header + line(1)).utf8) + Array("乙公司".utf8) + [0xFF] + Array(line(2).dropFirst(3).utf8)
            bytes += Array((line(3) + line(4)).utf8)
            for encoding in [FileEncoding.auto, .utf8] {
                let summary = try await f.importer().run(Self.chunks(bytes), encoding: encoding)
                #expect(summary.rows == 4, "\(encoding)")
                #expect(summary.accepted + summary.unchanged == 3 && summary.rejected == 1, "\(encoding): \(summary)")
                #expect(summary.firstRejections.map(\.line) == [3] && summary.firstRejections.first?.problems.map(\.code) == ["invalid_encoding"])
            }
            let queue = try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10)
            #expect(queue.map(\.position) == [3] && queue.first?.original.hasPrefix("乙公司\u{FFFD},") == true, "queued once, its text kept")

            let refusals: [(String, [UInt8], FileEncoding, String)] = [
                (
                    "UTF-16 (Excel's Unicode text)", [0xFF, 0xFE] + Array(header.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, .auto,
                    "UTF-16"
                ),
                ("GB 18030 sent as UTF-8", gb18030Bytes(header + line(5)), .utf8, "声明了编码"),
            ]
            for (name, file, encoding, hint) in refusals {
                do {
                    _ = try await f.importer().run(Self.chunks(file), encoding: encoding)
                    Issue.record("\(name) was not refused")
                } catch let failure as ImportFailure {
                    #expect(failure.code == "wrong_encoding" && failure.message.contains(hint), "\(name): \(failure)")
                }
            }
            #expect(try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10).count == 1)
        }
    }

    @Test("a file that cannot be read at all is refused whole with the reason, and nothing is stored")
    func unreadable() async throws {
        try await RecordStoreTests.with(.sqlite) { f in
            let importer = f.importer()
            let cases: [(String, String)] = [
                ("", "empty_file"),
                ("\u{FEFF}", "empty_file"),
                ("行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚内容,处罚依据,失信程度,处罚类别,经办人\n", "unknown_columns"),  // 备注 is the standard's
                ("行政相对人名称,统一社会信用代码,处罚决定日期\n", "missing_columns"),
                ("行政相对人名称,行政相对人名称,统一社会信用代码\n", "duplicate_column"),
                // Saved as tab-delimited text, or with semicolons: the columns named, the separator is the problem.
                ("行政相对人名称\t统一社会信用代码\t行政处罚决定书文号\t处罚决定日期\n甲\t乙\t丙\t2026-05-08\n", "wrong_separator"),
                ("行政相对人名称;统一社会信用代码;行政处罚决定书文号\n", "wrong_separator"),
            ]
            for (text, code) in cases {
                do {
                    _ = try await importer.run(Self.chunks(Array(text.utf8)), encoding: .auto)
                    Issue.record("\(code) was not refused")
                } catch let failure as any CreditError {
                    #expect(failure.code == code)
                    if code == "unknown_columns" { #expect(failure.message.contains("“经办人”")) }
                    if code == "wrong_separator" { #expect(failure.message.contains("逗号分隔的 CSV")) }
                }
            }
            let wrongCategory = RecordImporter(
                catalogue: f.catalogue,
                store: f.store,
                departmentCode: RecordStoreTests.market.code,
                category: "gossip",
                today: f.clock.today(),
                source: "file"
            )
            await #expect(throws: ImportFailure.self) { try await wrongCategory.run(Self.chunks([]), encoding: .auto) }
            #expect(try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10).isEmpty)
        }
    }

    @Test(
        "a registration file stored over several batches: in file order (a change sees the row before it), refused rows queued, progress per batch",
        arguments: TestEngine.available
    )
    func registrationBatches(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let registry = SQLRegistryStore(database: f.db, keys: TestDatabase.keys, clock: f.clock)
            func code(_ n: Int) throws -> String { try #require(CreditCode.completing("91370102MA7R0000\(n)")).rawValue }
            func id(_ n: Int) throws -> String { try #require(IdentityNumber.completing("3701021980020200\(n)")).rawValue }
            let file = """
                统一社会信用代码,主体名称,主体类型,行政区划代码,行业代码,成立日期,法定代表人,法定代表人证件号码,变更原因
                \(try code(1)),济南甲有限公司,企业,370102,65,2024-03-01,孙一,\(try id(1)),
                \(try code(2)),济南乙有限公司,企业,370102,65,2024-03-01,周二,\(try id(2)),
                91370102MA7R00001Z,代码有误的公司,企业,370102,65,2024-03-01,吴三,\(try id(3)),
                \(try code(1)),济南甲科技有限公司,企业,370102,65,2024-03-01,孙一,\(try id(1)),名称变更
                \(try code(3)),济南丙有限公司,企业,370102,65,2024-03-01,孙一,\(try id(1)),

                """
            let importer = EntityImporter(
                registry: registry,
                records: f.store,
                tables: .standard,
                departmentCode: RecordStoreTests.market.code,
                today: f.clock.today(),
                source: "test",
                batchSize: 2
            )
            let progress = Progress()
            let summary = try await importer.run(Self.chunks(Array(file.utf8)), encoding: .auto) { progress.add($0) }
            #expect(summary.accepted == 3 && summary.updated == 1 && summary.rejected == 1)
            #expect(progress.all.map(\.rows) == [2, 4, 5], "a report as each batch commits, in order")
            let versions = try await registry.fetchVersions(code: try CreditCode(validating: try code(1)))
            #expect(versions.map(\.name) == ["济南甲有限公司", "济南甲科技有限公司"] && versions.last?.reason == "名称变更")
            #expect(try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10).map(\.position) == [4])
            #expect(try await TamperEvidentLog(database: f.db).verify().ok)

            // Sent again: the file replays its rows in order, so 甲 goes back to its first name and then to the second
            // (two new versions); 乙 and 丙 are unchanged; the refused row is answered again but not queued twice.
            let again = try await importer.run(Self.chunks(Array(file.utf8), size: 4096), encoding: .auto)
            #expect(again.unchanged == 2 && again.updated == 2 && again.rejected == 1, "\(again)")
            #expect(try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 10).count == 1)
        }
    }
}
