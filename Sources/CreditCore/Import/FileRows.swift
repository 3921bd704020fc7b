import Foundation

/// A file import: a CSV file streamed in chunks, or a spreadsheet's rows, each row through the one validation path
/// of what the file holds (``RecordImporter`` for credit records, ``EntityImporter`` for registrations).
public protocol FileImporter: Sendable {
    /// Imports a CSV file given as a sequence of byte chunks.
    /// - Parameter progress: called after every stored batch.
    /// - Throws: ``ImportFailure`` when the file cannot be read at all (nothing is stored then).
    func run<Chunks: AsyncSequence>(
        _ chunks: Chunks,
        encoding: FileEncoding,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void
    ) async throws -> ImportSummary where Chunks.Element == [UInt8]

    /// Imports rows read in batches (a spreadsheet's, streamed), the header first.
    func run<Batches: AsyncSequence>(
        batches: Batches,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void
    ) async throws -> ImportSummary where Batches.Element == RowBatch
}

/// Rows of a file read by someone else (a spreadsheet reader), and how far into the file they reach.
public struct RowBatch: Sendable {
    public var rows: [FileRows.Row]
    /// Bytes of the file read up to the end of these rows (for progress; may be an estimate).
    public var bytesRead: Int

    public init(rows: [FileRows.Row], bytesRead: Int) {
        self.rows = rows
        self.bytesRead = bytesRead
    }
}

/// The state of one file import: what its rows become is the session's business.
protocol ImportSession: AnyObject {
    var summary: ImportSummary { get set }
    /// Takes the next rows of the file, the header first.
    func handle(_ rows: [FileRows.Row]) async throws
    /// Stores what is left and returns the counts; throws ``ImportFailure/empty`` when there was not even a header.
    func finish() async throws -> ImportSummary
    /// Waits for the batches handed to the store (whatever becomes of them) when the import stops on an error, so
    /// that what the caller reports next comes after every commit.
    func abandon() async
}

/// What every file import shares, whatever its rows become: reading a CSV file chunk by chunk, mapping the
/// header to fields, and turning one row into values by field name (or the problem that makes it unreadable).
public enum FileRows {
    public typealias Row = Result<CSVParser.Row, CSVParser.BadRow>

    /// Reads a CSV file given as byte chunks into an import's session, row by row as each chunk completes them.
    static func run<Chunks: AsyncSequence>(
        _ chunks: Chunks,
        encoding: FileEncoding,
        into session: some ImportSession
    ) async throws -> ImportSummary where Chunks.Element == [UInt8] {
        let decoder = StreamingTextDecoder(encoding)
        var parser = CSVParser()
        do {
            for try await chunk in chunks {
                if session.summary.bytes == 0, chunk.starts(with: [0xFF, 0xFE]) || chunk.starts(with: [0xFE, 0xFF]) {
                    throw ImportFailure.utf16
                }
                session.summary.bytes += chunk.count
                try await session.handle(parser.feed(decoder.decode(chunk)))
            }
            try await session.handle(parser.feed(decoder.finish()))
            try await session.handle(parser.finish())
            return try await session.finish()
        } catch {
            await session.abandon()
            throw error
        }
    }

    /// Hands batches of rows read elsewhere (a spreadsheet's, the header first) to an import's session.
    static func run<Batches: AsyncSequence>(
        batches: Batches,
        into session: some ImportSession
    ) async throws -> ImportSummary where Batches.Element == RowBatch {
        do {
            for try await batch in batches {
                session.summary.bytes = batch.bytesRead
                try await session.handle(batch.rows)
            }
            return try await session.finish()
        } catch {
            await session.abandon()
            throw error
        }
    }

