import Foundation

/// Lower-case hexadecimal, by table: `String(format: "%02x")` per byte cost about 1 µs a byte, which made
/// hashing the dominant cost of a bulk load.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of hexadecimal text, or nil when it is not hexadecimal.
    public static func decode(_ hex: String) -> Data? {
        guard hex.utf8.count % 2 == 0 else { return nil }
        var data = Data(capacity: hex.utf8.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
