import CreditCore
import Foundation
import Hummingbird

/// The query string of a request, decoded strictly: every value must be valid UTF-8 after
/// percent-decoding, names must be among those a route accepts, and values have a maximum length.
struct QueryParameters {
    /// Accepted on every route: why the caller asks (recorded in the audit log, required by some routes).
    static let purpose = "purpose"
    private(set) var values: [String: String] = [:]

    /// Parses and checks a request's query string.
    /// - Throws: ``APIError`` with code `invalid_encoding`, `unknown_parameter`, `duplicate_parameter`
    ///   or `parameter_too_long`.
    init(_ request: Request, allowed: Set<String>, maxLength: Int = 200) throws(APIError) {
        guard let query = request.uri.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            guard allowed.contains(name) || name == Self.purpose else {
                // `purpose` is named too: a page that takes nothing else would otherwise list nothing at all.
                let names = (allowed.sorted() + [Self.purpose]).joined(separator: ", ")
                throw APIError(
                    .badRequest,
                    code: "unknown_parameter",
                    message: "未知参数“\(name.prefix(40))”，可用参数：\(names) / unknown parameter “\(name.prefix(40))”; allowed: \(names)"
                )
            }
            guard values[name] == nil else {
                throw APIError(.badRequest, code: "duplicate_parameter", message: "参数 \(name) 重复出现 / parameter \(name) is given more than once")
            }
            // Counted in Unicode scalars, as JSON Schema's maxLength (the OpenAPI document) counts: a few characters
            // loaded with combining marks are long.
            guard value.unicodeScalars.count <= maxLength else {
                throw APIError(
                    .badRequest,
                    code: "parameter_too_long",
                    message: "参数 \(name) 过长（最多 \(maxLength) 个字符） / parameter \(name) is longer than \(maxLength) characters"
                )
            }
            values[name] = value
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// `name=value` for each of these parameters that has a value, in name order, percent-encoded: to carry a
    /// search's filters into its paging and export links.
    func echo(_ names: Set<String>) -> [String] {
        names.sorted().compactMap { name in values[name].flatMap { $0.isEmpty ? nil : "\(name)=\(Self.encode($0))" } }
    }

    /// The characters a query value keeps as they are: RFC 3986's unreserved, ASCII only (`.alphanumerics` would keep
    /// Chinese and full-width digits unencoded).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A query value percent-encoded (only unreserved characters stay as they are).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// A whole number in a range, or the default when absent.
    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = values[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw APIError.invalidParameter(
                name,
                "应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数，实为“\(text.prefix(20))” / must be a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return n
    }

    /// Percent-decodes a component ("+" is a space) and checks that the bytes are UTF-8 and hold no control character
    /// (unless `allowingControlCharacters`: a form's field is kept as typed, for the validators to name the problem).
    static func decode(_ text: Substring, allowingControlCharacters: Bool = false) throws(APIError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%") {
                guard let h = iterator.next().flatMap(hexValue), let l = iterator.next().flatMap(hexValue) else {
                    throw APIError(.badRequest, code: "invalid_encoding", message: "查询字符串中的百分号编码不完整 / malformed percent-encoding in the query string")
                }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(b)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw APIError(.badRequest, code: "invalid_encoding", message: "查询字符串不是有效的 UTF-8 / the query string is not valid UTF-8")
        }
        guard allowingControlCharacters || !string.containsControlCharacter else {
            throw APIError.controlCharacter(zh: "查询字符串", en: "the query string")
        }
        return string
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
