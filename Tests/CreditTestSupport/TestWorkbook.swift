import Foundation
import ZIPFoundation

/// Excel workbooks for tests.
public enum TestWorkbook {
    /// A minimal .xlsx as Excel writes it: shared strings, a date as a day number, an empty cell skipped.
    public static func penalties(codes: [String]) throws -> URL {
        let strings = [
            "行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "处罚决定日期", "处罚内容", "处罚依据", "失信程度", "处罚类别", "甲公司", "罚款人民币一万元",
            "《食品安全法》第一百二十四条", "一般", "罚款", "乙公司",
        ]
        let shared =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
        func s(_ ref: String, _ index: Int) -> String { "<c r=\"\(ref)\" t=\"s\"><v>\(index)</v></c>" }
        func str(_ ref: String, _ text: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let header = "<row r=\"1\">" + (0..<8).map { s(String(UnicodeScalar(65 + $0)!) + "1", $0) }.joined() + "</row>"
        let first =
            "<row r=\"2\">" + s("A2", 8) + str("B2", codes[0]) + str("C2", "济市监罚〔2026〕301号") + "<c r=\"D2\" s=\"1\"><v>46150</v></c>"
            + s("E2", 9) + s("F2", 10) + s("G2", 11) + s("H2", 12) + "</row>"
        // The second row skips column E (content): a required field is missing.
        let second =
            "<row r=\"4\">" + s("A4", 13) + str("B4", codes[1]) + str("C4", "济市监罚〔2026〕302号") + "<c r=\"D4\"><v>46150</v></c>"
            + s("F4", 10) + s("G4", 11) + s("H4", 12) + "</row>"
        let sheet =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + header + first + second + "</sheetData></worksheet>"
        return try workbook(sheet: sheet, shared: shared)
    }

    /// A sheet of `rows` rows of two inline-string cells (a header, then 名称N, 值N), with its `<dimension>`; `broken`
    /// cuts the XML off in the middle of a row.
    public static func large(rows: Int, broken: Bool = false) throws -> URL {
        var sheet =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + "<dimension ref=\"A1:B\(rows)\"/><sheetData>"
        for row in 1...rows {
            sheet += "<row r=\"\(row)\"><c r=\"A\(row)\" t=\"inlineStr\"><is><t>名称\(row)</t></is></c><c r=\"B\(row)\"><v>\(row)</v></c></row>"
            if broken && row == rows / 2 { sheet += "<row r=\"x\"><c><v>1</c></row>" }
        }
        sheet += "</sheetData></worksheet>"
        return try workbook(sheet: sheet, shared: nil)
    }

    /// A worksheet's XML around its rows' XML.
    public static func sheet(rows: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + rows + "</sheetData></worksheet>"
    }

    /// A cell of inline text.
    public static func cell(_ reference: String, _ text: String) -> String {
        "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
    }

    /// A workbook of one sheet (its XML whole) and, if given, shared strings (their XML).
    public static func workbook(sheet: String, shared: String?) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).xlsx")
        let workbook =
            "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"处罚\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        let rels =
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
        let archive = try Archive(url: url, accessMode: .create)
        var entries = [("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels), ("xl/worksheets/sheet1.xml", sheet)]
        if let shared { entries.append(("xl/sharedStrings.xml", shared)) }
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }

}
