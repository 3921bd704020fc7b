/// What becomes of a submitted record, decided here once for the API, the pages and files alike: a record is known
/// in its department by its category and document number; the same document twice in one batch or one file is
/// refused; sent again with the same content it changes nothing; with other content it is a new version, whose clock
/// and window still count from the first receipt.
public enum SubmissionRules {
    /// A record's identity within its department.
    public static func key(category: String, documentNumber: String) -> String { category + "\u{1F}" + documentNumber }

    /// The same document number as an earlier item of the batch (`first`: its 0-based index).
    public static func duplicateInBatch(_ documentNumber: String, first: Int) -> FieldProblem {
        FieldProblem(
            field: "documentNumber",
            value: documentNumber,
            code: "duplicate_in_batch",
            message: "文号与本批第 \(first + 1) 条重复 / the same document number as item \(first + 1) of this batch"
        )
    }

    /// The same document number as an earlier line of the file, in this batch or one stored before it.
    public static func duplicateInFile(_ documentNumber: String, line: Int) -> FieldProblem {
        FieldProblem(
            field: "documentNumber",
            value: documentNumber,
            code: "duplicate_in_file",
            message: "文号与第 \(line) 行重复 / the same document number as line \(line)"
        )
    }

    /// What is stored under a record's key, as far as the decision needs it.
    public struct Stored: Sendable, Hashable {
        public var id: Int
        public var version: Int
        /// The content hash of its current version.
        public var hash: String
        /// The day it was first received (Asia/Shanghai).
        public var firstReceivedOn: LocalDate?
        /// The file import and line that last stored it, if any.
        public var importID: String?
        public var importPosition: Int?

        public init(id: Int, version: Int, hash: String, firstReceivedOn: LocalDate?, importID: String?, importPosition: Int?) {
            self.id = id
            self.version = version
            self.hash = hash
            self.firstReceivedOn = firstReceivedOn
            self.importID = importID
            self.importPosition = importPosition
        }
    }

    /// The decision for one valid record.
    public enum Disposition: Sendable, Hashable {
        /// Stored for the first time, its clock and window counted from `receivedOn`.
        case new(receivedOn: LocalDate)
        /// The same content as the current version: nothing is written.
        case unchanged(id: Int)
        /// A correction or revocation: version `version` of record `id`, its clock and window counted from `receivedOn`,
        /// the day of the first receipt.
        case newVersion(id: Int, version: Int, receivedOn: LocalDate)
        /// A line of the file that stored the record already in this import.
        case refused(FieldProblem)
    }

    /// - Parameters:
    ///   - hash: the submitted content's hash.
    ///   - stored: what is stored under its key, or nil.
    ///   - importID: the file import it comes from, or nil for the API.
    ///   - receivedOn: the day it arrives.
    public static func disposition(
        documentNumber: String,
        hash: String,
        stored: Stored?,
        importID: String?,
        receivedOn: LocalDate
    ) -> Disposition {
        guard let stored else { return .new(receivedOn: receivedOn) }
        if let importID, stored.importID == importID {
            return .refused(duplicateInFile(documentNumber, line: stored.importPosition ?? 0))
        }
        if stored.hash == hash { return .unchanged(id: stored.id) }
        return .newVersion(id: stored.id, version: stored.version + 1, receivedOn: stored.firstReceivedOn ?? receivedOn)
    }
}
