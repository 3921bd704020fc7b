import CreditCore
import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the first worksheet of an Excel workbook (.xlsx: Office Open XML) as rows of text, for the same
/// import path as CSV. Shared strings, inline strings and numbers are read; a date cell is a day number, which
/// the importer turns into a date for date fields. The sheet is read whole: large imports should use CSV,
/// which is streamed.
public enum XLSXReader {
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether bytes start like a ZIP archive (an .xlsx file is one).
    public static func looksLikeXLSX(_ prefix: [UInt8]) -> Bool { prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    public static func rows(file: URL) throws -> [Result<CSVParser.Row, CSVParser.BadRow>] {
        let archive: Archive
        do {
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw Unreadable(description: "不是有效的 Excel（.xlsx）文件 / not a valid .xlsx file")
        }
        func contents(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            return data
        }
        let shared = try contents("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        guard let sheetPath = try firstSheetPath(archive: archive, contents: contents), let sheet = try contents(sheetPath) else {
            throw Unreadable(description: "工作簿中没有工作表 / the workbook has no worksheet")
        }
        return try Sheet.parse(sheet, shared: shared)
    }

    /// The first sheet in the workbook's order, through its relationship; `xl/worksheets/sheet1.xml` if unclear.
    static func firstSheetPath(archive: Archive, contents: (String) throws -> Data?) throws -> String? {
        if let workbook = try contents("xl/workbook.xml"), let rels = try contents("xl/_rels/workbook.xml.rels") {
            let sheetID = Attributes.first(element: "sheet", attribute: "r:id", in: workbook)
            if let sheetID, let target = Attributes.relationshipTarget(id: sheetID, in: rels) {
                let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                if archive[path] != nil { return path }
            }
        }
        return archive["xl/worksheets/sheet1.xml"] != nil ? "xl/worksheets/sheet1.xml" : nil
    }

    /// Small XML lookups by SAX.
    final class Attributes: NSObject, XMLParserDelegate {
        let element: String
        let match: ([String: String]) -> Bool
        let attribute: String
        var found: String?

        init(element: String, attribute: String, match: @escaping ([String: String]) -> Bool) {
            self.element = element
            self.attribute = attribute
            self.match = match
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            guard found == nil, name == element || name.hasSuffix(":" + element), match(attributes) else { return }
            found = attributes[attribute]
            parser.abortParsing()
        }

        static func first(element: String, attribute: String, in data: Data) -> String? {
            let delegate = Attributes(element: element, attribute: attribute) { _ in true }
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            _ = parser.parse()
            return delegate.found
        }

        static func relationshipTarget(id: String, in data: Data) -> String? {
            let delegate = Attributes(element: "Relationship", attribute: "Target") { $0["Id"] == id }
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            _ = parser.parse()
            return delegate.found
        }
    }

    /// `xl/sharedStrings.xml`: every `<si>`, its text runs joined.
    final class SharedStrings: NSObject, XMLParserDelegate {
        var strings: [String] = []
        var current = ""
        var inText = false

        static func parse(_ data: Data) -> [String] {
            let delegate = SharedStrings()
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            _ = parser.parse()
            return delegate.strings
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            if name == "si" { current = "" }
            if name == "t" { inText = true }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "t" { inText = false }
            if name == "si" { strings.append(current) }
        }
    }

    /// A worksheet's rows; cells placed by their reference (`C7` is the third column), gaps left empty.
    final class Sheet: NSObject, XMLParserDelegate {
        let shared: [String]
        var rows: [Result<CSVParser.Row, CSVParser.BadRow>] = []
        var row: [Int: String] = [:]
        var rowNumber = 0
        var column = 0
        var type: String?
        var value = ""
        var inValue = false

        init(shared: [String]) { self.shared = shared }

        static func parse(_ data: Data, shared: [String]) throws -> [Result<CSVParser.Row, CSVParser.BadRow>] {
            let delegate = Sheet(shared: shared)
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            guard parser.parse() else { throw Unreadable(description: "工作表不是有效的 XML / the worksheet is not valid XML") }
            return delegate.rows
        }

        /// `AB12` → 27 (0-based column of the letters).
        static func columnIndex(_ reference: String) -> Int? {
            var index = 0
            var letters = 0
            for scalar in reference.unicodeScalars {
                guard scalar.value >= 65, scalar.value <= 90 else { break }
                index = index * 26 + Int(scalar.value - 64)
                letters += 1
            }
            return letters == 0 ? nil : index - 1
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            switch name {
            case "row":
                row = [:]
                rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
                column = 0
            case "c":
                column = attributes["r"].flatMap(Self.columnIndex) ?? column
                type = attributes["t"]
                value = ""
            case "v", "t":
                inValue = true
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { value += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "v", "t":
                inValue = false
            case "c":
                if type == "s", let index = Int(value), shared.indices.contains(index) {
                    row[column] = shared[index]
                } else if type == "b" {
                    row[column] = value == "1" ? "TRUE" : "FALSE"
                } else if value.hasSuffix(".0"), let whole = Double(value), whole == whole.rounded(), abs(whole) < 1e15 {
                    row[column] = String(Int(whole))
                } else {
                    row[column] = value
                }
                column += 1
            case "row":
                let width = (row.keys.max() ?? -1) + 1
                let fields = (0..<width).map { row[$0] ?? "" }
                if !fields.allSatisfy(\.isEmpty) {
                    rows.append(.success(CSVParser.Row(fields: fields, line: rowNumber, raw: fields.joined(separator: ","))))
                }
            default:
                break
            }
        }
    }
}
