import CreditCore
import Crypto
import Foundation

/// Signs and checks log checkpoints with Ed25519.
///
/// The signed text is `credit-platform checkpoint v1\n<size>\n<root hex>\n<time>\n`, so anyone holding the
/// public key can check a checkpoint without the platform's code. The key id is the first 8 bytes of the
/// SHA-256 of the public key, in hexadecimal.
public struct CheckpointSigner: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    public init(privateKey: Curve25519.Signing.PrivateKey) { self.privateKey = privateKey }

    /// Reads `CREDIT_SIGNING_KEY` (BASE64 of the 32-byte Ed25519 private key), or nil when it is not set.
    public init?(environment: [String: String]) throws {
        guard let text = environment["CREDIT_SIGNING_KEY"] else { return nil }
        guard let data = Data(base64Encoded: text) else { throw PersonalDataKeys.Invalid(description: "CREDIT_SIGNING_KEY is not base64") }
        self.init(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: data))
    }

    /// A key kept in a development file (created, mode 0600, when missing).
    public static func loadOrCreate(file: URL) throws -> (signer: CheckpointSigner, created: Bool) {
        if let data = try? Data(contentsOf: file), let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self)) {
            return (CheckpointSigner(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw)), false)
        }
        let key = Curve25519.Signing.PrivateKey()
        let written = FileManager.default.createFile(
            atPath: file.path,
            contents: Data(key.rawRepresentation.base64EncodedString().utf8),
            attributes: [.posixPermissions: 0o600]
        )
        guard written else { throw PersonalDataKeys.Invalid(description: "cannot write the signing key file \(file.path) / 无法写入签名密钥文件") }
        return (CheckpointSigner(privateKey: key), true)
    }

    /// A new random key kept nowhere: for tests and benchmarks.
    public static func ephemeral() -> CheckpointSigner { CheckpointSigner(privateKey: Curve25519.Signing.PrivateKey()) }

    public var publicKey: Data { privateKey.publicKey.rawRepresentation }
    public var keyID: String { Self.keyID(publicKey: publicKey) }

    static func keyID(publicKey: Data) -> String { MerkleTree.hex(Data(SHA256.hash(data: publicKey).prefix(8))) }

    static func message(size: Int, rootHash: String, time: String) -> Data {
        Data("credit-platform checkpoint v1\n\(size)\n\(rootHash)\n\(time)\n".utf8)
    }

    public func sign(size: Int, rootHash: String, time: String) throws -> Checkpoint {
        let signature = try privateKey.signature(for: Self.message(size: size, rootHash: rootHash, time: time))
        return Checkpoint(
            size: size,
            rootHash: rootHash,
            time: time,
            signature: Data(signature).base64EncodedString(),
            keyID: keyID,
            publicKey: publicKey.base64EncodedString()
        )
    }
}

extension Checkpoint {
    /// Whether the signature is valid for the stated public key, and the key id belongs to it.
    public var signatureIsValid: Bool {
        guard let key = Data(base64Encoded: publicKey), let signature = Data(base64Encoded: signature),
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key), CheckpointSigner.keyID(publicKey: key) == keyID
        else { return false }
        return publicKey.isValidSignature(signature, for: CheckpointSigner.message(size: size, rootHash: rootHash, time: time))
    }
}
