import Crypto
import Foundation

/// The keys that protect personal data at rest: AES-GCM keys (each with an id, one active) to encrypt
/// identity numbers, and an HMAC key to find them again without decrypting.
///
/// A sealed value is `KEYID:BASE64(nonce ‖ ciphertext ‖ tag)`, so values sealed under an older key stay
/// readable after the active key changes (rotation: add a new key first in the list, keep the old ones).
/// The index key must never change: the HMAC of an identity number is how a person is found.
///
/// ```swift
/// let keys = try PersonalDataKeys(environment: ProcessInfo.processInfo.environment)   // production
/// let sealed = try keys.seal("11010519491231002X")    // "k1:…"
/// try keys.open(sealed)                              // "11010519491231002X"
/// keys.index("11010519491231002X")                   // 64 hex characters, stable
/// ```
public struct PersonalDataKeys: Sendable {
    public let activeKeyID: String
    let encryptionKeys: [String: SymmetricKey]
    let indexKey: SymmetricKey

    /// Why keys could not be read.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - encryptionKeys: key id and 32-byte key, the first one active.
    ///   - indexKey: the 32-byte HMAC key.
    public init(encryptionKeys: [(id: String, key: Data)], indexKey: Data) throws(Invalid) {
        guard let first = encryptionKeys.first else { throw Invalid(description: "no encryption key / 没有加密密钥") }
        var keys: [String: SymmetricKey] = [:]
        for (id, key) in encryptionKeys {
            guard key.count == 32, !id.isEmpty, !id.contains(":") else {
                throw Invalid(description: "key \(id) must be 32 bytes and its id must not contain ':' / 密钥 \(id) 应为 32 字节，编号不得含冒号")
            }
            keys[id] = SymmetricKey(data: key)
        }
        guard indexKey.count == 32 else { throw Invalid(description: "the index key must be 32 bytes / 索引密钥应为 32 字节") }
        self.activeKeyID = first.id
        self.encryptionKeys = keys
        self.indexKey = SymmetricKey(data: indexKey)
    }

    /// Reads `CREDIT_DATA_KEYS` (`id=BASE64,id=BASE64`, the first active) and `CREDIT_INDEX_KEY` (BASE64).
    /// - Returns: nil when neither is set.
    public init?(environment: [String: String]) throws(Invalid) {
        guard let list = environment["CREDIT_DATA_KEYS"], let index = environment["CREDIT_INDEX_KEY"] else {
            if environment["CREDIT_DATA_KEYS"] != nil || environment["CREDIT_INDEX_KEY"] != nil {
                throw Invalid(description: "set both CREDIT_DATA_KEYS and CREDIT_INDEX_KEY / 需同时设置 CREDIT_DATA_KEYS 与 CREDIT_INDEX_KEY")
            }
            return nil
        }
        var keys: [(String, Data)] = []
        for item in list.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let data = Data(base64Encoded: String(parts[1])) else {
                throw Invalid(description: "CREDIT_DATA_KEYS must be id=BASE64,id=BASE64 / CREDIT_DATA_KEYS 格式应为 编号=BASE64,…")
            }
            keys.append((String(parts[0]), data))
        }
        guard let indexKey = Data(base64Encoded: index) else { throw Invalid(description: "CREDIT_INDEX_KEY is not base64") }
        try self.init(encryptionKeys: keys, indexKey: indexKey)
    }

    /// New random keys, kept nowhere: for tests and benchmarks.
    public static func ephemeral() -> PersonalDataKeys {
        let random = { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }
        return try! PersonalDataKeys(encryptionKeys: [("t1", random())], indexKey: random())
    }

    /// The keys in a JSON file, created with new random keys (permissions 0600) when it does not exist:
    /// the development default, so that `credit serve --demo` works on a fresh machine.
    public static func loadOrCreate(file: URL) throws -> (keys: PersonalDataKeys, created: Bool) {
        struct Stored: Codable {
            var activeKeyID: String
            var keys: [String: String]
            var indexKey: String
        }
        if let data = try? Data(contentsOf: file) {
            let stored = try JSONDecoder().decode(Stored.self, from: data)
            var ordered = [(stored.activeKeyID, Data(base64Encoded: stored.keys[stored.activeKeyID] ?? "") ?? Data())]
            for (id, key) in stored.keys.sorted(by: { $0.key < $1.key }) where id != stored.activeKeyID {
                ordered.append((id, Data(base64Encoded: key) ?? Data()))
            }
            return (try PersonalDataKeys(encryptionKeys: ordered, indexKey: Data(base64Encoded: stored.indexKey) ?? Data()), false)
        }
        let random = { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } }
        let stored = Stored(activeKeyID: "k1", keys: ["k1": random()], indexKey: random())
        let data = try JSONEncoder().encode(stored)
        guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Invalid(description: "cannot write the key file \(file.path) / 无法写入密钥文件")
        }
        return (try loadOrCreate(file: file).keys, true)
    }

    /// Encrypts a value under the active key.
    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKeys[activeKeyID]!)
        return activeKeyID + ":" + box.combined!.base64EncodedString()
    }

    /// Decrypts a value sealed under any known key.
    public func open(_ sealed: String) throws -> String {
        guard let colon = sealed.firstIndex(of: ":"), let key = encryptionKeys[String(sealed[..<colon])],
            let data = Data(base64Encoded: String(sealed[sealed.index(after: colon)...]))
        else { throw Invalid(description: "a sealed value names an unknown key / 密文所用密钥未知") }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }

    /// The id of the key a value was sealed under.
    public static func keyID(of sealed: String) -> String? {
        sealed.firstIndex(of: ":").map { String(sealed[..<$0]) }
    }

    /// Adds a new random key to a development key file and makes it the active one; older keys stay, so
    /// values sealed under them still open until `credit keys reencrypt` has re-sealed them.
    /// - Returns: the new key's id.
    public static func rotate(file: URL) throws -> String {
        struct Stored: Codable {
            var activeKeyID: String
            var keys: [String: String]
            var indexKey: String
        }
        let data = try Data(contentsOf: file)
        var stored = try JSONDecoder().decode(Stored.self, from: data)
        var number = stored.keys.count + 1
        while stored.keys["k\(number)"] != nil { number += 1 }
        let id = "k\(number)"
        stored.keys[id] = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        stored.activeKeyID = id
        try JSONEncoder().encode(stored).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return id
    }

    /// The keyed hash that finds a value again: HMAC-SHA256, hexadecimal.
    public func index(_ value: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: indexKey))
    }
}
