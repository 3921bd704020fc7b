import CreditCore
import Crypto
import Foundation
import SQLKit

/// The material files of a case (a repair, an objection) or of a voluntary submission in `case_materials`, numbered in
/// order, each with its SHA-256; the bytes are read only to be served as an attachment.
enum CaseMaterials {
    /// Who the files belong to: a kind of case, or a voluntary submission.
    enum Owner: String {
        case repair, objection, voluntary

        init(_ kind: CaseKind) {
            switch kind {
            case .repair: self = .repair
            case .objection: self = .objection
            }
        }
    }

    static func append(_ materials: [CheckedMaterial], kind: CaseKind, id: Int, at: String, by: String?, sql: any SQLDatabase) async throws {
        try await append(materials, owner: Owner(kind), id: id, at: at, by: by, sql: sql)
    }

    static func list(_ kind: CaseKind, ids: [Int], sql: any SQLDatabase) async throws -> [Int: [CaseMaterial]] {
        try await list(owner: Owner(kind), ids: ids, sql: sql)
    }

    static func read(_ kind: CaseKind, id: Int, number: Int, sql: any SQLDatabase) async throws -> (CaseMaterial, Data)? {
        try await read(owner: Owner(kind), id: id, number: number, sql: sql)
    }

    static func append(_ materials: [CheckedMaterial], owner kind: Owner, id: Int, at: String, by: String?, sql: any SQLDatabase) async throws {
        guard !materials.isEmpty else { return }
        var number =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM case_materials WHERE case_kind = \(bind: kind.rawValue) AND case_id = \(bind: id)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        for material in materials {
            number += 1
            try await sql.insert(into: "case_materials")
                .columns("case_kind", "case_id", "number", "name", "media_type", "size", "sha256", "content", "uploaded_at", "uploaded_by")
                .values(
                    SQLBind(kind.rawValue),
                    SQLBind(id),
                    SQLBind(number),
                    SQLBind(material.name),
                    SQLBind(material.mediaType),
                    SQLBind(material.bytes.count),
                    SQLBind(Hex.encode(SHA256.hash(data: material.bytes))),
                    SQLBind(material.bytes),
                    SQLBind(at),
                    SQLBind(by)
                ).run()
        }
    }

    static let columns = "case_id, number, name, media_type, size, sha256, uploaded_at, uploaded_by"

    /// What is known of the materials of each of the cases `ids` (at most ``SQLDatabase/listSize``), read at once.
    static func list(owner kind: Owner, ids: [Int], sql: any SQLDatabase) async throws -> [Int: [CaseMaterial]] {
        guard !ids.isEmpty else { return [:] }
        var materials: [Int: [CaseMaterial]] = [:]
        for row in try await sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM case_materials WHERE case_kind = \(bind: kind.rawValue) AND \(sql.oneOf("case_id", ids))
            ORDER BY case_id, number
            """
        ).all() {
            materials[try row.decode(column: "case_id", as: Int.self), default: []].append(try material(row))
        }
        return materials
    }

    static func read(owner kind: Owner, id: Int, number: Int, sql: any SQLDatabase) async throws -> (CaseMaterial, Data)? {
        guard
            let row = try await sql.raw(
                """
                SELECT \(unsafeRaw: columns), content FROM case_materials
                WHERE case_kind = \(bind: kind.rawValue) AND case_id = \(bind: id) AND number = \(bind: number)
                """
            ).first()
        else { return nil }
        return (try material(row), try row.decode(column: "content", as: Data.self))
    }

    static func material(_ row: any SQLRow) throws -> CaseMaterial {
        CaseMaterial(
            number: try row.decode(column: "number", as: Int.self),
            name: try row.decode(column: "name", as: String.self),
            mediaType: try row.decode(column: "media_type", as: String.self),
            size: try row.decode(column: "size", as: Int.self),
            sha256: try row.decode(column: "sha256", as: String.self),
            uploadedAt: try row.decode(column: "uploaded_at", as: String.self),
            uploadedBy: try row.decode(column: "uploaded_by", as: String?.self)
        )
    }
}
