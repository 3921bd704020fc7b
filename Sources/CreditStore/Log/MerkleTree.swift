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

    /// The inclusion proof (audit path) of leaf `index` in the tree of `leafHashes` (RFC 6962 §2.1.1, PATH).
    public static func inclusionProof(index: Int, leafHashes: [Data]) -> [Data]? {
        guard index >= 0, index < leafHashes.count else { return nil }
        return path(index, leafHashes[...])
    }

    static func path(_ m: Int, _ leaves: ArraySlice<Data>) -> [Data] {
        if leaves.count <= 1 { return [] }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return m < k
            ? path(m, leaves[leaves.startIndex..<mid]) + [root(leaves[mid...])]
            : path(m - k, leaves[mid...]) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// Checks an inclusion proof against a root, as RFC 9162 §2.1.3.2 describes: true when `leafHash` is
    /// leaf `index` of the tree of `size` leaves whose root is `root`.
    public static func verifyInclusion(leafHash: Data, index: Int, size: Int, proof: [Data], root: Data) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// The consistency proof between the tree of the first `size` leaves and the tree of all `leafHashes`
    /// (RFC 6962 §2.1.2, PROOF(m, D[n])): it shows the larger tree only appended to the smaller one.
    /// Nil when `size` is not between 1 and the number of leaves.
    public static func consistencyProof(size m: Int, leafHashes: [Data]) -> [Data]? {
        guard m >= 1, m <= leafHashes.count else { return nil }
        return subproof(m, leafHashes[...], complete: true)
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<Data>, complete: Bool) -> [Data] {
        if m == leaves.count { return complete ? [] : [root(leaves)] }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return m <= k
            ? subproof(m, leaves[leaves.startIndex..<mid], complete: complete) + [root(leaves[mid...])]
            : subproof(m - k, leaves[mid...], complete: false) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// Checks a consistency proof as RFC 9162 §2.1.4.2 describes: true when the tree of `first` leaves with
    /// root `firstRoot` is a prefix of the tree of `second` leaves with root `secondRoot`.
    public static func verifyConsistency(first: Int, second: Int, firstRoot: Data, secondRoot: Data, proof: [Data]) -> Bool {
        guard first >= 1, first <= second else { return false }
        if first == second { return proof.isEmpty && firstRoot == secondRoot }
        var proof = proof
        if first & (first - 1) == 0 { proof.insert(firstRoot, at: 0) }  // first is a power of two
        guard let head = proof.first else { return false }
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = head
        var sr = head
        for c in proof.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == firstRoot && sr == secondRoot
    }

    /// Builds the root of a growing log leaf by leaf in O(log n) memory: it keeps the roots of the perfect
    /// subtrees the leaves so far form (a "compact range"), largest first, so the root of every prefix is at
    /// hand as the leaves stream past. Each append costs one node hash on average.
    public struct Accumulator: Sendable {
        /// Roots of perfect subtrees, largest first, with their sizes (powers of two, strictly decreasing).
        private var stack: [(size: Int, hash: Data)] = []
        public private(set) var count = 0

        public init() {}

        public mutating func append(_ leafHash: Data) {
            var node = (size: 1, hash: leafHash)
            while let last = stack.last, last.size == node.size {
                stack.removeLast()
                node = (size: last.size * 2, hash: nodeHash(last.hash, node.hash))
            }
            stack.append(node)
            count += 1
        }

        /// The root of the tree of the leaves appended so far (RFC 6962: the right-most subtrees fold first).
        public var root: Data {
            guard var hash = stack.last?.hash else { return Data(SHA256.hash(data: Data())) }
            for subtree in stack.dropLast().reversed() { hash = nodeHash(subtree.hash, hash) }
            return hash
        }
    }

    /// Lower-case hexadecimal.
    public static func hex(_ data: Data) -> String { Hex.encode(data) }
}
