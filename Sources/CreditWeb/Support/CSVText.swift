import Foundation

/// CSV for the exports (audit log, open data): RFC 4180 quoting, CRLF line ends, and a leading `= + - @`
/// neutralised so that a spreadsheet never runs a cell as a formula.
enum CSVText {
    static func field(_ value: String?) -> String {
        guard var text = value, !text.isEmpty else { return "" }
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String?]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
}
