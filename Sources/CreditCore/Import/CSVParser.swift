/// An incremental CSV parser (RFC 4180) over UTF-8 bytes: feed it chunks of any size, take back the rows
/// they complete. Memory stays bounded: a row longer than ``maximumRowBytes`` (an unbalanced quote that would
/// swallow the rest of the file, or a line that never ends) is reported as a bad row, and parsing resumes on
/// its next line.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; CRLF, LF and a lone CR (old Mac files) end a
/// row; a leading byte-order mark is dropped. Blank lines are skipped.
public struct CSVParser: Sendable {
    /// A complete row, with the physical line it started on and its text as it was in the file.
    public struct Row: Sendable, Hashable {
        public var fields: [String]
        public var line: Int
        public var raw: String

        public init(fields: [String], line: Int, raw: String) {
            self.fields = fields
            self.line = line
            self.raw = raw
        }
    }

    /// A row that could not be read, with where and why.
    public struct BadRow: Error, Sendable, Hashable {
        public enum Reason: String, Sendable, Hashable {
            /// A quoted field never closed before the row grew past the limit (or the file ended).
            case unterminatedQuote = "unterminated_quote"
            /// Something other than a comma or a line break after a closing quote.
            case textAfterQuote = "text_after_quote"
            /// A row longer than the limit without an open quote: the rest of its line is skipped.
            case rowTooLong = "row_too_long"
            /// A spreadsheet row with a value beyond the last column read.
            case tooManyColumns = "too_many_columns"
        }
        public var reason: Reason
        public var line: Int
        /// The row as read (for a row too long, its first ``CSVParser/maximumRowBytes`` bytes).
        public var raw: String
        /// For ``Reason/rowTooLong`` the limit in bytes, for ``Reason/tooManyColumns`` in columns.
        public var limit: Int

        public init(reason: Reason, line: Int, raw: String, limit: Int = 0) {
            self.reason = reason
            self.line = line
            self.raw = raw
            self.limit = limit
        }

