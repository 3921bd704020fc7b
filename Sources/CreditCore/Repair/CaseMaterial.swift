import Foundation

/// What the platform accepts as a material file (申请材料): the types it knows by their first bytes, and the limits.
/// Data in the repair rules (`Resources/repair/`).
public struct MaterialLimits: Sendable, Codable, Hashable {
    public struct FileType: Sendable, Codable, Hashable {
        /// The name's ending, lower case, without the dot.
        public var ext: String
        public var mediaType: String
        /// The first bytes every file of the type starts with.
        public var signature: [UInt8]
    }

    public var maxBytes: Int
    public var maxFiles: Int
    public var types: [FileType]
}

/// A material file kept with a case: its name, type, size and SHA-256; the bytes are served only as an attachment.
public struct CaseMaterial: Sendable, Hashable, Codable {
    public var number: Int
    public var name: String
    public var mediaType: String
    public var size: Int
    /// SHA-256 of the bytes, hex.
    public var sha256: String
    public var uploadedAt: String
    public var uploadedBy: String?

    public init(number: Int, name: String, mediaType: String, size: Int, sha256: String, uploadedAt: String, uploadedBy: String?) {
        self.number = number
        self.name = name
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
        self.uploadedAt = uploadedAt
        self.uploadedBy = uploadedBy
    }
}

/// A material as it arrives, checked: the name it was sent with and the type its content shows (the store adds its hash).
public struct CheckedMaterial: Sendable, Hashable {
    public var name: String
    public var mediaType: String
    public var bytes: Data

    /// Checks a file before anything is stored: not empty, not over the limit, a known type by its name, and content
    /// that starts as that type does (a renamed executable is refused).
    /// - Throws: ``RepairError`` `material_empty`, `material_too_large`, `material_type_not_allowed`,
    ///   `material_content_mismatch`, `invalid_field` (a name that is not a plain file name).
    public init(name: String, bytes: Data, limits: MaterialLimits) throws(RepairError) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200, !name.contains("/"), !name.contains("\\"), !name.hasPrefix("."),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw RepairError(
                code: "invalid_field",
                message: "材料文件名应为 1 至 200 字的普通文件名 / a material's name is a plain file name of 1 to 200 characters"
            )
        }
        guard !bytes.isEmpty else {
            throw RepairError(code: "material_empty", message: "材料“\(name)”是空文件 / material \(name) is empty")
        }
        guard bytes.count <= limits.maxBytes else {
            throw RepairError(
                code: "material_too_large",
                message: "材料“\(name)”超过 \(limits.maxBytes / (1 << 20)) MB / material \(name) is larger than \(limits.maxBytes / (1 << 20)) MB"
            )
        }
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
        let allowed = limits.types.map(\.ext).joined(separator: "、")
        guard let type = limits.types.first(where: { $0.ext == ext }) else {
            throw RepairError(
                code: "material_type_not_allowed",
                message: "材料“\(name)”的类型不在允许范围（\(allowed)） / material \(name) is not of an accepted type (\(allowed))"
            )
        }
        guard bytes.starts(with: type.signature) else {
            throw RepairError(
                code: "material_content_mismatch",
                message: "材料“\(name)”的内容不是 \(ext.uppercased()) 文件 / the content of \(name) is not a \(ext.uppercased()) file"
            )
        }
        self.name = name
        self.mediaType = type.mediaType
        self.bytes = bytes
    }
}

/// A material sent inside a JSON body: its name and its bytes in base64.
public struct MaterialUpload: Sendable, Hashable, Codable {
    public var name: String
    public var content: String

    public init(name: String, content: String) {
        self.name = name
        self.content = content
    }

    /// The checked file, or why it is refused.
    public func checked(limits: MaterialLimits) throws(RepairError) -> CheckedMaterial {
        guard let bytes = Data(base64Encoded: content) else {
            throw RepairError(code: "invalid_field", message: "材料“\(name)”的 content 应为 base64 / the content of \(name) must be base64")
        }
        return try CheckedMaterial(name: name, bytes: bytes, limits: limits)
    }

    /// Checks a set of files against the limits on how many a case keeps (`already` there before).
    public static func checked(_ uploads: [MaterialUpload], already: Int, limits: MaterialLimits) throws(RepairError) -> [CheckedMaterial] {
        guard already + uploads.count <= limits.maxFiles else {
            throw RepairError(code: "too_many_materials", message: "每件至多 \(limits.maxFiles) 份材料 / at most \(limits.maxFiles) materials per case")
        }
        var checked: [CheckedMaterial] = []
        for upload in uploads { checked.append(try upload.checked(limits: limits)) }
        return checked
    }
}
