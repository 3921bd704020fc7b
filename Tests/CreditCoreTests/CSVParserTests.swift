import CreditCore
import Testing

@Suite("CSV files: parsing and encodings")
struct CSVParserTests {
    static func parse(
        _ text: String,
        chunk: Int = .max,
        maximumRowBytes: Int = CSVParser.defaultMaximumRowBytes
    ) -> [Result<CSVParser.Row, CSVParser.BadRow>] {
        var parser = CSVParser(maximumRowBytes: maximumRowBytes)
        let bytes = Array(text.utf8)
        var out: [Result<CSVParser.Row, CSVParser.BadRow>] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            out += parser.feed(bytes[start..<end])
            start = end
        }
        return out + parser.finish()
    }

    static func fields(_ results: [Result<CSVParser.Row, CSVParser.BadRow>]) -> [[String]] {
        results.map { (try? $0.get().fields) ?? ["<bad>"] }
    }

    static let sample = "\u{FEFF}名称,文号,内容\r\n\"济南,某公司\",\"济罚〔2026〕1号\",\"他说\"\"好\"\"\"\r\n\r\n乙公司,2号,\"第一行\n第二行\"\n丙公司,3号,"

    @Test("quotes, doubled quotes, commas and line breaks in fields, CRLF, a byte-order mark and blank lines")
    func rfc4180() {
        let rows = Self.parse(Self.sample)
        #expect(
            Self.fields(rows) == [
                ["名称", "文号", "内容"], ["济南,某公司", "济罚〔2026〕1号", "他说\"好\""], ["乙公司", "2号", "第一行\n第二行"], ["丙公司", "3号", ""],
            ]
        )
        #expect(rows.compactMap { try? $0.get().line } == [1, 2, 4, 6])
    }

    @Test("the same rows whatever the chunk size, down to one byte at a time")
    func chunking() {
        let whole = Self.fields(Self.parse(Self.sample))
        for size in [1, 2, 3, 5, 7, 64] {
            #expect(Self.fields(Self.parse(Self.sample, chunk: size)) == whole, "chunks of \(size)")
        }
    }

    @Test("an unbalanced quote spoils its own line only; text after a closing quote is a bad row")
    func badQuotes() {
        let text = "a,b\n1,\"unclosed\n2,ok\n3,\"x\"y\n4,fine\n"
        let rows = Self.parse(text, maximumRowBytes: 12)
        #expect(Self.fields(rows) == [["a", "b"], ["<bad>"], ["2", "ok"], ["<bad>"], ["4", "fine"]])
        guard case .failure(let unclosed) = rows[1], case .failure(let after) = rows[3] else {
            Issue.record("expected bad rows")
            return
        }
        #expect(unclosed.reason == .unterminatedQuote && unclosed.line == 2 && unclosed.raw == "1,\"unclosed")
        #expect(unclosed.message.contains("第 2 行"))
        #expect(after.reason == .textAfterQuote && after.line == 4)
        // At the end of the file too.
        let tail = Self.parse("a,b\n1,\"never closed")
        #expect(Self.fields(tail) == [["a", "b"], ["<bad>"]])
    }

    @Test("a lone carriage return ends a row (old Mac files), and CRLF is still one break, whatever the chunks")
    func carriageReturns() {
        let text = "a,b\r1,\"x\ry\"\r2,ok\r\n3,\"z\"\r4,last"
        for size in [1, 2, 3, .max] {
            let rows = Self.parse(text, chunk: size)
            #expect(Self.fields(rows) == [["a", "b"], ["1", "x\ry"], ["2", "ok"], ["3", "z"], ["4", "last"]], "chunks of \(size)")
            #expect(rows.compactMap { try? $0.get().line } == [1, 2, 3, 4, 5], "chunks of \(size)")
        }
    }

    @Test("a line longer than the limit is one bad row, with its beginning; the rest of it is skipped, not kept")
    func longLine() {
        let long = String(repeating: "x", count: 40)
        for size in [1, 5, .max] {
            let rows = Self.parse("a,b\n\(long),\(long)\n2,ok\n\(long)", chunk: size, maximumRowBytes: 12)
            #expect(Self.fields(rows) == [["a", "b"], ["<bad>"], ["2", "ok"], ["<bad>"]], "chunks of \(size)")
            guard case .failure(let bad) = rows[1] else { continue }
            #expect(bad.reason == .rowTooLong && bad.line == 2 && bad.raw == String(repeating: "x", count: 13), "chunks of \(size)")
            #expect(bad.message.contains("第 2 行") && bad.message.contains("12"))
            #expect(rows.compactMap { try? $0.get().line } == [1, 3])
        }
    }

    static let gbBytes: [UInt8] = [
        188, 195, 196, 207, 202, 208, 179, 161, 188, 224, 182, 189, 185, 220, 192, 237, 190, 214, 44, 183, 163, 191, 238, 163, 187, 190, 175, 184,
        230, 44, 149, 50, 130, 54, 148, 57, 252, 54,
    ]
    static let gbText = "济南市场监督管理局,罚款；警告,𠀀😀"

    @Test("GB 18030 becomes UTF-8, even with a character split between chunks, and is detected automatically")
    func gb18030() {
        for encoding in [FileEncoding.gb18030, .auto] {
            for split in [1, 2, 3, 31, 33] {
                let decoder = StreamingTextDecoder(encoding)
                let out = decoder.decode(Array(Self.gbBytes[..<split])) + decoder.decode(Array(Self.gbBytes[split...])) + decoder.finish()
                #expect(String(decoding: out, as: UTF8.self) == Self.gbText, "\(encoding) split at \(split)")
                #expect(decoder.encoding == .gb18030)
            }
        }
        let utf8 = StreamingTextDecoder(.auto)
        let text = utf8.decode(Array("济南,UTF-8".utf8)) + utf8.finish()
        #expect(String(decoding: text, as: UTF8.self) == "济南,UTF-8" && utf8.encoding == .utf8)
        // Bytes that are not GB 18030 either become U+FFFD, and the rest survives.
        let broken = StreamingTextDecoder(.gb18030)
        let mixed = broken.decode([0x41, 0xFF, 0x42]) + broken.finish()
        #expect(String(decoding: mixed, as: UTF8.self) == "A\u{FFFD}B")
        #expect(FileEncoding(name: "GBK") == .gb18030 && FileEncoding(name: "UTF-8") == .utf8 && FileEncoding(name: "latin1") == nil)
    }

    @Test("detection: a UTF-8 file stays UTF-8 with a damaged byte after its header; a GB 18030 file, even with an ASCII header, is GB 18030")
    func detection() {
        let header = Array("行政相对人名称,统一社会信用代码\n".utf8)
        #expect(StreamingTextDecoder.detected(header + Array("甲,1\n".utf8)) == .utf8)
        #expect(StreamingTextDecoder.detected(header + [0x41, 0xFF, 0x0A]) == .utf8, "a damaged row does not make the file GB 18030")
        #expect(
            StreamingTextDecoder.detected([0xEF, 0xBB, 0xBF] + Array("subjectName\n".utf8) + [0xC0, 0xAF]) == .utf8,
            "a byte-order mark says UTF-8"
        )
        #expect(StreamingTextDecoder.detected(Self.gbBytes) == .gb18030)
        #expect(StreamingTextDecoder.detected(Array("subjectName,content\n".utf8) + Self.gbBytes) == .gb18030)
        // The decoder follows it: the damaged byte becomes U+FFFD in its own row, the header is read as written.
        let decoder = StreamingTextDecoder(.auto)
        let text = String(decoding: decoder.decode(header + [0x41, 0xFF, 0x0A]) + decoder.finish(), as: UTF8.self)
        #expect(text == "行政相对人名称,统一社会信用代码\nA\u{FFFD}\n" && decoder.encoding == .utf8)
    }
}
