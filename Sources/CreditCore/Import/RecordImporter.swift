import Foundation

/// Counts of an import, as it goes and at the end.
public struct ImportSummary: Sendable, Hashable, Codable {
    public var rows = 0
    public var accepted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    /// Bytes of the file read so far.
    public var bytes = 0
    /// The first rejected rows with their problems, in file order (at most ``keptRejections``: memory stays
    /// bounded); every rejected row, these included, is in the department's rejection queue.
    public var firstRejections: [RejectedRow] = []
    /// Rows stored with a warning (a legacy credit code failing its position-17 check), and the first of them.
    public var warned = 0
    public var firstWarnings: [RejectedRow] = []

    /// How many rejected rows a summary keeps to show (`credit import` prints them).
    public static let keptRejections = 20

    public init() {}

    mutating func add(_ results: [SubmissionResult]) {
        for result in results {
            rows += 1
            if !result.warnings.isEmpty {
                warned += 1
                if firstWarnings.count < Self.keptRejections { firstWarnings.append(RejectedRow(line: result.index, problems: result.warnings)) }
            }
            switch result.status {
            case .accepted: accepted += 1
            case .updated: updated += 1
            case .unchanged: unchanged += 1
            case .rejected:
                rejected += 1
                if firstRejections.count < Self.keptRejections {
                    firstRejections.append(RejectedRow(line: result.index, problems: result.problems))
                }
            }
        }
    }
}

/// A rejected row of a file, by its line number, with every problem found in it.
public struct RejectedRow: Sendable, Hashable, Codable {
    public var line: Int
    public var problems: [FieldProblem]

    public init(line: Int, problems: [FieldProblem]) {
        self.line = line
        self.problems = problems
    }
}

/// Why a whole file was refused before any row was stored.
public typealias ImportFailure = AreaError<ImportJob>

extension AreaError where Area == ImportJob {
    static var empty: ImportFailure { ImportFailure(code: "empty_file", message: "文件是空的 / the file is empty") }

    /// A file that starts with UTF-16's byte-order mark (Excel's "Unicode text").
    static var utf16: ImportFailure {
        ImportFailure(
            code: "wrong_encoding",
            message:
                "文件是 UTF-16 编码（如 Excel 的“Unicode 文本”）：请另存为“CSV UTF-8（逗号分隔）”或 CSV（GB18030）后重新上传 / the file is UTF-16 (such as Excel's \"Unicode text\"): save it as \"CSV UTF-8 (comma delimited)\" or as CSV in GB 18030 and send it again"
        )
    }

    public static func unknownCategory(_ code: String) -> ImportFailure {
        ImportFailure(code: "unknown_category", message: "类别“\(code.prefix(40))”不在信用信息目录中 / not a category of the catalogue")
    }

    static func unknownColumns(_ columns: [String], title: String, known: [Catalogue.Field]) -> ImportFailure {
        let list = columns.map { "“\($0.prefix(40))”" }.joined(separator: "、")
        let labels = known.map(\.label).joined(separator: "、")
        return ImportFailure(
            code: "unknown_columns",
            message: "表头有不认识的列：\(list)。\(title)的列为：\(labels) / unknown columns in the header: \(columns.joined(separator: ", "))"
        )
    }

    static func missingColumns(_ fields: [Catalogue.Field]) -> ImportFailure {
        ImportFailure(
            code: "missing_columns",
            message:
                "缺少必填列：\(fields.map(\.label).joined(separator: "、")) / required columns are missing: \(fields.map(\.name).joined(separator: ", "))"
        )
    }

    static func duplicateColumn(_ label: String) -> ImportFailure {
        ImportFailure(code: "duplicate_column", message: "表头中“\(label)”出现了两次 / the column \(label) appears twice")
    }
}

