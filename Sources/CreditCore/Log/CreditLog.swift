import Foundation

/// The tamper-evident log: every change as a leaf of an RFC 9162 Merkle tree, with signed checkpoints, proofs that a
/// leaf is in a tree and that a larger tree extends a smaller one, and a full recomputation. Implemented by
/// `CreditStore` (which holds the hashing and the signing key).
public protocol CreditLog: Sendable {
    /// The number of leaves.
    func size() async throws -> Int
    /// The most recent checkpoint, or nil before the first.
    func latestCheckpoint() async throws -> Checkpoint?
    /// Signs a checkpoint of the log as it is now with the platform's key; the latest one when the log has not grown.
    @discardableResult
    func signCheckpoint() async throws -> Checkpoint
    /// The audit path of leaf `index` (0-based) in the tree of the first `size` leaves; nil when it is not in that tree.
    func inclusionProof(index: Int, size: Int) async throws -> InclusionProof?
    /// Proof that the tree of the first `to` leaves extends the tree of the first `from` (1 ≤ from ≤ to ≤ size).
    func consistencyProof(from: Int, to: Int) async throws -> ConsistencyProof
    /// Recomputes every leaf from the stored rows and checks every checkpoint; `publicKey`: the platform's own key.
    func verify(publicKey: Data?) async throws -> LogVerification
}

/// A leaf's audit path, hashes in hexadecimal.
public struct InclusionProof: Sendable, Hashable {
    public var leafIndex: Int
    public var treeSize: Int
    public var leafHash: String
    public var rootHash: String
    public var hashes: [String]

    public init(leafIndex: Int, treeSize: Int, leafHash: String, rootHash: String, hashes: [String]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.rootHash = rootHash
        self.hashes = hashes
    }
}

/// Proof that one tree extends another, hashes in hexadecimal.
public struct ConsistencyProof: Sendable, Hashable {
    public var from: Int
    public var to: Int
    public var fromRootHash: String
    public var toRootHash: String
    public var hashes: [String]

    public init(from: Int, to: Int, fromRootHash: String, toRootHash: String, hashes: [String]) {
        self.from = from
        self.to = to
        self.fromRootHash = fromRootHash
        self.toRootHash = toRootHash
        self.hashes = hashes
    }
}

/// What recomputing the log found.
public struct LogVerification: Sendable, CustomStringConvertible {
    /// Number of leaves.
    public var size: Int
    /// Merkle root over the stored leaf hashes, hexadecimal.
    public var rootHash: String
    /// The first entry whose data no longer matches, or a description of what is missing.
    public var firstMismatch: String?

    public init(size: Int, rootHash: String, firstMismatch: String?) {
        self.size = size
        self.rootHash = rootHash
        self.firstMismatch = firstMismatch
    }

    public var ok: Bool { firstMismatch == nil }
    public var description: String {
        firstMismatch.map { "不一致 / mismatch: \($0)" } ?? "ok (\(size) entries, root \(rootHash))"
    }
}
