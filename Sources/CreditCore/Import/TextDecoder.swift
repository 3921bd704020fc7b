import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings departments' files come in.
public enum FileEncoding: String, Sendable, Hashable, CaseIterable {
    /// UTF-8, with or without a byte-order mark.
    case utf8 = "utf-8"
    /// GB 18030 (which contains GBK and GB 2312): what Excel on a Chinese Windows saves as "CSV".
    case gb18030
    /// Decide from the first 64 KiB (``StreamingTextDecoder/detected(_:)``).
    case auto

    /// Accepts common spellings: `utf8`, `UTF-8`, `gbk`, `gb2312`, `GB18030`.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        case "auto", "": self = .auto
        default: return nil
        }
    }
}

/// Turns a file's bytes, chunk by chunk, into UTF-8. GB 18030 is converted with the C library's iconv; a
/// multi-byte character split between two chunks is carried over; an invalid sequence becomes U+FFFD (the
/// importer then refuses that row with `invalid_encoding`).
public final class StreamingTextDecoder: @unchecked Sendable {
    public private(set) var encoding: FileEncoding
    private var carry: [UInt8] = []
    private var converter: iconv_t?
    private var pendingDetection: [UInt8] = []
    static let detectionBytes = 64 * 1024

    public init(_ encoding: FileEncoding) {
        self.encoding = encoding
    }

    deinit {
        if let converter { iconv_close(converter) }
    }

    /// Whether bytes are valid UTF-8, allowing a sequence cut off at the very end.
    public static func looksLikeUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return false
            }
            if i + length > bytes.count { return bytes.count - i < 4 }  // cut off at the end
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }

    /// Converts a chunk; returns UTF-8 bytes (possibly none while the encoding is being detected).
    public func decode(_ chunk: [UInt8]) -> [UInt8] {
        if encoding == .auto {
            pendingDetection += chunk
            guard pendingDetection.count >= Self.detectionBytes else { return [] }
            return detect()
        }
        return convert(chunk, final: false)
    }

    /// Ends the input.
    public func finish() -> [UInt8] {
        var out: [UInt8] = []
        if encoding == .auto { out += detect() }
        out += convert([], final: true)
        return out
    }

    /// The encoding of a file that begins with `bytes` (its first 64 KiB): UTF-8 when it starts with UTF-8's
    /// byte-order mark, when the bytes are valid UTF-8, or when its first line is valid UTF-8 with Chinese in it —
    /// a UTF-8 file with a damaged row further on, whose rows are then read one by one (the damaged one refused
    /// with `invalid_encoding`), where GB 18030 would spoil the header and with it the whole file; GB 18030
    /// otherwise (a GB 18030 header of Chinese column names is practically never valid UTF-8).
    public static func detected(_ bytes: [UInt8]) -> FileEncoding {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || looksLikeUTF8(bytes) { return .utf8 }
        let header = bytes[..<(bytes.firstIndex(of: 0x0A) ?? bytes.endIndex)]
        return header.contains { $0 >= 0x80 } && looksLikeUTF8(Array(header)) ? .utf8 : .gb18030
    }

    private func detect() -> [UInt8] {
        encoding = Self.detected(pendingDetection)
        let pending = pendingDetection
        pendingDetection = []
        return convert(pending, final: false)
    }

    private func convert(_ chunk: [UInt8], final: Bool) -> [UInt8] {
        switch encoding {
        case .utf8, .auto:
            return chunk
        case .gb18030:
            if converter == nil {
                let cd = iconv_open("UTF-8", "GB18030")
                converter = cd == iconv_t(bitPattern: -1) ? nil : cd
            }
            guard let converter else { return Array("\u{FFFD}".utf8) }
            var input = carry + chunk
            carry = []
            var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
            var produced = 0
            var consumed = 0
            while consumed < input.count {
                var inLeft = input.count - consumed
                var outLeft = output.count - produced
                let result = input.withUnsafeMutableBufferPointer { inBuffer in
                    output.withUnsafeMutableBufferPointer { outBuffer in
                        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + consumed)
                            .assumingMemoryBound(to: CChar.self)
                        var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress! + produced)
                            .assumingMemoryBound(to: CChar.self)
                        return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    }
                }
                let newConsumed = input.count - inLeft
                produced = output.count - outLeft
                consumed = newConsumed
                if result != -1 { break }
                switch errno {
                case E2BIG:
                    output += [UInt8](repeating: 0, count: output.count)
                case EINVAL:
                    // A character cut off at the end of the chunk: keep it for the next one.
                    if final {
                        output.replaceSubrange(produced..<min(produced + 3, output.count), with: Array("\u{FFFD}".utf8))
                        produced += 3
                        consumed = input.count
                    } else {
                        carry = Array(input[consumed...])
                        consumed = input.count
                    }
                default:
                    // EILSEQ: not GB 18030 here; mark it and go on after the byte.
                    if output.count - produced < 3 { output += [UInt8](repeating: 0, count: 16) }
                    output.replaceSubrange(produced..<(produced + 3), with: Array("\u{FFFD}".utf8))
                    produced += 3
                    consumed += 1
                }
            }
            input = []
            return Array(output[..<produced])
        }
    }
}

/// A file read in chunks, as an async sequence (for `credit import`).
public struct FileChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let path: String
    let chunkSize: Int

    public init(path: String, chunkSize: Int = 1 << 20) {
        self.path = path
        self.chunkSize = chunkSize
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let chunkSize: Int

        public mutating func next() async throws -> [UInt8]? {
            guard let handle, let data = try handle.read(upToCount: chunkSize), !data.isEmpty else { return nil }
            return Array(data)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: FileHandle(forReadingAtPath: path), chunkSize: chunkSize)
    }
}
