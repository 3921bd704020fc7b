import Foundation

/// A QR code (ISO/IEC 18004) of a short text — a report's verification address — in byte mode at error-correction
/// level M, versions 1 to 6 (up to 106 bytes), with mask pattern 0; drawn as an SVG of dark squares.
public struct QRCode: Sendable, Hashable {
    /// Rows of modules, `true` dark.
    public let modules: [[Bool]]
    public let version: Int

    public var size: Int { modules.count }

    /// Blocks and error-correction codewords per block at level M, by version (ISO/IEC 18004 Table 9).
    static let blocks = [1, 1, 1, 2, 2, 4]
    static let eccPerBlock = [10, 16, 26, 18, 24, 16]
    static let dataPerBlock = [16, 28, 44, 32, 43, 27]
    /// The second coordinate of each version's alignment pattern (the first is 6); none for version 1.
    static let alignment = [0, 18, 22, 26, 30, 34]

    /// The code of `text`, or nil when it is longer than version 6 holds.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let version = (1...6).first(where: { Self.dataPerBlock[$0 - 1] * Self.blocks[$0 - 1] * 8 >= 4 + 8 + bytes.count * 8 }) else {
            return nil
        }
        self.version = version
        let codewords = Self.codewords(Self.data(bytes, version: version), version: version)
        modules = Self.matrix(codewords, version: version)
    }

    /// Mode (byte), count, the bytes, the terminator, then pad bytes 0xEC 0x11 to the version's data capacity.
    static func data(_ bytes: [UInt8], version: Int) -> [UInt8] {
        let capacity = dataPerBlock[version - 1] * blocks[version - 1]
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in (0..<count).reversed() { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, 8)
        for b in bytes { append(Int(b), 8) }
        append(0, min(4, capacity * 8 - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var out = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while out.count < capacity {
            out.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return out
    }

    /// The data split into the version's blocks, each followed by its Reed–Solomon codewords, interleaved.
    static func codewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let (count, length, ecc) = (blocks[version - 1], dataPerBlock[version - 1], eccPerBlock[version - 1])
        let split = (0..<count).map { Array(data[$0 * length..<($0 + 1) * length]) }
        let divisor = ReedSolomon.divisor(degree: ecc)
        let corrections = split.map { ReedSolomon.remainder($0, divisor: divisor) }
        var out: [UInt8] = []
        for i in 0..<length { for block in split { out.append(block[i]) } }
        for i in 0..<ecc { for block in corrections { out.append(block[i]) } }
        return out
    }

    static func matrix(_ codewords: [UInt8], version: Int) -> [[Bool]] {
        let size = 17 + 4 * version
        var dark = Array(repeating: Array(repeating: false, count: size), count: size)
        var function = dark
        func set(_ x: Int, _ y: Int, _ on: Bool) {
            dark[y][x] = on
            function[y][x] = true
        }
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let distance = max(abs(dx), abs(dy))
                    set(cx + dx, cy + dy, distance != 2 && distance != 4)
                }
            }
        }
        if version > 1 {
            let at = alignment[version - 1]
            for dy in -2...2 { for dx in -2...2 { set(at + dx, at + dy, max(abs(dx), abs(dy)) != 1) } }
        }
        // Format information: level M (00) and mask 0, BCH(15, 5) and the mask 0x5412.
        let format = 0b00_000
        var remainder = format
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (format << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0..<6 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
        // The codewords in two-module columns from the bottom right, up and down in turn, skipping the timing column.
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let y = (right + 1) & 2 == 0 ? size - 1 - vertical : vertical
                    guard !function[y][x] else { continue }
                    if index < codewords.count * 8 {
                        dark[y][x] = (codewords[index >> 3] >> (7 - (index & 7))) & 1 == 1
                        index += 1
                    }
                    // Mask 0: modules where (x + y) is even are inverted.
                    if (x + y) % 2 == 0 { dark[y][x].toggle() }
                }
            }
            right -= 2
        }
        return dark
    }

    /// An SVG of the code with a quiet zone of four modules, `pixels` wide, dark modules as one path.
    public func svg(pixels: Int = 132, label: String) -> String {
        let side = size + 8
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, on) in row.enumerated() where on { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        let title = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges" role="img" aria-label="\(title)"><rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}

/// Reed–Solomon error correction over GF(2⁸) with the polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), as QR codes use.
public enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in (0..<8).reversed() {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial of `degree`, highest coefficient (always 1) left out.
    static func divisor(degree: Int) -> [UInt8] {
        var result = Array(repeating: UInt8(0), count: degree - 1) + [1]
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    /// The error-correction codewords of `data`.
    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = Array(repeating: UInt8(0), count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }

    /// For tests: the error-correction codewords of `data` for `degree` of them.
    public static func codewords(for data: [UInt8], degree: Int) -> [UInt8] { remainder(data, divisor: divisor(degree: degree)) }
}