        public var message: String {
            switch reason {
            case .unterminatedQuote:
                "第 \(line) 行：引号没有闭合 / line \(line): a quoted field is never closed"
            case .textAfterQuote:
                "第 \(line) 行：引号闭合后紧跟了其他字符 / line \(line): text follows a closing quote"
            case .rowTooLong:
                "第 \(line) 行超过单行上限 \(Self.size(limit))，未读取（仅保留开头部分） / line \(line) is longer than \(Self.size(limit)) and was not read (its beginning is kept)"
            case .tooManyColumns:
                "第 \(line) 行在第 \(limit) 列之后还有内容 / line \(line) has values beyond column \(limit)"
            }
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) 字节 bytes"
        }
    }

    public static let defaultMaximumRowBytes = 1 << 20
    let maximumRowBytes: Int

    /// `skipping`: the rest of a line too long to read.
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterBadQuote, skipping }
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var rowBytes: [UInt8] = []
    private var rowLine = 1
    private var line = 1
    private var sawFirstByte = false
    private var bomCheck: [UInt8] = []
    private var badQuote = false
    /// The last byte was a carriage return that ended a row: a line feed right after it is the same break.
    private var afterCR = false

    public init(maximumRowBytes: Int = CSVParser.defaultMaximumRowBytes) {
        self.maximumRowBytes = maximumRowBytes
    }

    /// Parses more bytes; returns the rows (good or bad) they complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Result<Row, BadRow>] {
        var out: [Result<Row, BadRow>] = []
        var input = Array(bytes)
        if !sawFirstByte {
            bomCheck += input
            guard bomCheck.count >= 3 else { return out }
            input = bomCheck.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bomCheck.dropFirst(3)) : bomCheck
            bomCheck = []
            sawFirstByte = true
        }
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if state == .skipping {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    line += 1
                    rowLine = line
                    afterCR = byte == UInt8(ascii: "\r")
                    state = .fieldStart
                }
                continue
            }
            rowBytes.append(byte)
            switch state {
            case .fieldStart, .unquoted:
                if byte == UInt8(ascii: "\"") {
                    if state == .fieldStart { state = .quoted } else { field.append(byte) }
                } else if !separator(byte, &out) {
                    field.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == UInt8(ascii: "\"") {
                    state = .quoteInQuoted
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            case .quoteInQuoted:
                if byte == UInt8(ascii: "\"") {
                    field.append(byte)
                    state = .quoted
                } else if !separator(byte, &out) {
                    badQuote = true
                    state = .afterBadQuote
                }
            case .afterBadQuote:
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    out += endRow()
                    line += 1
                    afterCR = byte == UInt8(ascii: "\r")
                }
            case .skipping:
                break
            }
            if rowBytes.count > maximumRowBytes {
                if state == .quoted {
                    // An unbalanced quote: report the row's first line as bad, and parse again from its next line.
                    out += recoverFromUnterminatedQuote(rest: Array(input[index...]))
                    return out
                }
                // A line that does not end: report what was read, skip the rest of the line.
                out.append(.failure(BadRow(reason: .rowTooLong, line: rowLine, raw: Self.text(rowBytes), limit: maximumRowBytes)))
                resetRow()
                state = .skipping
            }
        }
        return out
    }

    /// Handles a comma (ends the field) or a line break (ends the row: a line feed, a carriage return, or both)
    /// outside quotes; returns false for any other byte.
    private mutating func separator(_ byte: UInt8, _ out: inout [Result<Row, BadRow>]) -> Bool {
        switch byte {
        case UInt8(ascii: ","):
            endField()
        case UInt8(ascii: "\n"):
            out += endRow()
            line += 1
        case UInt8(ascii: "\r"):
            out += endRow()
            line += 1
            afterCR = true
        default:
            return false
        }
        return true
    }

    /// Ends the input: completes a last row without a line break, or reports an unclosed quote.
    public mutating func finish() -> [Result<Row, BadRow>] {
        var out: [Result<Row, BadRow>] = []
        if !sawFirstByte, !bomCheck.isEmpty {
            let pending = bomCheck
            bomCheck = []
            sawFirstByte = true
            out += feed(pending.starts(with: [0xEF, 0xBB, 0xBF]) ? [] : pending)
        }
        if state == .quoted {
            out += recoverFromUnterminatedQuote(rest: [])
            out += finish()
            return out
        }
        if !rowBytes.isEmpty { out += endRow() }
        return out
    }

    private mutating func recoverFromUnterminatedQuote(rest: [UInt8]) -> [Result<Row, BadRow>] {
        let pending = rowBytes + rest
        let firstBreak = pending.firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        let badLine = firstBreak.map { Array(pending[..<$0]) } ?? pending
        let bad = BadRow(reason: .unterminatedQuote, line: rowLine, raw: Self.text(badLine.filter { $0 != UInt8(ascii: "\r") }))
        let resumeLine = rowLine + 1
        resetRow()
        state = .fieldStart
        line = resumeLine
        rowLine = resumeLine
        var out: [Result<Row, BadRow>] = [.failure(bad)]
        if let firstBreak {
            afterCR = pending[firstBreak] == UInt8(ascii: "\r")
            out += feed(pending[(firstBreak + 1)...])
        }
        return out
    }

    private mutating func endField() {
        fields.append(Self.text(field))
        field = []
        state = .fieldStart
    }

    private mutating func endRow() -> [Result<Row, BadRow>] {
        defer {
            resetRow()
            rowLine = line + 1
        }
        var raw = rowBytes
        while let last = raw.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { raw.removeLast() }
        if badQuote {
            return [.failure(BadRow(reason: .textAfterQuote, line: rowLine, raw: Self.text(raw)))]
        }
        endField()
        // A blank line is no row.
        if fields.count == 1 && fields[0].isEmpty && raw.isEmpty { return [] }
        return [.success(Row(fields: fields, line: rowLine, raw: Self.text(raw)))]
    }

    private mutating func resetRow() {
        field = []
        fields = []
        rowBytes = []
        badQuote = false
        state = .fieldStart
    }

    /// UTF-8 text; invalid bytes (which the decoder upstream should have caught) become U+FFFD.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
