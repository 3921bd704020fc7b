import CreditCore
import Foundation

extension FileImport {
    /// Runs a workbook file (.xlsx) through `importer`, sheet rows in batches.
    /// - Throws: ``ImportFailure`` `unreadable_xlsx` when the file is not a workbook the reader understands.
    public static func runWorkbook(
        _ importer: any FileImporter,
        file: URL,
        progress: @escaping @Sendable (ImportSummary) async throws -> Void
    ) async throws -> ImportSummary {
        do {
            return try await importer.run(batches: try XLSXReader.batches(file: file), progress: progress)
        } catch let unreadable as XLSXReader.Unreadable {
            throw ImportFailure(code: "unreadable_xlsx", message: unreadable.description)
        }
    }
}
