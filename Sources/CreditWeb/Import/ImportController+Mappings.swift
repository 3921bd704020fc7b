import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// A department's column mappings (`/api/v1/column-mappings/{category}`), and what the upload route says of a header
/// that does not fit: each column with a proposed field, so that the clerk maps it once.
extension ImportController {
    /// A field a column can be mapped to.
    struct FieldDTO: Encodable, Sendable {
        var name: String
        var label: String
        var required: Bool
    }

    struct EntryDTO: Encodable, Sendable {
        var column: String
        /// The field's API name; null when the column is ignored (or, in a proposal, when nothing fits).
        var field: String?
        /// The field's name as the catalogue shows it.
        var label: String?
        /// Why it is proposed: saved, name, fieldCode, similar or none (proposals only).
        var basis: String?

        enum CodingKeys: String, CodingKey { case column, field, label, basis }

        /// Writes `field: null` for an ignored column (or one nothing fits), as a mapping says it.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(column, forKey: .column)
            try container.encode(field, forKey: .field)
            try container.encodeIfPresent(label, forKey: .label)
            try container.encodeIfPresent(basis, forKey: .basis)
        }
    }

    /// A saved mapping: its columns, and the fields of the category it can name.
    struct MappingDTO: ResponseEncodable, Sendable {
        var department: String
        var category: String
        var columns: [EntryDTO]
        var savedAt: String
        var fields: [FieldDTO]
    }

    /// A header that does not fit: each column with a proposal, the fields, and the required ones no column fills.
    struct HeaderDTO: Encodable, Sendable {
        var columns: [EntryDTO]
        var fields: [FieldDTO]
        var missing: [FieldDTO]
    }

    static func fieldDTO(_ field: Catalogue.Field) -> FieldDTO {
        FieldDTO(name: field.name, label: field.label, required: field.required)
    }

    /// The fields of a category's files, or 404 for a category no file has (see ``FileImport/form(category:catalogue:)``).
    func mappingFields(_ context: CreditRequestContext) throws -> (category: String, fields: [Catalogue.Field]) {
        guard let category = context.parameters.get("category"),
            let fields = FileImport.fields(category: category, catalogue: dependencies.catalogue)
        else { throw APIError.notFound("类别", "the category") }
        return (category, fields)
    }

    static func mappingDTO(_ saved: SavedColumnMapping, fields: [Catalogue.Field]) -> MappingDTO {
        MappingDTO(
            department: saved.departmentCode,
            category: saved.category,
            columns: saved.mapping.columns.map { entry in
                EntryDTO(column: entry.column, field: entry.field, label: entry.field.flatMap { name in fields.first { $0.name == name }?.label })
            },
            savedAt: saved.savedAt,
            fields: fields.map(Self.fieldDTO)
        )
    }

    /// Each column of a refused header with what it probably holds (the saved mapping first).
    static func headerDTO(_ mismatch: HeaderMismatch, fields: [Catalogue.Field], saved: ColumnMapping?) -> HeaderDTO {
        let proposals = ColumnProposal.propose(columns: mismatch.columns, fields: fields, saved: saved)
        let proposed = Set(proposals.compactMap(\.field))
        return HeaderDTO(
            columns: proposals.map { p in
                EntryDTO(
                    column: p.column,
                    field: p.field,
                    label: p.field.flatMap { name in fields.first { $0.name == name }?.label },
                    basis: p.basis.rawValue
                )
            },
            fields: fields.map(Self.fieldDTO),
            missing: fields.filter { $0.required && !proposed.contains($0.name) }.map(Self.fieldDTO)
        )
    }

    /// `GET /api/v1/column-mappings/{category}`: the department's saved mapping for its files of the category.
    @Sendable func showMapping(_ request: Request, context: CreditRequestContext) async throws -> MappingDTO {
        _ = try QueryParameters(request, allowed: [])
        let (category, fields) = try mappingFields(context)
        guard let department = context.principal?.departmentCode,
            let saved = try await dependencies.imports.columnMapping(departmentCode: department, category: category)
        else { throw APIError(.notFound, code: "no_mapping", message: "本部门没有保存这个类别的列对应 / no column mapping saved for this category") }
        return Self.mappingDTO(saved, fields: fields)
    }

    /// `PUT /api/v1/column-mappings/{category}`: saves (replaces) the department's mapping, checked first.
    @Sendable func saveMapping(_ request: Request, context: CreditRequestContext) async throws -> MappingDTO {
        _ = try QueryParameters(request, allowed: [])
        let (category, fields) = try mappingFields(context)
        guard let department = context.principal?.departmentCode else { throw APIError.notFound("部门", "the department") }
        let body = try await request.readBody(upTo: 64 * 1024)
        let mapping: ColumnMapping
        do {
            mapping = try ColumnMapping.decode(Data(body.readableBytesView)).validated(fields: fields)
        } catch let failure as ImportFailure {
            throw APIError(.badRequest, code: failure.code, message: failure.message)
        }
        guard !mapping.columns.isEmpty, mapping.columns.count <= 200 else {
            throw APIError(.badRequest, code: "invalid_mapping", message: "列对应应有 1 至 200 列 / a mapping names 1 to 200 columns")
        }
        let saved = try await dependencies.imports.saveColumnMapping(
            departmentCode: department,
            category: category,
            mapping: mapping,
            accountID: context.principal?.accountID
        )
        return Self.mappingDTO(saved, fields: fields)
    }

    /// `DELETE /api/v1/column-mappings/{category}`: the department's files of the category are read by the catalogue's
    /// names again.
    @Sendable func deleteMapping(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let (category, _) = try mappingFields(context)
        guard let department = context.principal?.departmentCode,
            try await dependencies.imports.deleteColumnMapping(departmentCode: department, category: category)
        else { throw APIError(.notFound, code: "no_mapping", message: "本部门没有保存这个类别的列对应 / no column mapping saved for this category") }
        return Response(status: .noContent)
    }
}
