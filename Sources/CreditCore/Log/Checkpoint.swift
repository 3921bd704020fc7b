/// A signed statement of the log's size and root at a time.
public struct Checkpoint: Sendable, Hashable, Codable {
    public var size: Int
    public var rootHash: String
    public var time: String
    /// Ed25519 signature, BASE64.
    public var signature: String
    public var keyID: String
    /// The Ed25519 public key, BASE64, so that a reader can check the signature.
    public var publicKey: String

    enum CodingKeys: String, CodingKey {
        case size, rootHash, time, signature
        case keyID = "keyId"
        case publicKey
    }

    public init(size: Int, rootHash: String, time: String, signature: String, keyID: String, publicKey: String) {
        self.size = size
        self.rootHash = rootHash
        self.time = time
        self.signature = signature
        self.keyID = keyID
        self.publicKey = publicKey
    }
}