    /// The fields of the header's columns, in order (nil for a column the mapping ignores): every column must name
    /// a field (by the mapping, its API name or an alias), none twice, and every required field must have its column.
    /// - Parameter title: what the file holds, for the message about unknown columns (“行政处罚”, “主体登记”).
    /// - Throws: ``ImportFailure`` when the header cannot be read; ``HeaderMismatch`` (with the columns, to map them)
    ///   when its columns do not fit.
    static func header(_ row: Row, fields known: [Catalogue.Field], title: String, mapping: ColumnMapping?) throws -> [Catalogue.Field?] {
        let header: CSVParser.Row
        switch row {
        case .success(let row): header = row
        case .failure(let bad): throw ImportFailure(code: "unreadable_header", message: "表头无法读取 / the header row cannot be read: \(bad.message)")
        }
        if header.raw.unicodeScalars.contains("\u{FFFD}") {
            throw ImportFailure(
                code: "wrong_encoding",
                message:
                    "表头含有不是 UTF-8 或 GB18030 文字的字节：请将文件另存为 CSV（UTF-8 或 GB18030）后重新上传；如上传时声明了编码，请检查是否正确 / the header has bytes that are not UTF-8 or GB 18030 text: save the file as CSV (UTF-8 or GB 18030) and send it again; if you declared its encoding, check it"
            )
        }
        // Saved from a spreadsheet as "text (tab-delimited)" or with semicolons: one column holding every name.
        if header.fields.count == 1, let separator = ["\t", ";", "；"].first(where: { header.fields[0].contains($0) }) {
            let names = header.fields[0].components(separatedBy: separator)
            if names.contains(where: { name in known.contains { $0.isNamed(byColumn: name.trimmingASCIIWhitespace()) } }) {
                let (chinese, english) = separator == "\t" ? ("制表符", "tabs") : ("分号", "semicolons")
                throw ImportFailure(
                    code: "wrong_separator",
                    message:
                        "表头的列以\(chinese)分隔：请另存为逗号分隔的 CSV / the columns are separated by \(english), not commas: save the file as CSV (comma-separated)"
                )
            }
        }
        var fields: [Catalogue.Field?] = []
        var unknown: [String] = []
        let mismatch = { (failure: ImportFailure) in HeaderMismatch(failure, columns: header.fields) }
        for column in header.fields {
            let entry = mapping?.entry(for: column)
            if let entry, entry.field == nil {
                fields.append(nil)
            } else if let field = known.first(where: { field in entry?.field.map { field.name == $0 } ?? field.isNamed(byColumn: column) }) {
                if fields.contains(field) { throw mismatch(ImportFailure.duplicateColumn(field.label)) }
                fields.append(field)
            } else {
                unknown.append(column)
            }
        }
        if !unknown.isEmpty { throw mismatch(ImportFailure.unknownColumns(unknown, title: title, known: known)) }
        let missing = known.filter { $0.required && !fields.contains($0) }
        if !missing.isEmpty { throw mismatch(ImportFailure.missingColumns(missing)) }
        return fields
    }

    /// A row's values by field name (empty cells left out; a spreadsheet's day number in a date column made a
    /// date), with its line and text as read; or, when the row cannot be read at all, its one problem.
    static func values(_ result: Row, header: [Catalogue.Field?]) -> Result<Values, Unreadable> {
        func unreadable(_ line: Int, _ raw: String, _ code: String, _ message: String) -> Result<Values, Unreadable> {
            .failure(Unreadable(line: line, raw: raw, problem: FieldProblem(field: "", value: nil, code: code, message: message)))
        }
        let row: CSVParser.Row
        switch result {
        case .failure(let bad):
            return unreadable(bad.line, bad.raw, bad.reason.rawValue, bad.message)
        case .success(let good):
            row = good
        }
        if row.raw.unicodeScalars.contains("\u{FFFD}") {
            return unreadable(
                row.line,
                row.raw,
                "invalid_encoding",
                "第 \(row.line) 行含有无法识别的字符：文件编码可能不是 UTF-8 或 GB18030 / line \(row.line) has bytes that are not text in the file's encoding"
            )
        }
        guard row.fields.count == header.count else {
            return unreadable(
                row.line,
                row.raw,
                "wrong_column_count",
                "第 \(row.line) 行有 \(row.fields.count) 列，表头有 \(header.count) 列 / line \(row.line) has \(row.fields.count) columns, the header \(header.count)"
            )
        }
        var fields: [String: String] = [:]
        for (field, value) in zip(header, row.fields) where !value.isEmpty {
            guard let field else { continue }
            // A spreadsheet keeps dates as day numbers (1 = 1900-01-01, with Excel's 1900 leap-day quirk).
            if field.type == .date, value.count == 5, let serial = Int(value), serial > 1 {
                fields[field.name] = LocalDate(year: 1899, month: 12, day: 30)!.adding(days: serial).description
            } else {
                fields[field.name] = value
            }
        }
        return .success(Values(line: row.line, raw: row.raw, fields: fields))
    }

    /// A readable row.
    struct Values {
        var line: Int
        var raw: String
        var fields: [String: String]
    }

    /// A row that cannot be read as the header's columns.
    struct Unreadable: Error {
        var line: Int
        var raw: String
        var problem: FieldProblem
    }
}
