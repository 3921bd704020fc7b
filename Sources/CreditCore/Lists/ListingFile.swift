import Foundation

/// A file of listing decisions (列入决定), the same fields as `POST /api/v1/listings`, one decision per row.
extension ListingRequest {
    /// The category under which a listing file's job and its refused rows are kept (not a category of the catalogue).
    public static let category = "listing"

    public static let title = "列入名单决定"

    /// The columns of a listing file: the API names, with the Chinese column names departments use as aliases.
    public static let fileFields: [Catalogue.Field] = [
        .column("list", "名单代码", ["名单", "名单类型"], .text, required: true, help: "见 GET /api/v1/lists，如 tax-major-violation"),
        .column("subjectCode", "统一社会信用代码", ["主体代码"], .creditCode, required: false, help: "法人和其他组织填写"),
        .column("subjectIdNumber", "身份证号码", ["证件号码", "自然人身份证号码"], .idNumber, required: false, help: "自然人填写，同时填姓名"),
        .column("subjectName", "自然人姓名", ["姓名"], .text, required: false),
        .column("documentNumber", "列入决定文书号", ["决定文书号", "文书号"], .text, required: true),
        .column("reason", "列入事由", ["事由"], .text, required: true),
        .column("basis", "列入依据", ["依据"], .text, required: true),
        .column("startsOn", "列入日期", ["列入时间"], .date, required: true),
        .column("endsOn", "届满日期", ["移出日期", "有效期至"], .date, required: false, help: "不填按名单默认有效期"),
        .column("noticeServedOn", "告知送达日期", ["告知日期"], .date, required: true),
        .column("industries", "禁入行业", ["禁入行业代码"], .text, required: false, help: "禁入名单填写国民经济行业大类代码，以顿号分隔"),
    ]

    /// A decision given as flat texts (a file's row, a form): codes upper-cased, dates as files write them
    /// (2026/3/1, 2026年3月1日) read as days, industries split on 、，, or spaces.
    public init(flat fields: [String: String]) {
        func text(_ name: String) -> String? {
            fields[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        }
        func date(_ name: String) -> String? {
            text(name).map { RecordValidator.parseDate($0)?.description ?? $0 }
        }
        self.init(
            list: text("list"),
            subjectCode: text("subjectCode")?.uppercased(),
            subjectIdNumber: text("subjectIdNumber")?.uppercased(),
            subjectName: text("subjectName"),
            documentNumber: text("documentNumber"),
            reason: text("reason"),
            basis: text("basis"),
            startsOn: date("startsOn"),
            endsOn: date("endsOn"),
            noticeServedOn: date("noticeServedOn"),
            industries: text("industries").map { $0.split(whereSeparator: { ",，、; ".contains($0) }).map(String.init) }
        )
    }
}
