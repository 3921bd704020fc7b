import CreditCore
import Crypto
import Foundation
import SQLKit

/// The material files of a case (a repair, an objection) in `case_materials`, numbered in order, each with its
/// SHA-256; the bytes are read only to be served as an attachment.
enum CaseMaterials {
    static func append(
        _ materials: [CheckedMaterial],
        kind: CaseDeadline.Kind,
        id: Int,
        at: String,
        by: String?,
        sql: any SQLDatabase
    ) async throws {
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

    static let columns = "number, name, media_type, size, sha256, uploaded_at, uploaded_by"

    static func list(kind: CaseDeadline.Kind, id: Int, sql: any SQLDatabase) async throws -> [CaseMaterial] {
        try await sql.raw(
            "SELECT \(unsafeRaw: columns) FROM case_materials WHERE case_kind = \(bind: kind.rawValue) AND case_id = \(bind: id) ORDER BY number"
        ).all().map(material)
    }

    static func read(kind: CaseDeadline.Kind, id: Int, number: Int, sql: any SQLDatabase) async throws -> (CaseMaterial, Data)? {
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
