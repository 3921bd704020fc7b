import ArgumentParser
import CreditCore
import CreditStore
import CreditWeb
import Foundation

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "导入部门报送的 CSV 或 Excel 文件 / ingest a department's CSV or .xlsx file through the same validation as the API.",
        discussion: """
            The header row names the columns by the catalogue's field names or the national standard's Chinese column names \
            (see GET /api/v1/catalog). UTF-8 (with or without BOM) and GB18030/GBK are detected, or given with --encoding. \
            The file is read in chunks and stored 8,000 rows (at most 4 MiB) at a time; each stored batch is final, so after an interruption \
            run the same command again: rows already stored come back as unchanged, none is duplicated. Rejected rows go to the \
            department's rejection queue with their line numbers. \
            With --category registration the file holds entity registrations and changes from the registering department \
            (columns 统一社会信用代码, 主体名称, 主体类型, 行政区划代码, 行业代码, 成立日期, 法定代表人, 法定代表人证件号码, and \
            optionally 登记状态, 主要负责人…, 实际控制人…, 变更原因), stored 2,000 rows at a time. Prints the counts on standard output (accepted, updated, \
            unchanged, rejected) and progress on standard error; exits 0 when the file was processed, 1 when it could not be read.
            """
    )

    @OptionGroup var db: DatabaseOptions
    @Option(help: "The submitting department's credit code.") var department: String
    @Option(help: "The category of every row (see GET /api/v1/catalog), e.g. penalty or license; registration for entity registrations.")
    var category: String
    @Option(help: "auto, utf-8 or gb18030 (gbk).") var encoding = "auto"
    @Option(
        help: """
            A JSON file naming what the file's own columns hold, for this file: {"columns": [{"column": "当事人", "field": "subjectName"},             {"column": "内部编号", "field": null}]} (null: ignore the column). Without it the department's saved mapping is used, if any.
            """
    )
    var mapping: String?
    @Argument(help: "The CSV file.") var file: String

    func validate() throws {
        guard FileEncoding(name: encoding) != nil else { throw ValidationError("--encoding 应为 auto、utf-8 或 gb18030 / use auto, utf-8 or gb18030") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: file)
        else {
            throw ValidationError(
                isDirectory.boolValue
                    ? "\(file) 是目录，请给出文件 / \(file) is a directory, not a file" : "无法读取文件 \(file) / cannot read the file \(file)"
            )
        }
    }

    func run() async throws {
        let logger = Log.make("credit")
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let given: ColumnMapping?
        do {
            given = try mapping.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ImportFailure(code: "invalid_mapping", message: "无法读取列对应文件 \(path) / cannot read the mapping file \(path)")
                }
                return try ColumnMapping.decode(data)
            }
        } catch let failure as ImportFailure {
            printError("无法导入 / cannot import: \(failure.message)")
            throw ExitCode(1)
        }
        var mismatched: (HeaderMismatch, [Catalogue.Field], ColumnMapping?)?
        let outcome: Result<ImportSummary, ImportFailure> = try await db.withStores(logger: logger) { stores in
            let departments = try await stores.registry.fetchDepartments()
            guard departments.contains(where: { $0.code == department.uppercased() }) else {
                return .failure(
                    ImportFailure(code: "unknown_department", message: "部门 \(department) 未登记 / department \(department) is not registered")
                )
            }
            // The catalogue version in force today, as the server checks an upload: the shipped one or one loaded.
            let today = stores.clock.today()
            let catalogue = stores.catalogues.inForce(on: today)
            guard let fields = FileImport.fields(category: category, catalogue: catalogue) else { return .failure(.unknownCategory(category)) }
            let chosen: ColumnMapping?
            do {
                chosen = try given?.validated(fields: fields)
            } catch let failure as ImportFailure {
                return .failure(failure)
            }
            let saved = try await stores.imports.columnMapping(departmentCode: department.uppercased(), category: category)
            let mapping = chosen ?? saved?.mapping
            if mapping != nil {
                printError(
                    chosen != nil
                        ? "按 \(self.mapping ?? "") 的列对应读取 / columns read by the mapping given"
                        : "按本部门保存的列对应读取 / columns read by the department's saved mapping"
                )
            }
            let importer = FileImport.importer(
                category: category,
                departmentCode: department.uppercased(),
                catalogue: catalogue,
                registry: stores.registry,
                records: stores.records,
                listings: stores.listings,
                tables: .standard,
                today: today,
                source: "cli",
                mapping: mapping
            )
            let report: @Sendable (ImportSummary) async throws -> Void = { s in
                let percent = size > 0 ? Double(s.bytes) * 100 / Double(size) : 100
                printError(String(format: "\r已处理 %d 行，%.0f%% / %d rows, %.0f%%", s.rows, percent, s.rows, percent), terminator: "")
            }
            do {
                let head = FileHandle(forReadingAtPath: file).flatMap { try? $0.read(upToCount: 4) }.map(Array.init) ?? []
                if XLSXReader.looksLikeXLSX(head) {
                    return .success(try await FileImport.runWorkbook(importer, file: URL(fileURLWithPath: file), progress: report))
                }
                return .success(try await importer.run(FileChunks(path: file), encoding: FileEncoding(name: encoding) ?? .auto, progress: report))
            } catch let failure as ImportFailure {
                return .failure(failure)
            } catch let mismatch as HeaderMismatch {
                mismatched = (mismatch, fields, mapping)
                return .failure(mismatch.failure)
            } catch let error as any CreditError {
                return .failure(ImportFailure(code: error.code, message: error.message))
            }
        }
        switch outcome {
        case .success(let s):
            printError("")
            print("accepted \(s.accepted)\nupdated \(s.updated)\nunchanged \(s.unchanged)\nrejected \(s.rejected)")
            for line in Self.rejectionLines(s) + Self.warningLines(s) { printError(line) }
            printError(
                "共 \(s.rows) 行：新增 \(s.accepted)，更新 \(s.updated)，未变 \(s.unchanged)，退回 \(s.rejected) / "
                    + "\(s.rows) rows: \(s.accepted) accepted, \(s.updated) updated, \(s.unchanged) unchanged, \(s.rejected) rejected"
            )
        case .failure(let failure):
            printError("无法导入 / cannot import: \(failure.message)")
            if let (mismatch, fields, mapping) = mismatched {
                for line in Self.proposalLines(mismatch, fields: fields, saved: mapping) { printError(line) }
            }
            throw ExitCode(1)
        }
    }

    /// What each column of a refused header probably holds, and a mapping file to start from (`--mapping`).
    static func proposalLines(_ mismatch: HeaderMismatch, fields: [Catalogue.Field], saved: ColumnMapping?) -> [String] {
        let proposals = ColumnProposal.propose(columns: mismatch.columns, fields: fields, saved: saved)
        let why: [ColumnProposal.Basis: String] = [
            .saved: "已保存 / saved", .name: "名称相同 / same name", .fieldCode: "字段代码 / field code",
            .similar: "名称相近，请确认 / similar name: confirm", .none: "未找到 / nothing fits",
        ]
        var lines = ["各列的建议对应 / what each column probably holds:"]
        for p in proposals {
            let target = p.field.map { name in "\(name) \(fields.first { $0.name == name }?.label ?? "")" } ?? "—"
            lines.append("  \(p.column) → \(target)（\(why[p.basis] ?? p.basis.rawValue)）")
        }
        let entries = proposals.filter { $0.basis != .name && $0.basis != .fieldCode }.map { ColumnMapping.Entry(column: $0.column, field: $0.field) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if !entries.isEmpty, let json = try? encoder.encode(ColumnMapping(columns: entries)) {
            lines.append(
                "确认或改正后存为文件，用 --mapping 文件 重新导入（field 为 null 即忽略该列）/ check these, save them as a file and import again with --mapping FILE (a null field ignores the column):"
            )
            lines.append(String(decoding: json, as: UTF8.self))
        }
        return lines
    }

    /// The rows stored with a warning that the summary kept.
    static func warningLines(_ summary: ImportSummary) -> [String] {
        guard summary.warned > 0 else { return [] }
        return ["已入库但有警告的行 / rows stored with a warning:"] + problemLines(summary.firstWarnings, more: summary.warned - summary.firstWarnings.count)
    }

    /// The rejected rows the summary kept, each with every problem, and where to find the rest.
    static func rejectionLines(_ summary: ImportSummary) -> [String] {
        guard summary.rejected > 0 else { return [] }
        return ["退回的行 / rejected rows:"] + problemLines(summary.firstRejections, more: summary.rejected - summary.firstRejections.count) + [
            "退回的行都在本部门的退回队列中，可在 /rejections 页面更正 / every rejected row is in the department's rejection queue (page /rejections, GET /api/v1/rejections)"
        ]
    }

    /// Each problem of each row, by line, and how many rows are not shown.
    static func problemLines(_ rows: [RejectedRow], more: Int) -> [String] {
        var lines: [String] = []
        for row in rows {
            for problem in row.problems {
                let value = problem.value.map { " “\($0)”" } ?? ""
                let field = problem.field.isEmpty ? ":" : " \(problem.field)\(value):"
                lines.append("  第 \(row.line) 行 / line \(row.line)\(field) \(problem.message)")
            }
        }
        if more > 0 { lines.append("  …另有 \(more) 行 / \(more) more rows") }
        return lines
    }
}
