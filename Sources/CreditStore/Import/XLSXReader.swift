import CreditCore
import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the first worksheet of an Excel workbook (.xlsx: Office Open XML) as rows of text, for the same
/// import path as CSV. Shared strings, inline strings and numbers are read; a date cell is a day number, which
/// the importer turns into a date for date fields.
///
/// The sheet is streamed: it is unpacked to a temporary file and parsed on a thread of its own, which hands
/// over batches of rows and waits while two are not yet taken, so memory stays bounded by the batches and the
/// workbook's shared strings (kept whole: cells refer to them by number).
///
/// Hostile workbooks are refused or contained: a part that unpacks to more than ``unpackLimit(fileSize:)`` (a
/// "zip bomb"), shared strings over ``sharedStringsLimit``; a row with a value beyond ``maximumColumns`` or
/// more than a CSV row's limit of text is a bad row (its own line's error), never a huge allocation.
public enum XLSXReader {
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Columns read; a value beyond makes its row a bad row. Excel's own last column is XFD (16,384); the
    /// catalogue's categories have a few dozen fields.
    public static let maximumColumns = 1_024

    /// Excel's last row.
    public static let maximumRows = 1_048_576

    /// Uncompressed shared strings kept at most (they are kept whole).
    public static let sharedStringsLimit = 256 << 20

    /// The most a part of a workbook of `fileSize` bytes may unpack to: XML compresses about ten times, a
    /// deflate bomb a thousand.
    public static func unpackLimit(fileSize: Int) -> Int { 100 * fileSize + (16 << 20) }

    /// A part that unpacked to more than its limit.
    struct TooLarge: Error {}

