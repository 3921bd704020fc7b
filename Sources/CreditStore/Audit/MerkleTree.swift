import Crypto
import Foundation

/// Merkle tree hashing in the style of RFC 6962 / 9162 (Certificate Transparency): SHA-256 with
/// domain-separated leaf (`0x00`) and node (`0x01`) hashes, and the tree of `n` leaves split at the
/// largest power of two smaller than `n`.
public enum MerkleTree {
    /// The hash of a leaf's data.
    public static func leafHash(_ data: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data([0x00]))
        hasher.update(data: data)
        return Data(hasher.finalize())
    }

    /// The hash of an inner node.
    public static func nodeHash(_ left: Data, _ right: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data([0x01]))
        hasher.update(data: left)
        hasher.update(data: right)
        return Data(hasher.finalize())
    }

    /// The root hash of leaves given by their leaf hashes (the empty tree's root is SHA-256 of nothing).
    public static func root(_ leafHashes: [Data]) -> Data {
        guard !leafHashes.isEmpty else { return Data(SHA256.hash(data: Data())) }
        return root(leafHashes[...])
    }

    static func root(_ leaves: ArraySlice<Data>) -> Data {
        if leaves.count == 1 { return leaves.first! }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let mid = leaves.startIndex + split
        return nodeHash(root(leaves[leaves.startIndex..<mid]), root(leaves[mid...]))
    }

    /// Lower-case hexadecimal.
    public static func hex(_ data: Data) -> String { Hex.encode(data) }
}
