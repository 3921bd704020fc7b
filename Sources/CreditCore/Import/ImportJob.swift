import Foundation

/// A file upload and its progress, so a person can watch a long import and come back to it.
public struct ImportJob: Sendable, Hashable, Codable {
    /// The error of a job whose upload broke off (the client went, or the server stopped).
    public static let interrupted =
        "上传中断，已入库的批次保留；请重新上传同一文件，已入库的行将显示为“未变” / the upload broke off; the stored batches stay: send the same file again"

    /// How often a server says it is still running an upload (``ImportJobStore/touch(id:)``), between batches.
    public static let heartbeat: Duration = .seconds(60)

    /// A running job not touched for this long is failed by any server (its own stopped and has not started again).
    public static let abandonedAfter: TimeInterval = 10 * 60

    public enum Status: String, Sendable, Hashable, Codable {
        /// Created; the file has not arrived yet.
        case waiting
        case running
        case done
        /// The file could not be read at all (``error`` says why); nothing of it was stored.
        case failed
    }

    public var id: Int
    public var departmentCode: String
    public var accountID: Int?
    public var category: String
    public var encoding: String
    public var filename: String
    public var sizeBytes: Int?
    public var status: Status
    public var summary: ImportSummary
    public var error: String?
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: Int,
        departmentCode: String,
        accountID: Int?,
        category: String,
        encoding: String,
        filename: String,
        sizeBytes: Int?,
        status: Status,
        summary: ImportSummary,
        error: String?,
        createdAt: String,
        updatedAt: String
    ) {
        self.id = id
        self.departmentCode = departmentCode
        self.accountID = accountID
        self.category = category
        self.encoding = encoding
        self.filename = filename
        self.sizeBytes = sizeBytes
        self.status = status
        self.summary = summary
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Import jobs; implemented by `CreditStore`.
public protocol ImportJobStore: Sendable {
    func create(
        departmentCode: String,
        accountID: Int?,
        category: String,
        encoding: String,
        filename: String,
        sizeBytes: Int?
    ) async throws -> ImportJob
    /// Moves a waiting job to running on `server` (the name the server runs uploads under); false when it is not
    /// waiting (a file is accepted once).
    func start(id: Int, server: String) async throws -> Bool
    func update(id: Int, status: ImportJob.Status, summary: ImportSummary, error: String?) async throws
    /// Says that a running job's server is still at it (between batches of a slow upload): every
    /// ``ImportJob/heartbeat``.
    func touch(id: Int) async throws
    /// Fails the running jobs nobody runs any more — their stored batches stay, and the message says to send the
    /// file again: those of `server` when it starts again (it stopped during their upload), those started before
    /// jobs named their server, and, whoever asks, those not touched for ``ImportJob/abandonedAfter`` (their server
    /// stopped and has not started again). Returns how many.
    func failInterrupted(restarting server: String?) async throws -> Int
    func fetch(id: Int) async throws -> ImportJob?
    /// The newest jobs first, at most `limit`: a department's, or every department's when `departmentCode` is nil.
    func recent(departmentCode: String?, limit: Int) async throws -> [ImportJob]
    /// The column mapping a department saved for its files of `category`, if any.
    func columnMapping(departmentCode: String, category: String) async throws -> SavedColumnMapping?
    /// Saves a department's column mapping for its files of `category` (replacing the one it had), as given.
    func saveColumnMapping(
        departmentCode: String,
        category: String,
        mapping: ColumnMapping,
        accountID: Int?
    ) async throws
        -> SavedColumnMapping
    /// Forgets a department's column mapping for `category`; false when there was none.
    func deleteColumnMapping(departmentCode: String, category: String) async throws -> Bool
}
