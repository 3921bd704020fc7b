import CreditCore
import Foundation
import Hummingbird

/// Collection and disclosure over HTTP: the catalogue, JSON batches from departments, a record with its
/// versions, the department's rejection queue, and an entity's public records.
struct RecordController {
    let dependencies: AppDependencies
    static let maxBatch = 1_000

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("catalog", .everyone, use: catalog)
        routes.post("records", .roles([.department]), use: submit)
        routes.get("records/{id}", .roles([.department, .creditOffice, .admin]), use: show)
        routes.get("rejections", .roles([.department]), use: rejections)
        routes.get("entities/{code}/records", .everyone, use: entityRecords)
    }

    @Sendable func catalog(_ request: Request, context: CreditRequestContext) async throws -> CatalogDTO {
        _ = try QueryParameters(request, allowed: [])
        return CatalogDTO(dependencies.catalogue)
    }

    /// `POST /api/v1/records`: `{"records": [RECORD, …]}` → one result per record, in order. The batch is
    /// stored in one transaction after every record was checked; rejected records go to the queue.
    @Sendable func submit(_ request: Request, context: CreditRequestContext) async throws -> SubmissionDTO {
        _ = try QueryParameters(request, allowed: [])
        guard let department = context.principal?.departmentCode else {
            throw APIError(.forbidden, code: "forbidden", message: "只有部门账户可以报送 / only department accounts submit records")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let list = (try? JSONDecoder().decode(Batch.self, from: Data(body.readableBytesView)))?.records else {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为 JSON：{\"records\": [ … ]} / the body must be JSON {\"records\": [ … ]}"
            )
        }
        guard !list.isEmpty, list.count <= Self.maxBatch else {
            throw APIError(
                .badRequest,
                code: "invalid_batch_size",
                message: "每批 1 到 \(Self.maxBatch) 条 / a batch holds 1 to \(Self.maxBatch) records"
            )
        }
        let today = dependencies.clock.today()
        let catalogue = dependencies.catalogue
        let items = list.enumerated().map { index, element in
            SubmissionItem(
                index: index,
                outcome: Self.validate(element, catalogue: catalogue, today: today),
                original: Self.originalText(element),
                fields: Self.textFields(element)
            )
        }
        let results = try await dependencies.records.submit(departmentCode: department, items: items, source: "api")
        return SubmissionDTO(results: results.map(SubmissionDTO.Result.init))
    }

    struct Batch: Decodable {
        var records: [JSONValue]
    }

    /// Every problem of a JSON record: its types, then the catalogue's checks of the fields that have a usable type.
    static func validate(_ element: JSONValue, catalogue: Catalogue, today: LocalDate) -> Result<ValidRecord, RecordProblems> {
        guard case .object(let object) = element else {
            return .failure(
                RecordProblems([FieldProblem(field: "", value: nil, code: "invalid_record", message: "每条记录应为 JSON 对象 / each record is a JSON object")]
                )
            )
        }
        let (submission, typeProblems) = Self.submission(object)
        let outcome = RecordValidator.validate(submission, catalogue: catalogue, today: today)
        guard !typeProblems.isEmpty else { return outcome }
        var problems = typeProblems
        if case .failure(let more) = outcome { problems += more.problems.filter { p in !typeProblems.contains { $0.field == p.field } } }
        return .failure(RecordProblems(problems))
    }

    /// A JSON record as a submission: strings as they are, numbers as text, `revoked` a boolean; fields of
    /// another type are left out and reported.
    static func submission(_ object: [String: JSONValue]) -> (RecordSubmission, [FieldProblem]) {
        var fields: [String: String] = [:]
        var problems: [FieldProblem] = []
        var category = ""
        var changeReason: String?
        var revoked = false
        for (key, value) in object {
            switch (key, value) {
            case ("revoked", .bool(let flag)): revoked = flag
            case ("revoked", _):
                problems.append(
                    FieldProblem(field: key, value: nil, code: "invalid_type", message: "revoked 应为 true 或 false / revoked is true or false")
                )
            case ("category", .string(let text)): category = text
            case ("changeReason", .string(let text)): changeReason = text
            case (_, .string(let text)): fields[key] = text
            case (_, .number(let text)): fields[key] = text
            case (_, .null): continue
            default:
                problems.append(
                    FieldProblem(
                        field: key,
                        value: nil,
                        code: "invalid_type",
                        message: "字段 \(key.prefix(40)) 应为文字或数字 / \(key.prefix(40)) must be a string or a number"
                    )
                )
            }
        }
        return (RecordSubmission(category: category, fields: fields, changeReason: changeReason, revoked: revoked), problems)
    }

    /// The text and number fields of a JSON record, by name (for correcting a rejection on a page).
    static func textFields(_ element: JSONValue) -> [String: String] {
        guard case .object(let object) = element else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case .string(let text), .number(let text): fields[key] = text
            default: continue
            }
        }
        return fields
    }

    /// The record as it arrived, for the rejection queue (the queue is the department's own, shown only to it).
    static func originalText(_ element: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(element)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// `GET /api/v1/records/{id}`: the submitting department or the credit office; to anyone else the record
    /// does not exist (404, so that existence does not leak).
    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> RecordDTO {
        _ = try QueryParameters(request, allowed: [])
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0,
            let record = try await dependencies.records.fetchRecord(id: id),
            context.principal?.role != .department || context.principal?.departmentCode == record.departmentCode
        else { throw APIError.notFound("记录 / the record") }
        let versions = try await dependencies.records.fetchVersions(recordID: id)
        return RecordDTO(record, catalogue: dependencies.catalogue, versions: versions, today: dependencies.clock.today())
    }

    @Sendable func rejections(_ request: Request, context: CreditRequestContext) async throws -> RejectionsDTO {
        let params = try QueryParameters(request, allowed: ["limit"])
        let limit = try params.integer("limit", default: 100, range: 1...1000)
        guard let department = context.principal?.departmentCode else { throw APIError.notFound("部门 / the department") }
        let items = try await dependencies.records.rejections(departmentCode: department, limit: limit)
        return RejectionsDTO(items: items.map(RejectionsDTO.Item.init))
    }

    @Sendable func entityRecords(_ request: Request, context: CreditRequestContext) async throws -> PublicRecordsDTO {
        _ = try QueryParameters(request, allowed: [])
        let code = try EntitySearchTerm.creditCode(context.parameters.get("code") ?? "")
        let records = try await dependencies.records.publicRecords(subjectCode: code.rawValue, on: dependencies.clock.today())
        return PublicRecordsDTO(items: records.map { PublicRecordsDTO.Item($0, catalogue: dependencies.catalogue) })
    }
}