/// Reads a CSV file of one category, streamed in chunks, through the one validation path, and stores it
/// batch by batch: memory stays bounded whatever the file's size, each stored batch is acknowledged
/// (committed) before the next is read, and a file sent again after an interruption duplicates nothing
/// (stored rows come back `unchanged`). Row positions are the file's line numbers.
public struct RecordImporter: FileImporter {
    public var catalogue: Catalogue
    public var store: any RecordStore
    public var departmentCode: String
    public var category: String
    public var today: LocalDate
    public var source: String
    public var batchSize: Int
    /// How this department's file names its columns, where the catalogue's names do not fit.
    public var mapping: ColumnMapping?

    public init(
        catalogue: Catalogue,
        store: any RecordStore,
        departmentCode: String,
        category: String,
        today: LocalDate,
        source: String,
        batchSize: Int = RecordImporter.defaultBatchSize,
        mapping: ColumnMapping? = nil
    ) {
        self.mapping = mapping
        self.catalogue = catalogue
        self.store = store
        self.departmentCode = departmentCode
        self.category = category
        self.today = today
        self.source = source
        self.batchSize = batchSize
    }

    /// Imports a CSV file given as a sequence of byte chunks.
    /// - Parameter progress: called after every stored batch.
    /// - Throws: ``ImportFailure`` when the file cannot be read at all (nothing is stored then).
    public func run<Chunks: AsyncSequence>(
        _ chunks: Chunks,
        encoding: FileEncoding,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void = { _ in }
    ) async throws -> ImportSummary where Chunks.Element == [UInt8] {
        try await FileRows.run(chunks, encoding: encoding, into: try Session(importer: self, progress: progress))
    }

    /// Imports rows read in batches (a spreadsheet's, streamed), the header first.
    public func run<Batches: AsyncSequence>(
        batches: Batches,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void = { _ in }
    ) async throws -> ImportSummary where Batches.Element == RowBatch {
        try await FileRows.run(batches: batches, into: try Session(importer: self, progress: progress))
    }

    /// The state of one import: the header, the batch being filled, the batch being stored.
    final class Session: ImportSession {
        let importer: RecordImporter
        let category: Catalogue.Category
        /// Bytes of the file read so far (the counts of rows are ``committed``'s).
        var summary = ImportSummary()
        var columns: [Catalogue.Field?]?
        var batch: [SubmissionItem] = []
        /// Bytes of the rows of the batch being filled, as read.
        var batchBytes = 0
        /// Document numbers of the batch being filled; across batches the store finds duplicates by `importID`,
        /// so memory stays bounded whatever the file's length.
        var seen: [String: Int] = [:]
        let importID = UUID().uuidString
        /// Batches handed to the store, oldest first: while one is written the next is prepared and a third is
        /// parsed and checked. At most two are in flight; each is written only after the one before it, so
        /// batches are stored in file order and progress counts committed rows only.
        var inFlight: [Task<Void, any Error>] = []
        /// The counts of the committed batches, reported as each commits (not when the next is read: a sender
        /// that pauses still sees its stored rows counted).
        let committed: Committed

        init(importer: RecordImporter, progress: @escaping @Sendable (ImportSummary) async throws -> Void) throws {
            guard let category = importer.catalogue.category(importer.category) else { throw ImportFailure.unknownCategory(importer.category) }
            self.importer = importer
            self.category = category
            self.committed = Committed(progress: progress)
        }

        func handle(_ rows: [FileRows.Row]) async throws {
            for row in rows {
                guard let header = columns else {
                    columns = try RecordImporter.header(row, category: category, mapping: importer.mapping)
                    continue
                }
                let item = importer.item(row, header: header, category: category, seen: &seen)
                batchBytes += item.original.utf8.count
                batch.append(item)
                if batch.count >= importer.batchSize || batchBytes >= RecordImporter.batchBytes { try await flush() }
            }
        }

        /// Waits for the oldest batch in flight (it counted itself when it committed).
        func settle() async throws {
            guard !inFlight.isEmpty else { return }
            let oldest = inFlight.removeFirst()
            do {
                try await oldest.value
            } catch {
                // The next batch waits for this one and fails with it; nothing after a failed batch is stored.
                for task in inFlight { _ = try? await task.value }
                inFlight = []
                throw error
            }
        }

