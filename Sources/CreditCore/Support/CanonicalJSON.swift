import Foundation

/// JSON as the platform hashes, signs and stores it: keys sorted, no spaces, UTF-8 and `/` unescaped (Python's
/// `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes the same bytes).
public enum CanonicalJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func text(_ value: some Encodable) throws -> String { String(decoding: try encode(value), as: UTF8.self) }
}
