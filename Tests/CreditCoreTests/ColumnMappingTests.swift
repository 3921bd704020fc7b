import CreditCore
import Foundation
import Testing

/// Column mappings: what the platform proposes for a department's own column names, and what a mapping may say.
@Suite("Column mappings")
struct ColumnMappingTests {
    static let penalty = try! #require(try Catalogue.bundled().category("penalty")).fields

    /// A county bureau's own penalty template: some names are the catalogue's, some only alike, some nothing like it.
    static let variant = ["企业名称", "信用代码", "处罚决定书编号", "违法行为", "处罚依据", "处罚种类", "处罚结果", "决定日期", "失信程度", "经办人"]

    @Test("each column gets the catalogue's name, a field code, or the most alike field, each field once; the rest nothing")
    func proposals() {
        let proposed = ColumnProposal.propose(columns: Self.variant + ["CF_JDRQ"], fields: Self.penalty, saved: nil)
        let byColumn = Dictionary(uniqueKeysWithValues: proposed.map { ($0.column, $0) })
        // The catalogue's own names and aliases (处罚依据 is the standard's label, 处罚种类 an alias of 处罚类别).
        #expect(byColumn["处罚依据"].map { [$0.field, $0.basis.rawValue] } == ["basis", "name"])
        #expect(byColumn["处罚种类"].map { [$0.field, $0.basis.rawValue] } == ["punishmentKinds", "name"])
        #expect(byColumn["失信程度"]?.field == "severity")
        // A field code names 处罚决定日期, so 决定日期, alike as it is, is not offered the same field.
        #expect(byColumn["CF_JDRQ"].map { [$0.field, $0.basis.rawValue] } == ["decidedOn", "fieldCode"])
        #expect(byColumn["决定日期"]?.field != "decidedOn")
        // Names that hold or share most of a field's name: proposed, to confirm.
        #expect(byColumn["信用代码"].map { [$0.field, $0.basis.rawValue] } == ["subjectCode", "similar"])
        #expect(byColumn["处罚决定书编号"].map { [$0.field, $0.basis.rawValue] } == ["documentNumber", "similar"])
        #expect(byColumn["违法行为"].map { [$0.field, $0.basis.rawValue] } == ["reason", "similar"])
        // Nothing alike enough: the clerk decides.
        for column in ["企业名称", "处罚结果", "经办人"] { #expect(byColumn[column]?.basis == ColumnProposal.Basis.none, "\(column)") }
        #expect(proposed.map(\.column) == Self.variant + ["CF_JDRQ"], "in the file's order")
        let fields = proposed.compactMap(\.field)
        #expect(Set(fields).count == fields.count, "no field proposed twice")
    }

    @Test("a saved mapping is proposed first, a field or ignored")
    func savedFirst() {
        let saved = ColumnMapping(columns: [.init(column: "企业名称", field: "subjectName"), .init(column: "经办人", field: nil)])
        let proposed = ColumnProposal.propose(columns: Self.variant, fields: Self.penalty, saved: saved)
        #expect(proposed[0] == ColumnProposal(column: "企业名称", field: "subjectName", basis: .saved))
        #expect(proposed[9] == ColumnProposal(column: "经办人", field: nil, basis: .saved))
    }

    @Test("a mapping naming a column twice, a field not of the category, or one field for two columns is refused, naming them")
    func badMappings() throws {
        func code(_ entries: [(String, String?)]) -> String? {
            do {
                _ = try ColumnMapping(columns: entries.map { .init(column: $0.0, field: $0.1) }).validated(fields: Self.penalty)
                return nil
            } catch let failure as ImportFailure {
                return failure.code
            } catch {
                return "\(error)"
            }
        }
        #expect(code([("企业名称", "subjectName"), ("企业名称 ", "subjectCode")]) == "duplicate_mapping")
        #expect(code([("企业名称", "licenceName")]) == "unknown_field")
        #expect(code([("企业名称", "subjectName"), ("单位名称", "subjectName")]) == "field_mapped_twice")
        #expect(code([("", "subjectName")]) == "invalid_mapping")
        #expect(code([("企业名称", "subjectName"), ("经办人", nil)]) == nil)
        #expect(throws: ImportFailure.self) { try ColumnMapping.decode(Data(#"{"columns": {"企业名称": "subjectName"}}"#.utf8)) }
        let read = try ColumnMapping.decode(
            Data(#"{"columns": [{"column": "经办人", "field": null}, {"column": "企业名称", "field": "subjectName"}]}"#.utf8)
        )
        #expect(read.columns == [.init(column: "经办人", field: nil), .init(column: "企业名称", field: "subjectName")])
        let written = String(decoding: try JSONEncoder().encode(read.columns[0]), as: UTF8.self)
        #expect(written.contains("\"field\":null"), "an ignored column is written as null")
    }
}
