import Foundation

/// A file upload and its progress, so a person can watch a long import and come back to it.
public struct ImportJob: Sendable, Hashable, Codable {
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
    /// Moves a waiting job to running; false when it is not waiting (a file is accepted once).
    func start(id: Int) async throws -> Bool
    func update(id: Int, status: ImportJob.Status, summary: ImportSummary, error: String?) async throws
    func fetch(id: Int) async throws -> ImportJob?
}