    /// Whether bytes start like a ZIP archive (an .xlsx file is one).
    public static func looksLikeXLSX(_ prefix: [UInt8]) -> Bool { prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// The rows of the first sheet in batches, with progress in bytes of the workbook (estimated from the sheet's
    /// declared size, `<dimension>`). A workbook that is not one, or has no sheet, is refused here; a sheet that is
    /// not XML fails the sequence.
    /// - Throws: ``Unreadable``.
    public static func batches(file: URL, batchSize: Int = 1_000) throws -> SheetBatches {
        let archive: Archive
        do {
            archive = try Archive(url: file, accessMode: .read)
        } catch {
            throw Unreadable(description: "不是有效的 Excel（.xlsx）文件 / not a valid .xlsx file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        func contents(_ path: String, limit: Int) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) {
                guard data.count + $0.count <= limit else { throw TooLarge() }
                data.append($0)
            }
            return data
        }
        let shared: [String]
        let sheet: Entry
        do {
            let limit = min(unpackLimit(fileSize: size), sharedStringsLimit)
            shared = try contents("xl/sharedStrings.xml", limit: limit).map(SharedStrings.parse) ?? []
            guard let path = try firstSheetPath(archive: archive, contents: { try contents($0, limit: limit) }), let entry = archive[path] else {
                throw Unreadable(description: "工作簿中没有工作表 / the workbook has no worksheet")
            }
            sheet = entry
        } catch let unreadable as Unreadable {
            throw unreadable
        } catch is TooLarge {
            throw Unreadable(
                description:
                    "Excel 文件解压后过大（压缩炸弹，或超大的共享字符串表）；请另存为 CSV 后上传 / the workbook unpacks to too much (a zip bomb, or huge shared strings): save the sheet as CSV and upload that"
            )
        } catch {
            throw Unreadable(description: "Excel 文件已损坏，无法解压 / the .xlsx file is damaged and cannot be unpacked")
        }
        return SheetBatches(reader: SheetThread(archive: archive, sheet: sheet, shared: shared, fileSize: size, batchSize: batchSize))
    }

    /// The batches of a sheet being read; the reading thread starts when the sequence is first iterated.
    public struct SheetBatches: AsyncSequence, Sendable {
        public typealias Element = RowBatch
        let reader: SheetThread

        public func makeAsyncIterator() -> Iterator {
            Iterator(inner: reader.start().makeAsyncIterator(), permits: reader.permits)
        }

        public struct Iterator: AsyncIteratorProtocol {
            var inner: AsyncThrowingStream<RowBatch, any Error>.Iterator
            let permits: DispatchSemaphore

            public mutating func next() async throws -> RowBatch? {
                let batch = try await inner.next()
                // A batch taken: the reader may parse one more.
                if batch != nil { permits.signal() }
                return batch
            }
        }
    }

    /// The thread that unpacks and parses one sheet. At most two batches wait to be taken; when the consumer
    /// stops (an import that failed, a client gone), the thread stops parsing and removes its temporary file.
    final class SheetThread: @unchecked Sendable {
        let archive: Archive
        let sheet: Entry
        let shared: [String]
        let fileSize: Int
        let batchSize: Int
        /// Batches the reader may still hand over. Created at 0 and raised to 2 in `init`: libdispatch traps when a
        /// semaphore is freed with a value below the one it was created with.
        let permits = DispatchSemaphore(value: 0)
        let lock = NSLock()
        var stopped = false

        init(archive: Archive, sheet: Entry, shared: [String], fileSize: Int, batchSize: Int) {
            self.archive = archive
            self.sheet = sheet
            self.shared = shared
            self.fileSize = fileSize
            self.batchSize = batchSize
            permits.signal()
            permits.signal()
        }

        var isStopped: Bool { lock.withLock { stopped } }

        func start() -> AsyncThrowingStream<RowBatch, any Error> {
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: RowBatch.self)
            continuation.onTermination = { [self] _ in
                lock.withLock { stopped = true }
                permits.signal()
            }
            let thread = Thread { [self] in run(continuation) }
            thread.name = "xlsx-sheet"
            thread.start()
            return stream
        }

        func run(_ continuation: AsyncThrowingStream<RowBatch, any Error>.Continuation) {
            let file = UploadFiles.url(.sheet)
            defer { try? FileManager.default.removeItem(at: file) }
            do {
                _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
                let handle = try FileHandle(forWritingTo: file)
                defer { try? handle.close() }
                let limit = XLSXReader.unpackLimit(fileSize: fileSize)
                var written = 0
                _ = try archive.extract(sheet, skipCRC32: false) {
                    written += $0.count
                    guard written <= limit else { throw TooLarge() }
                    try handle.write(contentsOf: $0)
                }
            } catch is TooLarge {
                return continuation.finish(
                    throwing: Unreadable(
                        description:
                            "工作表解压后超过文件大小的 100 倍（疑似压缩炸弹）；请另存为 CSV 后上传 / the worksheet unpacks to more than 100 times the file's size: save it as CSV and upload that"
                    )
                )
            } catch {
                return continuation.finish(
                    throwing: Unreadable(description: "Excel 文件已损坏，工作表无法解压 / the worksheet cannot be unpacked")
                )
            }
            guard let input = InputStream(url: file) else {
                return continuation.finish(throwing: Unreadable(description: "工作表无法读取 / the worksheet cannot be read"))
            }
            let delegate = Sheet(shared: shared, batchSize: batchSize) { [self] rows, fraction in
                permits.wait()
                guard !isStopped else { return false }
                continuation.yield(RowBatch(rows: rows, bytesRead: Int(Double(fileSize) * min(fraction, 1))))
                return true
            }
            let parser = XMLParser(stream: input)
            parser.delegate = delegate
            let parsed = parser.parse()
            if isStopped { return continuation.finish() }
            if let damage = delegate.damage { return continuation.finish(throwing: Unreadable(description: damage)) }
            // Foundation's stream parser reports nothing for a few bytes of junk or none: no root element is damage too.
            guard parsed, !delegate.aborted, delegate.sawRoot else {
                return continuation.finish(throwing: Unreadable(description: "工作表不是有效的 XML / the worksheet is not valid XML"))
            }
            if delegate.deliver(final: true) { continuation.finish() }
        }
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

        /// - Throws: ``Unreadable`` when the table is not well-formed XML (a truncated or forged one would shift
        ///   every text that refers to it).
        static func parse(_ data: Data) throws -> [String] {
            let delegate = SharedStrings()
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            // On Linux a document cut short still parses "successfully", with the error only reported.
            guard parser.parse(), parser.parserError == nil else {
                throw Unreadable(description: "Excel 文件的共享字符串表已损坏 / the workbook's shared strings are damaged")
            }
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

    /// A worksheet's rows; cells placed by their reference (`C7` is the third column), gaps left empty. Rows are
    /// handed over in batches with the share of the sheet read so far (by row number against `<dimension>`).
    final class Sheet: NSObject, XMLParserDelegate {
        let shared: [String]
        let batchSize: Int
        /// Takes a batch and the share read; false to stop.
        let handOver: ([FileRows.Row], Double) -> Bool
        var rows: [FileRows.Row] = []
        var lastRow: Int?
        /// The row's values by column; empty cells (Excel writes formatted ones) are not kept.
        var row: [Int: String] = [:]
        /// Bytes of text of the row so far, and what makes it unreadable (a value beyond the last column, too much text).
        var rowBytes = 0
        var rowProblem: CSVParser.BadRow.Reason?
        /// The header's width: a row is read as wide as its header (Excel leaves out empty cells at a row's end).
        var headerWidth: Int?
        var rowNumber = 0
        var column = 0
        var type: String?
        var value = ""
        var inValue = false
        /// True when the consumer stopped, or the XML was broken.
        var aborted = false
        /// Whether any element was read (a worksheet has its root at least).
        var sawRoot = false
        /// Why the sheet cannot be trusted although its XML is well formed (a cell naming a shared string that does
        /// not exist: every text of the sheet may be the wrong one).
        var damage: String?

        init(shared: [String], batchSize: Int, handOver: @escaping ([FileRows.Row], Double) -> Bool) {
            self.shared = shared
            self.batchSize = batchSize
            self.handOver = handOver
        }

        /// Hands over the rows read so far; at the end with a share of 1.
        func deliver(final: Bool = false) -> Bool {
            guard !rows.isEmpty || final else { return true }
            let share = final ? 1 : lastRow.map { Double(rowNumber) / Double(max($0, 1)) } ?? 0
            let batch = rows
            rows = []
            return handOver(batch, share)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { aborted = true }

        /// `AB12` → 27 (0-based column of the letters); a reference of more than three letters (beyond Excel's
        /// sheet) → `Int.max`.
        static func columnIndex(_ reference: String) -> Int? {
            var index = 0
            var letters = 0
            for scalar in reference.unicodeScalars {
                guard scalar.value >= 65, scalar.value <= 90 else { break }
                guard letters < 3 else { return Int.max }
                index = index * 26 + Int(scalar.value - 64)
                letters += 1
            }
            return letters == 0 ? nil : index - 1
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            sawRoot = true
            switch name {
            case "dimension":
                // `A1:H1001`: the last row number.
                lastRow = attributes["ref"]?.split(separator: ":").last.flatMap { Int($0.drop(while: { $0.isLetter })) }
            case "row":
                row = [:]
                rowBytes = 0
                rowProblem = nil
                // Excel's rows are numbered upwards to 1,048,576; another number (a damaged or forged sheet) is not believed.
                let number = attributes["r"].flatMap { Int($0) }
                rowNumber = number.flatMap { $0 > rowNumber && $0 <= XLSXReader.maximumRows ? $0 : nil } ?? rowNumber + 1
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

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard inValue, rowProblem == nil else { return }
            if rowBytes + value.utf8.count + string.utf8.count > CSVParser.defaultMaximumRowBytes {
                rowProblem = .rowTooLong
            } else {
                value += string
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "v", "t":
                inValue = false
            case "c":
                let text: String
                if type == "s" {
                    guard let index = Int(value), shared.indices.contains(index) else {
                        damage =
                            "第 \(rowNumber) 行引用了不存在的共享字符串（第 \(value.prefix(20)) 个，共 \(shared.count) 个）：文件已损坏，请在 Excel 中另存后重新上传 / line \(rowNumber) refers to a shared string that does not exist: the file is damaged"
                        aborted = true
                        parser.abortParsing()
                        return
                    }
                    text = shared[index]
                } else if type == "b" {
                    text = value == "1" ? "TRUE" : "FALSE"
                } else if value.hasSuffix(".0"), let whole = Double(value), whole == whole.rounded(), abs(whole) < 1e15 {
                    text = String(Int(whole))
                } else {
                    text = value
                }
                if !text.isEmpty && rowProblem == nil {
                    rowBytes += text.utf8.count
                    if column >= XLSXReader.maximumColumns {
                        rowProblem = .tooManyColumns
                    } else if rowBytes > CSVParser.defaultMaximumRowBytes {
                        rowProblem = .rowTooLong
                    } else {
                        row[column] = text
                    }
                }
                column = column < XLSXReader.maximumColumns ? column + 1 : column
            case "row":
                if let problem = rowProblem {
                    let raw = row.keys.sorted().map { row[$0] ?? "" }.joined(separator: ",")
                    let limit = problem == .rowTooLong ? CSVParser.defaultMaximumRowBytes : XLSXReader.maximumColumns
                    rows.append(.failure(CSVParser.BadRow(reason: problem, line: rowNumber, raw: raw, limit: limit)))
                } else if let last = row.keys.max() {
                    let width = max(last + 1, headerWidth ?? 0)
                    if headerWidth == nil { headerWidth = width }
                    let fields = (0..<width).map { row[$0] ?? "" }
                    rows.append(.success(CSVParser.Row(fields: fields, line: rowNumber, raw: fields.joined(separator: ","))))
                }
                if rows.count >= batchSize, !deliver() {
                    aborted = true
                    parser.abortParsing()
                }
            default:
                break
            }
        }
    }
}
