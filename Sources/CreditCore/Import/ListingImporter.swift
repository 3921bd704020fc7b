import Foundation

/// Reads a file of listing decisions (``ListingRequest/fileFields``) of the issuing department through the same checks
/// as `POST /api/v1/listings`, in file order: a new entry is `accepted`, a decision entered before `unchanged`; a
/// refused row (form, list, issuer, notice, subject) goes to the department's rejection queue (category
/// ``ListingRequest/category``) with its reason. Each entry is written on its own (a version and a log leaf), so after
/// an interruption the same file sent again duplicates nothing.
public struct ListingImporter: FileImporter {
    public var listings: any ListingStore
    /// Where refused rows are queued.
    public var records: any RecordStore
    public var departmentCode: String
    public var source: String
    /// Rows between two progress reports.
    public var batchSize: Int
    public var mapping: ColumnMapping?

    public init(
        listings: any ListingStore,
        records: any RecordStore,
        departmentCode: String,
        source: String,
        batchSize: Int = 200,
        mapping: ColumnMapping? = nil
    ) {
        self.listings = listings
        self.records = records
        self.departmentCode = departmentCode
        self.source = source
        self.batchSize = batchSize
        self.mapping = mapping
    }

    public func run<Chunks: AsyncSequence>(
        _ chunks: Chunks,
        encoding: FileEncoding,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void = { _ in }
    ) async throws -> ImportSummary where Chunks.Element == [UInt8] {
        try await FileRows.run(chunks, encoding: encoding, into: Session(importer: self, progress: progress))
    }

    public func run<Batches: AsyncSequence>(
        batches: Batches,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void = { _ in }
    ) async throws -> ImportSummary where Batches.Element == RowBatch {
        try await FileRows.run(batches: batches, into: Session(importer: self, progress: progress))
    }

    final class Session: ImportSession {
        let importer: ListingImporter
        var summary = ImportSummary()
        var columns: [Catalogue.Field?]?
        /// Rows read since the last report: their results, the refused rows to queue, the entries written.
        var results: [SubmissionResult] = []
        var refused: [SubmissionItem] = []
        var entered: [String] = []
        let committed: RecordImporter.Committed

        init(importer: ListingImporter, progress: @escaping @Sendable (ImportSummary) async throws -> Void) {
            self.importer = importer
            self.committed = RecordImporter.Committed(progress: progress)
        }

        func handle(_ rows: [FileRows.Row]) async throws {
            for row in rows {
                guard let header = columns else {
                    columns = try FileRows.header(row, fields: ListingRequest.fileFields, title: ListingRequest.title, mapping: importer.mapping)
                    continue
                }
                try await enter(row, header: header)
                if results.count + refused.count >= importer.batchSize { try await write() }
            }
        }

        /// Enters one row's decision, or keeps the row with why it was refused.
        func enter(_ result: FileRows.Row, header: [Catalogue.Field?]) async throws {
            let row: FileRows.Values
            switch FileRows.values(result, header: header) {
            case .failure(let bad):
                return refused.append(Self.refusal(line: bad.line, raw: bad.raw, fields: [:], problem: bad.problem))
            case .success(let values):
                row = values
            }
            do {
                let outcome = try await importer.listings.enter(
                    try ListingRequest(flat: row.fields).parse(),
                    departmentCode: importer.departmentCode,
                    by: importer.source
                )
                results.append(SubmissionResult(index: row.line, status: outcome.created ? .accepted : .unchanged))
                if outcome.created { entered.append(outcome.listing.documentNumber) }
            } catch let error as ListError {
                let problem = FieldProblem(field: "", value: nil, code: error.code, message: error.message)
                refused.append(Self.refusal(line: row.line, raw: row.raw, fields: row.fields, problem: problem))
            }
        }

        static func refusal(line: Int, raw: String, fields: [String: String], problem: FieldProblem) -> SubmissionItem {
            SubmissionItem(
                index: line,
                outcome: .failure(RecordProblems([problem])),
                original: raw,
                fields: fields,
                category: ListingRequest.category
            )
        }

        /// Queues the refused rows, takes the rows now entered out of the queue, and reports.
        func write() async throws {
            guard !results.isEmpty || !refused.isEmpty else { return }
            var batch = results
            if !entered.isEmpty {
                try await importer.records.resolveCorrected(
                    departmentCode: importer.departmentCode,
                    category: ListingRequest.category,
                    documentNumbers: entered
                )
            }
            if !refused.isEmpty {
                batch += try await importer.records.submit(departmentCode: importer.departmentCode, items: refused, source: importer.source)
            }
            (results, refused, entered) = ([], [], [])
            try await committed.add(batch, bytesRead: summary.bytes)
        }

        func abandon() async {}

        func finish() async throws -> ImportSummary {
            guard columns != nil else { throw ImportFailure.empty }
            try await write()
            var total = await committed.summary
            total.bytes = summary.bytes
            return total
        }
    }
}
