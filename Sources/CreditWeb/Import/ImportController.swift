import CreditCore
import CreditStore
import Foundation
import HTTPTypes
import Hummingbird

/// File uploads with progress, and the department's pages: `/imports` (upload) and `/rejections` (the
/// queue, where a rejected row is corrected and sent again).
struct ImportController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer
    /// The name uploads run under on this server (``AppConfiguration/instance``).
    let instance: String
    static let department: Access = .roles([.department])
    /// Rejections shown on one page of the queue.
    static let queuePage = 200

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("imports", Self.department, use: create)
        api.on(.put, "imports/{id}/file", Self.department, use: upload)
        api.get("imports/{id}", .roles([.department, .creditOffice, .admin]), use: show)
        api.get("imports", .roles([.department, .creditOffice, .admin]), use: list)
        api.get("column-mappings/{category}", Self.department, use: showMapping)
        api.on(.put, "column-mappings/{category}", Self.department, use: saveMapping)
        api.on(.delete, "column-mappings/{category}", Self.department, use: deleteMapping)
        routes.get("imports", Self.department, use: importPage)
        routes.get("rejections", Self.department, use: rejectionsPage)
        routes.post("rejections/{id}", Self.department, use: correct)
    }

    /// Jobs shown on the upload page.
    static let recentOnPage = 20

    struct JobDTO: ResponseEncodable, Sendable {
        var id: String
        /// The department's credit code.
        var department: String
        var status: String
        var category: String
        var encoding: String
        var filename: String
        var sizeBytes: Int?
        var bytesDone: Int
        var rows: Int
        var accepted: Int
        var updated: Int
        var unchanged: Int
        var rejected: Int
        /// Rows stored with a warning (a legacy code failing position 17; a stated 公示截止期 the rule differs from).
        var warned: Int
        var error: String?
        var createdAt: String
        var updatedAt: String
        /// In the answer to an upload: whether the department's saved column mapping was used.
        var mapped: Bool?
        /// In the answer to an upload refused for its header: each column with a proposed field.
        var header: HeaderDTO?

        init(_ job: ImportJob) {
            id = String(job.id)
            department = job.departmentCode
            status = job.status.rawValue
            category = job.category
            encoding = job.encoding
            filename = job.filename
            sizeBytes = job.sizeBytes
            bytesDone = job.summary.bytes
            rows = job.summary.rows
            accepted = job.summary.accepted
            updated = job.summary.updated
            unchanged = job.summary.unchanged
            rejected = job.summary.rejected
            warned = job.summary.warned
            error = job.error
            createdAt = job.createdAt
            updatedAt = job.updatedAt
        }
    }

    struct NewJob: Decodable {
        var category: String
        var encoding: String?
        var filename: String?
        var size: Int?
    }

    /// `POST /api/v1/imports`: announces a file (category, encoding, name, size) and returns its job.
    @Sendable func create(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<JobDTO> {
        _ = try QueryParameters(request, allowed: [])
        guard let department = context.principal?.departmentCode else { throw APIError.notFound("部门", "the department") }
        let body = try await request.readBody(upTo: 64 * 1024)
        guard let job = try? JSONDecoder().decode(NewJob.self, from: Data(body.readableBytesView)) else {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为 JSON：{\"category\", \"encoding\", \"filename\", \"size\"}")
        }
        guard FileImport.form(category: job.category, catalogue: dependencies.catalogue) != nil else {
            throw APIError(
                .badRequest,
                code: "unknown_category",
                message:
                    "类别“\(job.category.prefix(40))”不在信用信息目录中（主体登记文件用 registration，列入名单决定用 listing） / not a category of the catalogue (registration files: registration; listing decisions: listing)"
            )
        }
        guard job.filename?.containsControlCharacter != true else { throw APIError.controlCharacter(zh: "文件名", en: "the file name") }
        guard let encoding = FileEncoding(name: job.encoding ?? "auto") else {
            throw APIError.invalidParameter("encoding", "应为 auto、utf-8 或 gb18030 / use auto, utf-8 or gb18030")
        }
        let created = try await dependencies.imports.create(
            departmentCode: department,
            accountID: context.principal?.accountID,
            category: job.category,
            encoding: encoding.rawValue,
            filename: String((job.filename ?? "upload.csv").prefix(200)),
            sizeBytes: job.size
        )
        return EditedResponse(status: .created, response: JobDTO(created))
    }

    /// The job of a request's `{id}`, if the caller may see it (its department's, or any for the credit office).
    func job(_ context: CreditRequestContext) async throws -> ImportJob {
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), let job = try await dependencies.imports.fetch(id: id),
            context.sees(department: job.departmentCode)
        else { throw APIError.notFound("导入任务", "the import") }
        return job
    }

    /// `PUT /api/v1/imports/{id}/file`: the file itself, streamed through the importer; progress is written to
    /// the job after every stored batch. 200 with the finished job, or 422 when the file could not be read.
    @Sendable func upload(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<JobDTO> {
        let job = try await job(context)
        guard try await dependencies.imports.start(id: job.id, server: instance) else {
            throw APIError(.conflict, code: "import_not_waiting", message: "这个导入任务已经收到过文件 / this import already has its file")
        }
        // Between batches (a slow sender), the job is touched every minute: other servers see it is being run.
        let imports = dependencies.imports
        let heartbeat = UploadHeartbeat.touching(job.id, in: imports, clock: dependencies.clock)
        defer { heartbeat.cancel() }
        let today = dependencies.clock.today()
        let saved = try await imports.columnMapping(departmentCode: job.departmentCode, category: job.category)
        let importer = FileImport.importer(
            category: job.category,
            departmentCode: job.departmentCode,
            catalogue: dependencies.catalogues.inForce(on: today),
            registry: dependencies.registry,
            records: dependencies.records,
            listings: dependencies.listings,
            tables: dependencies.tables,
            today: today,
            source: "file",
            mapping: saved?.mapping
        )
        let report: @Sendable (ImportSummary) async throws -> Void = { progress in
            try await imports.update(id: job.id, status: .running, summary: progress, error: nil)
        }
        do {
            let summary: ImportSummary
            if job.filename.lowercased().hasSuffix(".xlsx") {
                // A workbook is a ZIP archive, read from its end: the upload is kept in a temporary file first.
                let file = UploadFiles.url(.workbook, detail: "job\(job.id)")
                defer { try? FileManager.default.removeItem(at: file) }
                _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
                let handle = try FileHandle(forWritingTo: file)
                for try await buffer in request.body { try handle.write(contentsOf: Data(buffer.readableBytesView)) }
                try handle.close()
                summary = try await FileImport.runWorkbook(importer, file: file, progress: report)
            } else {
                summary = try await importer.run(
                    request.body.map { Array($0.readableBytesView) },
                    encoding: FileEncoding(name: job.encoding) ?? .auto,
                    progress: report
                )
            }
            try await imports.update(id: job.id, status: .done, summary: summary, error: nil)
        } catch let failure as any CreditError where failure is ImportFailure || failure is HeaderMismatch {
            // The file could not be read at all; a header that does not fit comes back with a proposal per column.
            try await imports.update(id: job.id, status: .failed, summary: ImportSummary(), error: failure.message)
            guard let failed = try await imports.fetch(id: job.id) else { throw APIError.notFound("导入任务", "the import") }
            var dto = JobDTO(failed)
            if let mismatch = failure as? HeaderMismatch {
                dto.mapped = saved != nil
                let fields = FileImport.fields(category: job.category, catalogue: dependencies.catalogues.inForce(on: today)) ?? []
                dto.header = Self.headerDTO(mismatch, fields: fields, saved: saved?.mapping)
            }
            return EditedResponse(status: .unprocessableContent, response: dto)
        } catch {
            // The upload broke off (or the database failed): the batches stored so far stay; send the file again.
            let stored = try? await imports.fetch(id: job.id)
            try? await imports.update(
                id: job.id,
                status: .failed,
                summary: stored?.summary ?? ImportSummary(),
                error: ImportJob.interrupted
            )
            throw error
        }
        guard let done = try await imports.fetch(id: job.id) else { throw APIError.notFound("导入任务", "the import") }
        var dto = JobDTO(done)
        dto.mapped = saved != nil
        return EditedResponse(status: .ok, response: dto)
    }

    struct JobListDTO: ResponseEncodable, Sendable {
        var items: [JobDTO]
    }

    /// `GET /api/v1/imports`: the newest jobs first — a department's own; every department's for the credit office
    /// and administrators, or one department's with `department`.
    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> JobListDTO {
        let params = try QueryParameters(request, allowed: ["limit", "department"])
        let limit = try params.integer("limit", default: Self.recentOnPage, range: 1...100)
        // By default a department's own, and every department's for the others.
        let department = params["department"].map { $0.uppercased() } ?? context.principal?.departmentCode
        if let department, !context.sees(department: department) {
            throw APIError(.forbidden, code: "forbidden", message: "部门账户只能查看本部门的导入任务 / a department sees its own imports only")
        }
        return JobListDTO(items: try await dependencies.imports.recent(departmentCode: department, limit: limit).map(JobDTO.init))
    }

    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> JobDTO {
        _ = try QueryParameters(request, allowed: [])
        return JobDTO(try await job(context))
    }

    // MARK: Pages

    /// How each way in is named on the queue page.
    static let sourceLabels = ["file": "上传文件", "api": "接口报送", "cli": "命令行导入", "correction": "页面改正"]

    /// Where a rejected row was: a file's line, or a JSON batch's item (counted from 1 for people).
    static func positionLabel(_ r: Rejection) -> String {
        r.source == "api" ? "第 \(r.position + 1) 条" : "第 \(r.position) 行"
    }

    @Sendable func importPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let categories =
            dependencies.catalogue.categories.map { ["code": $0.code, "name": $0.name, "selected": $0.code == "penalty"] }
            + FileImport.otherForms.map { ["code": $0.code, "name": $0.name, "selected": false] }
        guard let department = context.principal?.departmentCode else { throw APIError.notFound("部门", "the department") }
        let catalogue = dependencies.catalogue
        let jobs = try await dependencies.imports.recent(departmentCode: department, limit: Self.recentOnPage).map {
            Self.jobRow($0, categoryName: FileImport.form(category: $0.category, catalogue: catalogue)?.name ?? $0.category)
        }
        return pages.page(
            "imports",
            title: "上传报送文件",
            context: ["categories": categories, "jobs": jobs, "anyJobs": !jobs.isEmpty],
            viewer: context
        )
    }

    /// How each status of a job is named on the page.
    static let statusLabels: [ImportJob.Status: String] = [.waiting: "未收到文件", .running: "导入中", .done: "完成", .failed: "失败"]

    /// One row of the upload page's list of recent uploads.
    static func jobRow(_ job: ImportJob, categoryName: String) -> [String: Any] {
        let s = job.summary
        var row: [String: Any] = [
            "id": job.id, "filename": job.filename, "category": categoryName, "status": job.status.rawValue,
            "statusLabel": statusLabels[job.status] ?? job.status.rawValue, "createdAt": BeijingTime.minute(job.createdAt),
            "rows": s.rows.grouped, "accepted": s.accepted.grouped, "updated": s.updated.grouped,
            "unchanged": s.unchanged.grouped, "rejected": s.rejected.grouped, "anyRejected": s.rejected > 0,
            "warned": s.warned.grouped, "anyWarned": s.warned > 0,
            "running": job.status == .running, "size": job.sizeBytes ?? 0,
            "percent": job.status == .done ? 100 : job.sizeBytes.map { $0 > 0 ? min(100, s.bytes * 100 / $0) : 0 } ?? 0,
        ]
        if let error = job.error { row["error"] = error }
        return row
    }

    @Sendable func rejectionsPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: ["fixed", "after"])
        return try await rejections(
            context,
            notice: params["fixed"].map { "\($0.prefix(20))已改正并入库。" },
            problems: [:],
            after: params["after"]
        )
    }

    /// The queue page; `problems` are the errors of a correction just refused, by rejection id.
    func rejections(
        _ context: CreditRequestContext,
        notice: String?,
        problems: [Int: [FieldProblem]],
        status: HTTPResponse.Status = .ok,
        after: String? = nil
    )
        async throws -> Response
    {
        guard let department = context.principal?.departmentCode else { throw APIError.notFound("部门", "the department") }
        let page = try await RecordController.rejectionPage(dependencies.records, department: department, after: after, limit: Self.queuePage)
        let items = page.items.map { r -> [String: Any] in
            let form = correctionForm(r)
            let known = form?.fields ?? []
            let errors = (problems[r.id] ?? r.problems).map { p -> [String: Any] in
                [
                    "field": known.first { $0.name == p.field }?.label ?? p.field, "hasField": !p.field.isEmpty, "message": p.message,
                    "value": p.value ?? "",
                ]
            }
            let fields = known.map { f -> [String: Any] in
                // Filled without control characters: the browser would send U+0000 back as U+FFFD, to be stored.
                let value = r.fields[f.name]?.removingControlCharacters ?? ""
                var field: [String: Any] = ["name": f.name, "label": f.label, "value": value, "required": f.required]
                if let help = f.help { field["help"] = help }
                if f.type == .severity {
                    // A choice of the three, the one sent chosen (as a code or in Chinese); none when it was none of them.
                    let sent = Severity(text: value)
                    field["hasChoices"] = true
                    field["choices"] =
                        [["value": "", "label": "请选择", "selected": sent == nil]]
                        + Severity.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == sent] }
                }
                return field
            }
            return [
                "id": r.id, "position": Self.positionLabel(r), "source": Self.sourceLabels[r.source] ?? r.source,
                "original": r.original.showingControlCharacters,
                "errors": errors, "fields": fields,
                "category": form?.name ?? "", "receivedAt": BeijingTime.minute(r.receivedAt),
            ]
        }
        var ctx: [String: Any] = ["items": items, "empty": items.isEmpty, "total": page.total.grouped, "shown": items.count, "paged": after != nil]
        if let next = page.next { ctx["next"] = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        if let notice { ctx["notice"] = notice }
        return pages.page("rejections", title: "退回队列", context: ctx, viewer: context, status: status)
    }

    /// `POST /rejections/{id}`: the corrected fields of a rejected row, sent through the one validation path.
    @Sendable func correct(_ request: Request, context: CreditRequestContext) async throws -> Response {
        guard let department = context.principal?.departmentCode, let id = context.parameters.get("id").flatMap({ Int($0) }),
            let rejection = try await dependencies.records.rejection(id: id, departmentCode: department)
        else { throw APIError.notFound("退回记录", "the rejected row") }
        guard let form = correctionForm(rejection) else { throw APIError.notFound("退回记录", "the rejected row") }
        var fields: [String: String] = [:]
        for field in form.fields {
            if let value = context.form[field.name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { fields[field.name] = value }
        }
        if form.code == EntityRegistration.category {
            return try await correctRegistration(rejection, fields: fields, department: department, context: context)
        }
        if form.code == ListingRequest.category {
            return try await correctListing(rejection, fields: fields, department: department, context: context)
        }
        let submission = RecordSubmission(category: form.code, fields: fields, changeReason: "退回后改正 / corrected after rejection")
        // A row of a file corrected keeps the file's leniency for legacy codes; one sent over the API does not.
        let outcome = RecordValidator.validate(
            submission,
            catalogue: dependencies.catalogue,
            today: dependencies.clock.today(),
            input: rejection.source == "file" ? .file : .typed,
            department: department
        )
        if case .failure(let problems) = outcome {
            return try await rejections(context, notice: nil, problems: [id: problems.problems], status: .badRequest)
        }
        // Stored as a batch of one; a refusal here (a duplicate) is shown, not queued again.
        let results = try await dependencies.records.submit(
            departmentCode: department,
            items: [SubmissionItem(index: rejection.position, outcome: outcome, original: rejection.original, fields: fields)],
            source: "correction"
        )
        guard let result = results.first, result.status != .rejected else {
            return try await rejections(context, notice: nil, problems: [id: results.first?.problems ?? []], status: .badRequest)
        }
        return try await resolved(rejection, department: department)
    }

    /// A rejected row of a registration file, corrected on the page: the same checks as `POST /api/v1/entities`.
    func correctRegistration(
        _ rejection: Rejection,
        fields: [String: String],
        department: String,
        context: CreditRequestContext
    ) async throws -> Response {
        let registration: EntityRegistration
        switch EntityRegistration.validate(flat: fields, tables: dependencies.tables, today: dependencies.clock.today()) {
        case .failure(let problems):
            return try await rejections(context, notice: nil, problems: [rejection.id: problems.problems], status: .badRequest)
        case .success(let valid):
            registration = valid
        }
        let registering = try await dependencies.registry.fetchDepartments().first { $0.code == department }
        if let refusal = registration.refusal(department: registering) {
            return try await rejections(context, notice: nil, problems: [rejection.id: [refusal]], status: .badRequest)
        }
        _ = try await dependencies.registry.apply(registration)
        return try await resolved(rejection, department: department)
    }

    /// A rejected row of a listing file, corrected on the page: the same checks as `POST /api/v1/listings`.
    func correctListing(_ rejection: Rejection, fields: [String: String], department: String, context: CreditRequestContext) async throws -> Response
    {
        do {
            _ = try await dependencies.listings.enter(
                try ListingRequest(flat: fields).parse(),
                departmentCode: department,
                by: context.principal?.name
            )
        } catch let error as ListError {
            let problem = FieldProblem(field: "", value: nil, code: error.code, message: error.message)
            return try await rejections(context, notice: nil, problems: [rejection.id: [problem]], status: .badRequest)
        }
        return try await resolved(rejection, department: department)
    }

    /// What a rejected row is shown and corrected as: its catalogue category, a registration or a listing decision.
    /// A row whose category was not kept (refused before rows kept it) is shown as a penalty.
    func correctionForm(_ rejection: Rejection) -> (code: String, name: String, fields: [Catalogue.Field])? {
        FileImport.form(category: rejection.category ?? "penalty", catalogue: dependencies.catalogue)
            ?? FileImport.form(category: "penalty", catalogue: dependencies.catalogue)
    }

    /// Takes a corrected row out of the queue and goes back to it, saying which row was fixed.
    func resolved(_ rejection: Rejection, department: String) async throws -> Response {
        _ = try await dependencies.records.resolveRejection(id: rejection.id, departmentCode: department)
        let label = Self.positionLabel(rejection).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return .redirect(to: "/rejections?fixed=\(label)", type: .normal)
    }
}

/// While an upload runs, its server says so every minute (between batches of a slow sender), so that no other server
/// takes the job for abandoned (``ImportJobStore/failInterrupted(restarting:)``).
public enum UploadHeartbeat {
    /// Touches a running job every `interval` (``ImportJob/heartbeat``) until the task returned is cancelled — when
    /// the upload ends, whichever way. A failed touch is tried again at the next beat.
    public static func touching(
        _ id: Int,
        in store: any ImportJobStore,
        every interval: Duration = ImportJob.heartbeat,
        clock: any CreditClock
    ) -> Task<Void, Never> {
        Task {
            while (try? await clock.sleep(for: interval)) != nil { try? await store.touch(id: id) }
        }
    }
}
