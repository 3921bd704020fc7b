import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import Testing

@Suite("Excel workbooks")
struct XLSXTests {
    @Test("rows of the first sheet go through the same validation; a day number in a date field is a date", arguments: TestEngine.available)
    func importWorkbook(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let url = try TestWorkbook.penalties(codes: f.items.map(\.entity.code.rawValue))
            defer { try? FileManager.default.removeItem(at: url) }
            var rows: [FileRows.Row] = []
            for try await batch in try XLSXReader.batches(file: url, batchSize: 2) { rows += batch.rows }
            #expect(rows.count == 3)
            #expect((try? rows[1].get().fields)?.prefix(3) == ["甲公司", f.items[0].entity.code.rawValue, "济市监罚〔2026〕301号"])
            let importer = f.importer()
            let summary = try await importer.run(batches: try XLSXReader.batches(file: url, batchSize: 2))
            #expect(summary.accepted == 1 && summary.rejected == 1)
            let record = try #require(try await f.store.publicRecords(subjectCode: f.items[0].entity.code.rawValue, on: f.clock.today()).first)
            #expect(record.decidedOn == LocalDate("2026-05-08"))
            let queue = try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 5)
            #expect(queue.map(\.position) == [4] && queue[0].problems.map(\.field) == ["content"])
        }
    }

    @Test("a large sheet is streamed in batches with progress up to the file's size; a sheet that is not XML fails")
    func streamed() async throws {
        let url = try TestWorkbook.large(rows: 2_500)
        defer { try? FileManager.default.removeItem(at: url) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        var batches: [RowBatch] = []
        for try await batch in try XLSXReader.batches(file: url, batchSize: 1_000) { batches.append(batch) }
        #expect(batches.map(\.rows.count) == [1_000, 1_000, 500])
        #expect(batches.map(\.bytesRead) == [size * 1_000 / 2_500, size * 2_000 / 2_500, size])
        #expect((try? batches[2].rows.last?.get())?.fields == ["名称2500", "2500"])
        #expect((try? batches[2].rows.last?.get())?.line == 2_500)

        // A consumer that stops after the first batch: the reader stops too, and the next read starts afresh.
        for try await batch in try XLSXReader.batches(file: url, batchSize: 100) {
            #expect(batch.rows.count == 100)
            break
        }

        let broken = try TestWorkbook.large(rows: 2_500, broken: true)
        defer { try? FileManager.default.removeItem(at: broken) }
        await #expect(throws: XLSXReader.Unreadable.self) {
            for try await _ in try XLSXReader.batches(file: broken, batchSize: 1_000) {}
        }
        // A few bytes of junk, or none, where the sheet should be: damaged, not an empty file.
        for junk in ["", "<<<", "PK"] {
            let url = try TestWorkbook.workbook(sheet: junk, shared: nil)
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                for try await _ in try XLSXReader.batches(file: url) {}
                Issue.record("a sheet of \(junk.debugDescription) was read as an empty file")
            } catch let error as XLSXReader.Unreadable {
                #expect(error.description.contains("not valid XML"), "\(error)")
            }
        }
    }

    @Test("empty cells at a row's end read as empty; a value beyond column 1,024, a reference off the sheet or too much text is that row's error")
    func oddRows() async throws {
        let c = TestWorkbook.cell
        let rows = [
            "<row r=\"1\">" + c("A1", "名称") + c("B1", "代码") + c("C1", "内容") + "</row>",
            // Excel leaves out empty cells at the end, and writes formatted empty ones.
            "<row r=\"2\">" + c("A2", "甲") + c("B2", "1") + "<c r=\"Z2\" s=\"1\"/></row>",
            "<row r=\"3\">" + c("A3", "乙") + c("AMK3", "far") + "</row>",
            "<row r=\"4\">" + c("A4", "丙") + c("ZZZZZZZZZZZZZZZZZZZZ4", "off the sheet") + "</row>",
            "<row r=\"5\">" + c("A5", String(repeating: "长", count: 400_000)) + "</row>",
            "<row r=\"6\">" + c("A6", "丁") + c("B6", "2") + c("C6", "完") + "</row>",
            // A row number beyond Excel's last row (it would overflow a database's line column) is not believed.
            "<row r=\"999999999999\">" + c("A7", "戊") + "</row>",
        ]
        let url = try TestWorkbook.workbook(sheet: TestWorkbook.sheet(rows: rows.joined()), shared: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        var read: [FileRows.Row] = []
        for try await batch in try XLSXReader.batches(file: url) { read += batch.rows }
        #expect(read.count == 7)
        #expect((try? read[6].get())?.line == 7)
        #expect((try? read[1].get())?.fields == ["甲", "1", ""])
        #expect((try? read[5].get())?.fields == ["丁", "2", "完"])
        let bad = read.compactMap { row -> CSVParser.BadRow? in
            if case .failure(let bad) = row { return bad }
            return nil
        }
        #expect(bad.map(\.reason) == [.tooManyColumns, .tooManyColumns, .rowTooLong])
        #expect(bad.map(\.line) == [3, 4, 5])
        #expect(bad.first?.message.contains("1024") == true)
    }

    @Test("a workbook whose sheet or shared strings unpack to a hundred times its size (a zip bomb) is refused")
    func zipBomb() async throws {
        let filler = String(repeating: "a", count: 64 << 20)
        let sheet = try TestWorkbook.workbook(
            sheet: TestWorkbook.sheet(rows: "<row r=\"1\">" + TestWorkbook.cell("A1", filler) + "</row>"),
            shared: nil
        )
        defer { try? FileManager.default.removeItem(at: sheet) }
        await #expect(throws: XLSXReader.Unreadable.self) {
            for try await _ in try XLSXReader.batches(file: sheet) {}
        }
        let shared = try TestWorkbook.workbook(
            sheet: TestWorkbook.sheet(rows: "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"),
            shared: "<sst><si><t>" + filler + "</t></si></sst>"
        )
        defer { try? FileManager.default.removeItem(at: shared) }
        #expect(throws: XLSXReader.Unreadable.self) { try XLSXReader.batches(file: shared) }
    }

    @Test("a workbook whose shared strings are damaged, or whose cells name strings it does not have, is refused: not read with the wrong texts")
    func damagedSharedStrings() async throws {
        let shared = "<sst><si><t>名称</t></si><si><t>甲公司</t></si></sst>"
        func s(_ reference: String, _ index: Int) -> String { "<c r=\"\(reference)\" t=\"s\"><v>\(index)</v></c>" }
        let missing = try TestWorkbook.workbook(
            sheet: TestWorkbook.sheet(rows: "<row r=\"1\">" + s("A1", 0) + "</row><row r=\"2\">" + s("A2", 5) + "</row>"),
            shared: shared
        )
        defer { try? FileManager.default.removeItem(at: missing) }
        await #expect(throws: XLSXReader.Unreadable.self) {
            for try await _ in try XLSXReader.batches(file: missing) {}
        }
        let truncated = try TestWorkbook.workbook(
            sheet: TestWorkbook.sheet(rows: "<row r=\"1\">" + s("A1", 0) + "</row>"),
            shared: String(shared.dropLast(12))
        )
        defer { try? FileManager.default.removeItem(at: truncated) }
        #expect(throws: XLSXReader.Unreadable.self) { try XLSXReader.batches(file: truncated) }
    }

    @Test("a file that is not a workbook is refused with a clear reason")
    func notAWorkbook() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fake-\(UUID().uuidString).xlsx")
        try Data("名称,代码\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: XLSXReader.Unreadable.self) { try XLSXReader.batches(file: url) }
        #expect(!XLSXReader.looksLikeXLSX(Array("名称".utf8)) && XLSXReader.looksLikeXLSX([0x50, 0x4B, 0x03, 0x04, 0]))
    }

    @Test("a starting server removes the upload files of servers that no longer run, and only those")
    func orphanedUploadFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uploads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A process that has ended: its id names no running process any more.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let dead = ended.processIdentifier
        let mine = ProcessInfo.processInfo.processIdentifier
        let names = [
            "credit-import-\(dead)-job7-A.xlsx", "credit-sheet-\(dead)-B.xml", "credit-import-\(mine)-job8-C.xlsx",
            "credit-sheet-\(mine)-D.xml", "credit-sheet-E.xml", "records.csv",
        ]
        for name in names { #expect(FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data("x".utf8))) }
        #expect(UploadFiles.removeOrphans(in: directory) == 2)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == names.dropFirst(2).sorted())
        // The names the platform gives its files carry this process's id.
        #expect(UploadFiles.url(.workbook, detail: "job9").lastPathComponent.hasPrefix("credit-import-\(mine)-job9-"))
        #expect(UploadFiles.url(.sheet).lastPathComponent.hasPrefix("credit-sheet-\(mine)-"))
    }
}
