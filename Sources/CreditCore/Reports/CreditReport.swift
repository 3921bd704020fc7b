import Foundation

/// A special credit report (专项信用报告, 发改财金〔2025〕565号): what the platform holds about an entity for a period of at
/// most five years, in at least the four sections of 565号 — administrative penalties (simple procedure included),
/// administrative coercion, serious-dishonesty list entries, criminal judgments — plus commitments and their
/// fulfilment; repaired items marked 已修复, items under objection marked. It names the signed checkpoint of the
/// tamper-evident log it was made from and is signed by the platform, so that anyone shown it can check it.
public struct CreditReport: Sendable, Hashable, Codable {
    public struct Subject: Sendable, Hashable, Codable {
        public var code: String
        public var name: String

        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    public struct Period: Sendable, Hashable, Codable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// The log as it stood when the report was made: its size and the latest signed checkpoint.
    public struct DataVersion: Sendable, Hashable, Codable {
        public var logSize: Int
        public var checkpointSize: Int?
        public var checkpointRoot: String?
        public var checkpointTime: String?

        public init(logSize: Int, checkpoint: Checkpoint?) {
            self.logSize = logSize
            checkpointSize = checkpoint?.size
            checkpointRoot = checkpoint?.rootHash
            checkpointTime = checkpoint?.time
        }
    }

    public struct Item: Sendable, Hashable, Codable {
        public var reference: String
        public var authority: String
        public var date: String
        public var content: String
        /// 已修复, 异议处理中, 已履约 …; empty when none applies.
        public var marks: [String]

        public init(reference: String, authority: String, date: String, content: String, marks: [String]) {
            self.reference = reference
            self.authority = authority
            self.date = date
            self.content = content
            self.marks = marks
        }
    }

    public struct Section: Sendable, Hashable, Codable {
        public var code: String
        public var title: String
        public var items: [Item]
        /// "无" when the platform holds nothing for the section in the period.
        public var none: String?

        public init(code: String, title: String, items: [Item]) {
            self.code = code
            self.title = title
            self.items = items
            none = items.isEmpty ? "无" : nil
        }
    }

    public var number: String
    public var subject: Subject
    public var period: Period
    public var issuedAt: String
    public var issuedTo: String
    public var dataVersion: DataVersion
    public var sections: [Section]
    public var basis: String

    public init(
        number: String,
        subject: Subject,
        period: Period,
        issuedAt: String,
        issuedTo: String,
        dataVersion: DataVersion,
        sections: [Section],
        basis: String = ReportPlan.basis
    ) {
        self.number = number
        self.subject = subject
        self.period = period
        self.issuedAt = issuedAt
        self.issuedTo = issuedTo
        self.dataVersion = dataVersion
        self.sections = sections
        self.basis = basis
    }

    /// How many items the report holds, by section, as the verification page shows them.
    public var summary: [String: Int] { Dictionary(uniqueKeysWithValues: sections.map { ($0.code, $0.items.count) }) }
}

/// A report that cannot be made or read, with a stable code.
public typealias ReportError = AreaError<CreditReport>

/// What a report's sections are made of: the subject's records and list entries, and its commitments.
public struct ReportSnapshot: Sendable {
    public var records: [StoredRecord]
    public var listings: [(listing: Listing, listName: String)]
    public var commitments: [Commitment]
    public var commitmentNames: [String: String]

    public init(
        records: [StoredRecord],
        listings: [(listing: Listing, listName: String)],
        commitments: [Commitment],
        commitmentNames: [String: String]
    ) {
        self.records = records
        self.listings = listings
        self.commitments = commitments
        self.commitmentNames = commitmentNames
    }
}

/// The decisions about reports, made before anything is written.
public enum ReportPlan {
    public static let basis = "《国家发展改革委办公厅 中国人民银行办公厅关于进一步推进以专项信用报告替代无违法违规记录证明有关工作的通知》（发改财金〔2025〕565号）"

    /// The longest period a report covers (565号: five years).
    public static let maxYears = 5

    /// The period asked for, checked: both days given, `from` not after `to`, `to` not after today, at most five years.
    /// - Throws: ``ReportError`` `invalid_period`, `period_in_future`, `period_too_long`.
    public static func period(from: String?, to: String?, today: LocalDate) throws(ReportError) -> (from: LocalDate, to: LocalDate) {
        guard let from = from.flatMap({ LocalDate($0) }), let to = to.flatMap({ LocalDate($0) }), from <= to else {
            throw ReportError(code: "invalid_period", message: "请给出 from 和 to（YYYY-MM-DD，from 不晚于 to） / from and to are dates, from not after to")
        }
        guard to <= today else {
            throw ReportError(code: "period_in_future", message: "报告期不能晚于今天（\(today)） / the period cannot end after today (\(today))")
        }
        guard from >= to.adding(years: -maxYears).adding(days: 1) else {
            throw ReportError(code: "period_too_long", message: "报告期最长 \(maxYears) 年 / a report covers at most \(maxYears) years")
        }
        return (from, to)
    }

