import CreditCore
import Foundation
import Hummingbird
import NIOCore

/// Collection and disclosure over HTTP: JSON batches from departments, a record with its
/// versions, the department's rejection queue, and an entity's public records.
struct RecordController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer
    static let maxBatch = 1_000
    /// The largest batch body: 1,000 records with texts of a thousand characters or so (8 MiB); a larger batch is
    /// 413 `request_too_large`, to be split or sent as a file.
    static let maxBatchBody = 8 << 20

    func addRoutes(api routes: SecuredRoutes, pages: SecuredRoutes) {
        addPages(to: pages, pages: self.pages)
        routes.post("records", .roles([.department]), use: submit)
        routes.get("records/{id}", .roles([.department, .creditOffice, .admin]), use: show)
        routes.get("rejections", .roles([.department]), use: rejections)
        routes.get("entities/{code}/records", .everyone, use: entityRecords)
        routes.get("records", .everyone, use: search)
        routes.get("open-data/records", .everyone, use: export)
        routes.get("unmatched", .roles([.creditOffice, .admin]), use: unmatched)
        routes.get("departments/{code}/records", .roles([.department, .creditOffice, .admin]), use: departmentRecords)
        routes.get("departments/{code}/records/export", .roles([.department, .creditOffice, .admin]), use: departmentExport)
    }

    /// `GET /api/v1/unmatched`: records about credit codes the registry does not know, for the credit office to
    /// follow up (they are kept and published as usual; they become matched when the entity is registered).
    @Sendable func unmatched(_ request: Request, context: CreditRequestContext) async throws -> UnmatchedDTO {
        let params = try QueryParameters(request, allowed: ["limit"])
        let limit = try params.integer("limit", default: 100, range: 1...1000)
        let records = try await dependencies.records.unmatched(limit: limit)
        return UnmatchedDTO(
            items: records.map {
                UnmatchedDTO.Item(
                    id: String($0.id),
                    subjectCode: $0.subjectCode,
                    subjectName: $0.subjectName,
                    category: $0.category,
                    documentNumber: $0.documentNumber,
                    department: $0.departmentName,
                    departmentCode: $0.departmentCode,
                    receivedAt: $0.receivedAt
                )
            }
        )
    }

    struct UnmatchedDTO: ResponseEncodable, Sendable {
        var items: [Item]

        struct Item: Encodable, Sendable {
            var id: String
            var subjectCode: String?
            var subjectName: String
            var category: String
            var documentNumber: String
            var department: String
            var departmentCode: String
            var receivedAt: String
        }
    }

    static let searchFilters: Set<String> = ["category", "department", "from", "to"]

    /// The filters of a public search, checked.
    static func publicQuery(_ params: QueryParameters, catalogue: Catalogue) throws(APIError) -> PublicRecordQuery {
        var query = PublicRecordQuery()
        if let category = params["category"], !category.isEmpty {
            guard let c = catalogue.category(category), c.disclosure == .public else {
                throw APIError.invalidParameter("category", "不是公开的信息类别 / not a public category of the catalogue")
            }
            query.category = category
        }
        if let department = params["department"], !department.isEmpty {
            query.departmentCode = try EntitySearchTerm.creditCode(department).rawValue
        }
        (query.from, query.to) = try decisionDates(params)
        return query
    }

    /// The decision dates `from` and `to` of a search (inclusive; empty is absent), `to` not before `from`.
    static func decisionDates(_ params: QueryParameters) throws(APIError) -> (from: LocalDate?, to: LocalDate?) {
        var dates: [String: LocalDate] = [:]
        for name in ["from", "to"] {
            guard let text = params[name], !text.isEmpty else { continue }
            guard let date = LocalDate(text) else { throw APIError.invalidParameter(name, "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            dates[name] = date
        }
        if let from = dates["from"], let to = dates["to"], from > to {
            throw APIError.invalidParameter("to", "结束日期早于开始日期 / the end date is before the start date")
        }
        return (dates["from"], dates["to"])
    }

    /// `GET /api/v1/records?category=&department=&from=&to=&page=&size=`: records public today.
    @Sendable func search(_ request: Request, context: CreditRequestContext) async throws -> PublicRecordsDTO {
        let params = try QueryParameters(request, allowed: Self.searchFilters.union(["page", "size"]))
        let query = try Self.publicQuery(params, catalogue: dependencies.catalogue)
        let page = try params.integer("page", default: 1, range: 1...500)
        let size = try params.integer("size", default: 20, range: 1...100)
        let (items, total) = try await dependencies.records.searchPublic(query, on: dependencies.clock.today(), page: page, size: size)
        return PublicRecordsDTO(items: items.map { PublicRecordsDTO.Item($0, catalogue: dependencies.catalogue) }, total: total)
    }

    static let csvHeader = "编号,类别,决定文书号,行政相对人名称,统一社会信用代码,证件号码（脱敏）,决定机关,决定机关代码,决定日期,内容,依据,失信程度,公示截止,公示起始,最短公示期满\r\n"

    /// `GET /api/v1/open-data/records?format=csv|json&…`: every record public today, streamed 1,000 at a time.
    @Sendable func export(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: Self.searchFilters.union(["format", "columns"]))
        let query = try Self.publicQuery(params, catalogue: dependencies.catalogue)
        let format = params["format"] ?? "csv"
        guard format == "csv" || format == "json" else { throw APIError.invalidParameter("format", "应为 csv 或 json / use csv or json") }
        switch params["columns"] {
        case nil, "platform": break
        case "standard":
            guard format == "csv", let code = query.category, let category = dependencies.catalogue.category(code) else {
                throw APIError.invalidParameter(
                    "columns",
                    "按国家标准列导出须为 CSV 并指定一个类别 / columns=standard needs format=csv and one category"
                )
            }
            return try await standardExport(query, category: category)
        default: throw APIError.invalidParameter("columns", "应为 platform 或 standard / use platform or standard")
        }
        let store = dependencies.records
        let catalogue = dependencies.catalogue
        let today = dependencies.clock.today()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: format == "csv" ? "\u{FEFF}" + Self.csvHeader : "["))
            var last = 0
            var first = true
            while true {
                let batch = try await store.publicRecords(query, on: today, after: last, limit: 1_000)
                guard let tail = batch.last?.id else { break }
                var chunk = ""
                for r in batch {
                    let item = PublicRecordsDTO.Item(r, catalogue: catalogue)
                    if format == "csv" {
                        chunk += CSVText.line([
                            item.id, item.categoryName, item.documentNumber, item.subjectName, item.subjectCode, item.subjectIdNumber,
                            item.department, item.departmentCode, item.decidedOn, item.content, item.basis, r.severity?.label, item.publicUntil,
                            item.publicFrom, item.earliestEnd,
                        ])
                    } else {
                        chunk += (first ? "" : ",") + String(decoding: try encoder.encode(item), as: UTF8.self)
                        first = false
                    }
                }
                try await writer.write(ByteBuffer(string: chunk))
                last = tail
            }
            if format == "json" { try await writer.write(ByteBuffer(string: "]")) }
            try await writer.finish(nil)
        }
        let type = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"public-records-\(today).\(format)\""],
            body: body
        )
    }

    /// The open data of one category in the columns of the national 双公示 standard (the catalogue's names, in its
    /// order), so that another platform reads the file as it reads a department's: amounts in 万元, labels for codes,
    /// identity numbers masked, 公示截止期 the last public day the rules give.
    func standardExport(_ query: PublicRecordQuery, category: Catalogue.Category) async throws -> Response {
        let (store, today) = (dependencies.records, dependencies.clock.today())
        return Self.standardCSV(category: category, filename: "public-\(category.code)-standard-\(today).csv") { last in
            try await store.publicRecords(query, on: today, after: last, limit: 1_000)
        }
    }

    /// A CSV file of records of one category in the standard's columns, streamed a batch at a time; `batch` gives the
    /// records after an id (0 first), in id order.
    static func standardCSV(
        category: Catalogue.Category,
        filename: String,
        batch: @escaping @Sendable (Int) async throws -> [StoredRecord]
    ) -> Response {
        let header = category.fields.map(\.standardColumn)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "\u{FEFF}" + CSVText.line(header)))
            var last = 0
            while true {
                let records = try await batch(last)
                guard let tail = records.last?.id else { break }
                let chunk = records.map { r in CSVText.line(category.fields.map { Self.standardValue($0, of: r) }) }.joined()
                try await writer.write(ByteBuffer(string: chunk))
                last = tail
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: body
        )
    }

    /// A record's value of a field as the standard writes it.
    static func standardValue(_ field: Catalogue.Field, of r: StoredRecord) -> String? {
        if field.name == "statedPublicUntil" { return r.publication?.until.description }
        guard let value = r.content[field.name] else { return nil }
        switch field.type {
        case .wanYuan: return Int(value).map(WanYuan.text) ?? value
        case .subjectKind: return SubjectKind(rawValue: value)?.label ?? value
        case .severity: return Severity(rawValue: value)?.label ?? value
        case .procedure: return Procedure(rawValue: value)?.label ?? value
        default: return value
        }
    }

    /// `POST /api/v1/records`: `{"records": [RECORD, …]}` → one result per record, in order. The batch is
    /// stored in one transaction after every record was checked; rejected records go to the queue.
    @Sendable func submit(_ request: Request, context: CreditRequestContext) async throws -> SubmissionDTO {
        _ = try QueryParameters(request, allowed: [])
        guard let department = context.principal?.departmentCode else {
            throw APIError(.forbidden, code: "forbidden", message: "只有部门账户可以报送 / only department accounts submit records")
        }
        let body = try await request.readBody(upTo: Self.maxBatchBody)
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
            let fields = Self.textFields(element)
            // A refused record keeps its category in the queue when it names one, to be corrected as that category.
            return SubmissionItem(
                index: index,
                outcome: Self.validate(element, catalogue: catalogue, today: today, department: department),
                original: Self.originalText(element),
                fields: fields,
                category: fields["category"].flatMap { catalogue.category($0)?.code }
            )
        }
        let results = try await dependencies.records.submit(departmentCode: department, items: items, source: "api")
        return SubmissionDTO(results: results.map(SubmissionDTO.Result.init))
    }

    struct Batch: Decodable {
        var records: [JSONValue]
    }

    /// Every problem of a JSON record: its types, then the catalogue's checks of the fields that have a usable type.
    static func validate(_ element: JSONValue, catalogue: Catalogue, today: LocalDate, department: String) -> Result<ValidRecord, RecordProblems> {
        guard case .object(let object) = element else {
            return .failure(
                RecordProblems([FieldProblem(field: "", value: nil, code: "invalid_record", message: "每条记录应为 JSON 对象 / each record is a JSON object")]
                )
            )
        }
        let (submission, typeProblems) = Self.submission(object)
        let outcome = RecordValidator.validate(submission, catalogue: catalogue, today: today, department: department)
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
        var revokedOn: String?
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
            case ("revokedOn", .string(let text)): revokedOn = text
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
        return (
            RecordSubmission(category: category, fields: fields, changeReason: changeReason, revoked: revoked, revokedOn: revokedOn), problems
        )
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
            context.sees(department: record.departmentCode)
        else { throw APIError.notFound("记录", "the record") }
        let versions = try await dependencies.records.fetchVersions(recordID: id)
        return RecordDTO(record, catalogue: dependencies.catalogue, versions: versions, today: dependencies.clock.today())
    }

    @Sendable func rejections(_ request: Request, context: CreditRequestContext) async throws -> RejectionsDTO {
        let params = try QueryParameters(request, allowed: ["limit", "after"])
        let limit = try params.integer("limit", default: 100, range: 1...1000)
        guard let department = context.principal?.departmentCode else { throw APIError.notFound("部门", "the department") }
        let page = try await Self.rejectionPage(dependencies.records, department: department, after: params["after"], limit: limit)
        return RejectionsDTO(items: page.items.map(RejectionsDTO.Item.init), total: page.total, next: page.next)
    }

    /// One page of a department's open rejections, the count of all of them, and the cursor of the next page.
    /// - Throws: 400 `invalid_parameter` for an `after` that is not a cursor this platform gave.
    static func rejectionPage(
        _ records: any RecordStore,
        department: String,
        after: String?,
        limit: Int
    ) async throws -> (items: [Rejection], total: Int, next: String?) {
        if let after, Rejection.cursorParts(after) == nil {
            throw APIError.invalidParameter("after", "不是上一页给出的 next 值 / not a `next` value from a previous page")
        }
        var items = try await records.rejections(departmentCode: department, after: after, limit: limit + 1)
        let more = items.count > limit
        if more { items.removeLast() }
        return (items, try await records.openRejectionCount(departmentCode: department), more ? items.last?.cursor : nil)
    }

    @Sendable func entityRecords(_ request: Request, context: CreditRequestContext) async throws -> PublicRecordsDTO {
        _ = try QueryParameters(request, allowed: [])
        let code = try EntitySearchTerm.creditCode(context.parameters.get("code") ?? "")
        let records = try await dependencies.records.publicRecords(subjectCode: code.rawValue, on: dependencies.clock.today())
        return PublicRecordsDTO(items: records.map { PublicRecordsDTO.Item($0, catalogue: dependencies.catalogue) })
    }
}