        func flush() async throws {
            guard !batch.isEmpty else { return }
            let items = batch
            batch = []
            batchBytes = 0
            seen = [:]
            if inFlight.count >= 2 { try await settle() }
            let (store, department, source, importID) = (importer.store, importer.departmentCode, importer.source, importID)
            let (previous, committed, bytes) = (inFlight.last, committed, summary.bytes)
            inFlight.append(
                Task {
                    let results = try await store.submit(departmentCode: department, items: items, source: source, importID: importID) {
                        try await previous?.value
                    }
                    try await committed.add(results, bytesRead: bytes)
                }
            )
        }

        func abandon() async {
            for task in inFlight { _ = try? await task.value }
            inFlight = []
        }

        func finish() async throws -> ImportSummary {
            guard columns != nil else { throw ImportFailure.empty }
            try await flush()
            while !inFlight.isEmpty { try await settle() }
            var total = await committed.summary
            total.bytes = summary.bytes
            return total
        }
    }

    /// The counts of an import's committed batches; each batch adds its results and reports progress as it commits
    /// (batches commit one after another, in file order).
    actor Committed {
        var summary = ImportSummary()
        let progress: @Sendable (ImportSummary) async throws -> Void

        init(progress: @escaping @Sendable (ImportSummary) async throws -> Void) { self.progress = progress }

        /// Adds a committed batch; `bytesRead` is how much of the file had been read when it was cut.
        func add(_ results: [SubmissionResult], bytesRead: Int) async throws {
            summary.add(results)
            summary.bytes = bytesRead
            try await progress(summary)
        }
    }

    /// Rows stored to a transaction unless the caller says otherwise (decision 0007: fewer, larger commits rewrite
    /// the records' subject index less often).
    public static let defaultBatchSize = 8_000

    /// A batch is stored when it holds ``batchSize`` rows or this many bytes of rows as read, whichever comes first:
    /// memory is bounded by bytes as well as rows, whatever the rows' length (a row may hold 2,000-character texts).
    static let batchBytes = 4 << 20

    /// The fields of the header's columns, in order; one of them names the subject (credit code or identity number).
    static func header(_ row: FileRows.Row, category: Catalogue.Category, mapping: ColumnMapping?) throws -> [Catalogue.Field?] {
        let fields = try FileRows.header(row, fields: category.fields, title: category.name, mapping: mapping)
        if !fields.contains(where: { $0?.name == "subjectCode" || $0?.name == "subjectIdNumber" }) {
            let columns = (try? row.get().fields) ?? []
            throw HeaderMismatch(ImportFailure.missingColumns(category.fields.filter { $0.name == "subjectCode" }), columns: columns)
        }
        return fields
    }

    func item(_ result: FileRows.Row, header: [Catalogue.Field?], category: Catalogue.Category, seen: inout [String: Int]) -> SubmissionItem {
        let row: FileRows.Values
        switch FileRows.values(result, header: header) {
        case .failure(let bad):
            return SubmissionItem(index: bad.line, outcome: .failure(RecordProblems([bad.problem])), original: bad.raw, category: category.code)
        case .success(let values):
            row = values
        }
        let fields = row.fields
        let submission = RecordSubmission(category: category.code, fields: fields)
        var outcome = RecordValidator.validate(submission, catalogue: catalogue, today: today, input: .file, department: departmentCode)
        if case .success(let record) = outcome {
            if let first = seen[record.documentNumber] {
                outcome = .failure(RecordProblems([SubmissionRules.duplicateInFile(record.documentNumber, line: first)]))
            } else {
                seen[record.documentNumber] = row.line
            }
        }
        return SubmissionItem(index: row.line, outcome: outcome, original: row.raw, fields: fields, category: category.code)
    }
}