    /// The sections of a report on `snapshot` for the period: each item decided, entered or signed in it.
    public static func sections(_ snapshot: ReportSnapshot, from: LocalDate, to: LocalDate, today: LocalDate) -> [CreditReport.Section] {
        func within(_ day: LocalDate) -> Bool { from <= day && day <= to }
        func recordItems(_ category: String) -> [CreditReport.Item] {
            snapshot.records.filter { $0.category == category && $0.status != .revoked && within($0.decidedOn) }
                .sorted { ($0.decidedOn, $0.id) > ($1.decidedOn, $1.id) }
                .map { r in
                    var marks: [String] = []
                    if let repaired = r.repairedOn { marks.append("已修复（\(repaired)）") }
                    if r.underObjection { marks.append("异议处理中") }
                    if r.content["procedure"] == "simple" { marks.append("简易程序") }
                    return CreditReport.Item(
                        reference: r.documentNumber,
                        authority: r.departmentName,
                        date: r.decidedOn.description,
                        content: r.content["content"] ?? "",
                        marks: marks
                    )
                }
        }
        let listed = snapshot.listings.filter { within($0.listing.startsOn) }.sorted { $0.listing.startsOn > $1.listing.startsOn }.map { l in
            var marks: [String] = []
            switch l.listing.state(on: today) {
            case .removed: marks.append("已修复（提前移出 \(l.listing.endedOn?.description ?? "")）")
            case .revoked: marks.append("已撤销")
            case .expired: marks.append("已期满移出")
            case .active, .upcoming: break
            }
            if l.listing.underObjection { marks.append("异议处理中") }
            return CreditReport.Item(
                reference: l.listing.documentNumber,
                authority: l.listName,
                date: l.listing.startsOn.description,
                content: l.listing.reason,
                marks: marks
            )
        }
        let commitments = snapshot.commitments.compactMap { c -> CreditReport.Item? in
            guard let signed = LocalDate(shanghaiDayOf: c.signedAt), within(signed) else { return nil }
            let state = c.outcome?.label ?? (c.verifyBy == nil ? "公开承诺" : "待核查")
            return CreditReport.Item(
                reference: "承诺 \(c.id)",
                authority: snapshot.commitmentNames[c.item] ?? c.item,
                date: signed.description,
                content: c.type.label,
                marks: [state]
            )
        }
        return [
            CreditReport.Section(code: "penalty", title: "行政处罚信息（含简易程序）", items: recordItems("penalty")),
            CreditReport.Section(code: "coercion", title: "行政强制信息", items: recordItems("coercion")),
            CreditReport.Section(code: "serious-dishonesty", title: "严重失信主体名单信息", items: listed),
            CreditReport.Section(code: "criminal", title: "刑事裁判信息", items: []),
            CreditReport.Section(code: "commitments", title: "信用承诺及履约情况", items: commitments),
        ]
    }

    /// A report number: `XYBG` (信用报告), the issue day, and the report's sequence, six digits.
    public static func number(sequence: Int, on day: LocalDate) -> String {
        "XYBG" + day.description.replacingOccurrences(of: "-", with: "") + String(format: "%06d", sequence)
    }

    /// Whether `text` has the shape of a report number (a forged one of another shape is refused before any lookup).
    public static func isNumber(_ text: String) -> Bool {
        text.count == 18 && text.hasPrefix("XYBG") && text.dropFirst(4).allSatisfy(\.isASCII) && text.dropFirst(4).allSatisfy(\.isNumber)
    }
}

/// What a verification says about a report shown to someone: genuine and unchanged, with its summary.
public struct ReportVerification: Sendable, Hashable, Codable {
    public var valid: Bool
    public var number: String
    public var subjectName: String?
    public var issuedAt: String?
    public var period: CreditReport.Period?
    public var summary: [String: Int]?
    /// Why it is not valid (not issued here, changed, signature wrong).
    public var problems: [String]

    public init(
        valid: Bool,
        number: String,
        subjectName: String?,
        issuedAt: String?,
        period: CreditReport.Period?,
        summary: [String: Int]?,
        problems: [String]
    ) {
        self.valid = valid
        self.number = number
        self.subjectName = subjectName
        self.issuedAt = issuedAt
        self.period = period
        self.summary = summary
        self.problems = problems
    }
}

/// A report as issued: the document, its SHA-256 over canonical JSON, and the platform's Ed25519 signature of it.
public struct IssuedReport: Sendable, Hashable, Codable {
    public var report: CreditReport
    public var digest: String
    public var signature: String
    public var keyId: String

    public init(report: CreditReport, digest: String, signature: String, keyId: String) {
        self.report = report
        self.digest = digest
        self.signature = signature
        self.keyId = keyId
    }
}

/// Special credit reports: made from the subject's file, signed and kept; verified by number or by a copy. Implemented
/// by `CreditStore`.
public protocol ReportStore: Sendable {
    /// Makes and keeps a report on the entity `subjectCode` for the period, for `issuedTo` (who asked).
    /// - Throws: ``ReportError`` — the codes of ``ReportPlan/period(from:to:today:)``, `subject_not_found`.
    func issue(subjectCode: String, from: String?, to: String?, issuedTo: String) async throws -> IssuedReport
    func report(number: String) async throws -> IssuedReport?
    /// The reports on an entity, newest first.
    func reports(subjectCode: String, limit: Int) async throws -> [IssuedReport]
    /// Whether `number` was issued here and, given `copy`, whether that copy is the report unchanged.
    func verify(number: String, copy: CreditReport?) async throws -> ReportVerification
}
