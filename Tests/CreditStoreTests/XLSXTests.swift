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
            let rows = try XLSXReader.rows(file: url)
            #expect(rows.count == 3)
            #expect((try? rows[1].get().fields)?.prefix(3) == ["甲公司", f.items[0].entity.code.rawValue, "济市监罚〔2026〕301号"])
            let importer = RecordImporter(
                catalogue: f.catalogue,
                store: f.store,
                departmentCode: RecordStoreTests.market.code,
                category: "penalty",
                today: f.clock.today(),
                source: "file"
            )
            let summary = try await importer.run(rows: rows, bytes: 1)
            #expect(summary.accepted == 1 && summary.rejected == 1)
            let record = try #require(try await f.store.publicRecords(subjectCode: f.items[0].entity.code.rawValue, on: f.clock.today()).first)
            #expect(record.decidedOn == LocalDate("2026-05-08"))
            let queue = try await f.store.rejections(departmentCode: RecordStoreTests.market.code, limit: 5)
            #expect(queue.map(\.position) == [4] && queue[0].problems.map(\.field) == ["content"])
        }
    }

    @Test("a file that is not a workbook is refused with a clear reason")
    func notAWorkbook() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fake-\(UUID().uuidString).xlsx")
        try Data("名称,代码\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: XLSXReader.Unreadable.self) { try XLSXReader.rows(file: url) }
        #expect(!XLSXReader.looksLikeXLSX(Array("名称".utf8)) && XLSXReader.looksLikeXLSX([0x50, 0x4B, 0x03, 0x04, 0]))
    }
}
