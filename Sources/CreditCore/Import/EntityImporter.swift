import Foundation

/// Reads a registration file of the registering department (CSV streamed in chunks, or a spreadsheet's rows)
/// through the same checks as `POST /api/v1/entities`, and stores it in file order: a new entity is
/// `accepted`, a change `updated`, the same facts `unchanged`; a refused row goes to the department's rejection
/// queue (category ``EntityRegistration/category``) with every problem and the row as it was. Rows are stored
/// ``batchSize`` at a time, each batch in one transaction, so after an interruption the same file sent again
/// duplicates nothing.
public struct EntityImporter: FileImporter {
    public var registry: any RegistryStore
    /// Where refused rows are queued.
    public var records: any RecordStore
    public var tables: ReferenceTables
    public var departmentCode: String
    public var today: LocalDate
    public var source: String
    /// Rows stored in one transaction (and between two progress reports).
    public var batchSize: Int
    /// How this department's file names its columns, where the registry's names do not fit.
    public var mapping: ColumnMapping?

    public init(
        registry: any RegistryStore,
        records: any RecordStore,
        tables: ReferenceTables,
        departmentCode: String,
        today: LocalDate,
        source: String,
        batchSize: Int = 2_000,
        mapping: ColumnMapping? = nil
    ) {
        self.mapping = mapping
        self.registry = registry
        self.records = records
        self.tables = tables
        self.departmentCode = departmentCode
        self.today = today
        self.source = source
        self.batchSize = batchSize
    }

    /// Imports a CSV registration file given as byte chunks.
    /// - Throws: ``ImportFailure`` when the file cannot be read at all (nothing is stored then).
    public func run<Chunks: AsyncSequence>(
        _ chunks: Chunks,
        encoding: FileEncoding,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void = { _ in }
    ) async throws -> ImportSummary where Chunks.Element == [UInt8] {
        try await FileRows.run(chunks, encoding: encoding, into: try await Session(importer: self, progress: progress))
    }

    /// Imports rows read in batches (a spreadsheet's, streamed), the header first.
    public func run<Batches: AsyncSequence>(
        batches: Batches,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void = { _ in }
    ) async throws -> ImportSummary where Batches.Element == RowBatch {
        try await FileRows.run(batches: batches, into: try await Session(importer: self, progress: progress))
    }

    final class Session: ImportSession {
        let importer: EntityImporter
        let department: Department
        var summary = ImportSummary()
        var columns: [Catalogue.Field?]?
        /// Rows read since the last write: registrations to store (with their lines) and refused rows to queue.
        var registrations: [(line: Int, registration: EntityRegistration)] = []
        var refused: [SubmissionItem] = []
        /// The batch being stored while the next is read and checked (one at a time, in file order).
        var inFlight: Task<Void, any Error>?
        /// The counts of the stored batches, reported as each commits.
        let committed: RecordImporter.Committed

        init(importer: EntityImporter, progress: @escaping @Sendable (ImportSummary) async throws -> Void) async throws {
            guard let department = try await importer.registry.fetchDepartments().first(where: { $0.code == importer.departmentCode }) else {
                throw ImportFailure(
                    code: "unknown_department",
                    message: "部门 \(importer.departmentCode) 未登记 / department \(importer.departmentCode) is not registered"
                )
            }
            self.importer = importer
            self.department = department
            self.committed = RecordImporter.Committed(progress: progress)
        }

        func handle(_ rows: [FileRows.Row]) async throws {
            for row in rows {
                guard let header = columns else {
                    columns = try FileRows.header(
                        row,
                        fields: EntityRegistration.fileFields,
                        title: EntityRegistration.title,
                        mapping: importer.mapping
                    )
                    continue
                }
                check(row, header: header)
                if registrations.count + refused.count >= importer.batchSize { try await write() }
            }
        }

        func check(_ result: FileRows.Row, header: [Catalogue.Field?]) {
            let row: FileRows.Values
            switch FileRows.values(result, header: header) {
            case .failure(let bad):
                return refuse(line: bad.line, raw: bad.raw, fields: [:], problems: [bad.problem])
            case .success(let values):
                row = values
            }
            switch EntityRegistration.validate(flat: row.fields, tables: importer.tables, today: importer.today) {
            case .failure(let problems):
                refuse(line: row.line, raw: row.raw, fields: row.fields, problems: problems.problems)
            case .success(let registration):
                if let refusal = registration.refusal(department: department) {
                    return refuse(line: row.line, raw: row.raw, fields: row.fields, problems: [refusal])
                }
                registrations.append((row.line, registration))
            }
        }

        func refuse(line: Int, raw: String, fields: [String: String], problems: [FieldProblem]) {
            let item = SubmissionItem(
                index: line,
                outcome: .failure(RecordProblems(problems)),
                original: raw,
                fields: fields,
                category: EntityRegistration.category
            )
            refused.append(item)
        }

        /// Hands the registrations read so far and the refused rows to the store, once the batch before them is
        /// stored (a failed batch fails the import: nothing after it is stored); reading goes on meanwhile.
        func write() async throws {
            try await inFlight?.value
            inFlight = nil
            guard !registrations.isEmpty || !refused.isEmpty else { return }
            let (importer, committed, bytes) = (importer, committed, summary.bytes)
            let (registrations, refused) = (registrations, refused)
            (self.registrations, self.refused) = ([], [])
            inFlight = Task {
                var results: [SubmissionResult] = []
                if !registrations.isEmpty {
                    let outcomes = try await importer.registry.apply(registrations.map(\.registration))
                    for ((line, _), outcome) in zip(registrations, outcomes) {
                        let status: SubmissionStatus =
                            switch outcome {
                            case .accepted: .accepted
                            case .updated: .updated
                            case .unchanged: .unchanged
                            }
                        results.append(SubmissionResult(index: line, status: status))
                    }
                    // Rows refused before and now registered or changed, corrected, leave the queue.
                    let stored = zip(registrations, outcomes).compactMap { pair, outcome in
                        outcome == .unchanged ? nil : pair.registration.entity.code.rawValue
                    }
                    try await importer.records.resolveCorrected(
                        departmentCode: importer.departmentCode,
                        category: EntityRegistration.category,
                        documentNumbers: stored
                    )
                }
                if !refused.isEmpty {
                    results += try await importer.records.submit(departmentCode: importer.departmentCode, items: refused, source: importer.source)
                }
                try await committed.add(results, bytesRead: bytes)
            }
        }

        func abandon() async {
            _ = try? await inFlight?.value
            inFlight = nil
        }

        func finish() async throws -> ImportSummary {
            guard columns != nil else { throw ImportFailure.empty }
            try await write()
            try await inFlight?.value
            var total = await committed.summary
            total.bytes = summary.bytes
            return total
        }
    }
}
