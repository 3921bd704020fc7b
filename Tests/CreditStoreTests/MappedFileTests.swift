import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import Testing

/// A department's file in its own columns, read through a column mapping.
@Suite("Files read through a column mapping")
struct MappedFileTests {
    /// A county bureau's own template (``ColumnMappingTests``'s), and the mapping its clerk saves for it.
    static let header = "企业名称,信用代码,处罚决定书编号,违法行为,处罚依据,处罚种类,处罚结果,决定日期,失信程度,经办人"
    static let mapping = ColumnMapping(columns: [
        .init(column: "企业名称", field: "subjectName"), .init(column: "信用代码", field: "subjectCode"),
        .init(column: "处罚决定书编号", field: "documentNumber"), .init(column: "违法行为", field: "reason"),
        .init(column: "处罚结果", field: "content"), .init(column: "决定日期", field: "decidedOn"), .init(column: "经办人", field: nil),
    ])

    static func file(_ code: String, number: String = "济市监罚〔2026〕301号") -> [UInt8] {
        Array((header + "\n甲公司,\(code),\(number),虚假宣传,《广告法》第五十五条,罚款,罚款人民币五千元,2026-05-06,一般,赵六\n").utf8)
    }

    @Test(
        "the mapped columns are read as their fields, an ignored column is not kept; without the mapping the header is refused with its columns",
        arguments: TestEngine.available
    )
    func mapped(_ engine: TestEngine) async throws {
        try await RecordStoreTests.with(engine) { f in
            let code = f.items[0].entity.code.rawValue
            do {
                _ = try await f.importer().run(RecordImportTests.chunks(Self.file(code)), encoding: .auto)
                Issue.record("the department's own header was accepted without a mapping")
            } catch let mismatch as HeaderMismatch {
                #expect(mismatch.code == "unknown_columns" && mismatch.columns == Self.header.components(separatedBy: ","))
            }
            let summary = try await f.importer(mapping: Self.mapping).run(RecordImportTests.chunks(Self.file(code)), encoding: .auto)
            #expect(summary.accepted == 1 && summary.rejected == 0, "\(summary.firstRejections)")
            let stored = try #require(try await f.store.departmentRecords(RecordStoreTests.market.code, .init(), page: 1, size: 10).items.first)
            #expect(stored.documentNumber == "济市监罚〔2026〕301号" && stored.subjectCode == code && stored.decidedOn == LocalDate("2026-05-06"))
            #expect(stored.content["content"] == "罚款人民币五千元" && stored.content["reason"] == "虚假宣传")
            #expect(!stored.content.values.contains("赵六"), "the ignored column is not stored")
        }
    }

    @Test("a mapping that leaves a required column unmapped still refuses the file, naming it")
    func unmappedRequired() async throws {
        try await RecordStoreTests.with(.sqlite) { f in
            var partial = Self.mapping
            partial.columns.removeAll { $0.field == "content" }
            partial.columns.append(.init(column: "处罚结果", field: nil))
            do {
                _ = try await f.importer(mapping: partial).run(RecordImportTests.chunks(Self.file(f.items[0].entity.code.rawValue)), encoding: .auto)
                Issue.record("a file with no column for 处罚内容 was accepted")
            } catch let mismatch as HeaderMismatch {
                #expect(mismatch.code == "missing_columns" && mismatch.message.contains("处罚内容"))
            }
            #expect(try await f.store.departmentRecords(RecordStoreTests.market.code, .init(), page: 1, size: 10).items.isEmpty)
        }
    }
}
