import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``CreditLog`` promises: RFC 6962 proofs (checked with ``MerkleTree``'s verifiers) over one leaf per
/// registered version, and signed checkpoints.
public enum LogConformance {
    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("before the first checkpoint there is none; a signed one covers every version registered and verifies") { world in
            let log = world.stores.log
            #expect(try await log.latestCheckpoint() == nil)
            let items = try await world.seed(20)
            var renamed = items[3].entity
            renamed.name += "（变更）"
            _ = try await world.stores.registry.register(renamed, reason: "名称变更")
            #expect(try await log.size() == 21, "one leaf per version: 20 registrations and a change")
            let signed = try await log.signCheckpoint()
            #expect(signed.size == 21 && signed.signatureIsValid)
            #expect(try await log.latestCheckpoint() == signed)
            let verified = try await log.verify(publicKey: nil)
            #expect(verified.ok && verified.size == 21 && verified.rootHash == signed.rootHash, "\(verified)")
            #expect(try await log.verify(publicKey: CheckpointSigner.ephemeral().publicKey).ok == false, "another key's checkpoint fails")
        },
        PortBehaviour("inclusion proofs prove every leaf, and a consistency proof links two checkpoints") { world in
            let log = world.stores.log
            let items = try await world.seed(8)
            let first = try await log.signCheckpoint()
            for index in 0..<3 {
                var renamed = items[index].entity
                renamed.name += "（更名）"
                _ = try await world.stores.registry.register(renamed, reason: "名称变更")
            }
            let second = try await log.signCheckpoint()
            #expect((first.size, second.size) == (8, 11))
            let root = try #require(Hex.decode(second.rootHash))
            for index in 0..<second.size {
                let proof = try #require(try await log.inclusionProof(index: index, size: second.size))
                #expect(proof.rootHash == second.rootHash)
                #expect(
                    MerkleTree.verifyInclusion(
                        leafHash: try #require(Hex.decode(proof.leafHash)),
                        index: index,
                        size: second.size,
                        proof: proof.hashes.compactMap(Hex.decode),
                        root: root
                    ),
                    "leaf \(index)"
                )
            }
            #expect(try await log.inclusionProof(index: second.size, size: second.size) == nil, "no leaf beyond the tree")
            let link = try await log.consistencyProof(from: first.size, to: second.size)
            #expect(link.fromRootHash == first.rootHash && link.toRootHash == second.rootHash)
            #expect(
                MerkleTree.verifyConsistency(
                    first: first.size,
                    second: second.size,
                    firstRoot: try #require(Hex.decode(first.rootHash)),
                    secondRoot: root,
                    proof: link.hashes.compactMap(Hex.decode)
                )
            )
        },
    ]
}
