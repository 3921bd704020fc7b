import CreditCore
import Crypto
import Foundation
import SQLKit

/// Special credit reports in `credit_reports`: the document as canonical JSON, its SHA-256 and the platform's Ed25519
/// signature over that digest; made from the subject's records, list entries and commitments as they stand.
public struct SQLReportStore: ReportStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let records: SQLRecordStore
    let listings: SQLListingStore
    let listTypes: any ListTypeStore
    let commitments: any CommitmentStore
    let log: any CreditLog
    let signer: CheckpointSigner

    public init(
        database: CreditDatabase,
        clock: any CreditClock,
        records: SQLRecordStore,
        listings: SQLListingStore,
        listTypes: any ListTypeStore,
        commitments: any CommitmentStore,
        log: any CreditLog,
        signer: CheckpointSigner
    ) {
        self.db = database
        self.clock = clock
        self.records = records
        self.listings = listings
        self.listTypes = listTypes
        self.commitments = commitments
        self.log = log
        self.signer = signer
    }

    public func issue(subjectCode: String, from: String?, to: String?, issuedTo: String) async throws -> IssuedReport {
        let today = clock.today()
        let period = try ReportPlan.period(from: from, to: to, today: today)
        guard let code = try? CreditCode(validating: subjectCode),
            let name = try await db.read({ sql in
                try await sql.raw("SELECT name FROM entities WHERE code = \(bind: code.rawValue)").first()?.decode(column: "name", as: String.self)
            })
        else {
            throw ReportError(code: "subject_not_found", message: "登记中没有主体 \(subjectCode.prefix(18)) / no registered entity")
        }
        let types = try await listTypes.versions().inForce(on: today)
        // Every entry of the entity on a serious-dishonesty list, ended or not (the report says how each ended).
        let entries = try await listings.links(for: .entity(code), on: today).listings.compactMap { l -> (listing: Listing, listName: String)? in
            guard let type = types.type(l.list), type.kind == .black else { return nil }
            return (l, type.name)
        }
        let snapshot = ReportSnapshot(
            records: try await records.subjectRecords(subjectCode: code.rawValue, limit: 1000),
            listings: entries,
            commitments: try await commitments.commitments(subjectCode: code.rawValue, departmentCode: nil, limit: 500),
            commitmentNames: Dictionary(uniqueKeysWithValues: try await commitments.items().items.map { ($0.code, $0.name) })
        )
        let sections = ReportPlan.sections(snapshot, from: period.from, to: period.to, today: today)
        let dataVersion = CreditReport.DataVersion(logSize: try await log.size(), checkpoint: try await log.latestCheckpoint())
        let issuedAt = Timestamp.string(clock.now())
        let number = try await db.transaction { sql -> String in
            let sequence =
                try await sql.raw("SELECT count(*) AS n FROM credit_reports WHERE issued_on = \(bind: today.description)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let number = ReportPlan.number(sequence: sequence + 1, on: today)
            let report = CreditReport(
                number: number,
                subject: .init(code: code.rawValue, name: name),
                period: .init(from: period.from.description, to: period.to.description),
                issuedAt: issuedAt,
                issuedTo: issuedTo,
                dataVersion: dataVersion,
                sections: sections
            )
            let (document, digest, signature) = try sign(report)
            try await sql.insert(into: "credit_reports")
                .columns("number", "subject_code", "issued_on", "issued_at", "issued_to", "document", "digest", "signature", "key_id")
                .values(
                    SQLBind(number),
                    SQLBind(code.rawValue),
                    SQLBind(today.description),
                    SQLBind(issuedAt),
                    SQLBind(issuedTo),
                    SQLBind(document),
                    SQLBind(digest),
                    SQLBind(signature),
                    SQLBind(signer.keyID)
                ).run()
            return number
        }
        guard let issued = try await report(number: number) else { throw Self.notFound(number) }
        return issued
    }

    /// The canonical JSON of a report, its SHA-256 and the signature over `credit-platform report v1\n{number}\n{digest}\n`.
    func sign(_ report: CreditReport) throws -> (document: String, digest: String, signature: String) {
        let document = try CanonicalJSON.text(report)
        let digest = Hex.encode(SHA256.hash(data: Data(document.utf8)))
        let signature = Data(try signer.privateKey.signature(for: Self.signed(number: report.number, digest: digest))).base64EncodedString()
        return (document, digest, signature)
    }

    static func signed(number: String, digest: String) -> Data { Data("credit-platform report v1\n\(number)\n\(digest)\n".utf8) }

    public func report(number: String) async throws -> IssuedReport? {
        guard ReportPlan.isNumber(number) else { return nil }
        return try await db.read { sql in try await Self.reports(where: "number = \(bind: number)", limit: 1, sql: sql).first }
    }

    public func reports(subjectCode: String, limit: Int) async throws -> [IssuedReport] {
        try await db.read { sql in try await Self.reports(where: "subject_code = \(bind: subjectCode)", limit: limit, sql: sql) }
    }

    public func verify(number: String, copy: CreditReport?) async throws -> ReportVerification {
        guard let issued = try await report(number: number) else {
            return ReportVerification(
                valid: false,
                number: String(number.prefix(40)),
                subjectName: nil,
                issuedAt: nil,
                period: nil,
                summary: nil,
                problems: ["本平台没有签发该编号的报告 / no report with this number was issued here"]
            )
        }
        var problems: [String] = []
        let stored = try CanonicalJSON.text(issued.report)
        if Hex.encode(SHA256.hash(data: Data(stored.utf8))) != issued.digest {
            problems.append("平台保存的报告与签发时不一致 / the stored report no longer matches its digest")
        }
        if !signer.privateKey.publicKey.isValidSignature(
            Data(base64Encoded: issued.signature) ?? Data(),
            for: Self.signed(number: number, digest: issued.digest)
        ) {
            problems.append("签名无效 / the signature is not valid")
        }
        if let copy, try CanonicalJSON.text(copy) != stored {
            problems.append("所提交的报告与签发的报告不一致，已被改动 / the copy shown differs from the report issued")
        }
        return ReportVerification(
            valid: problems.isEmpty,
            number: number,
            subjectName: issued.report.subject.name,
            issuedAt: issued.report.issuedAt,
            period: issued.report.period,
            summary: issued.report.summary,
            problems: problems
        )
    }

    static func reports(where filter: SQLQueryString, limit: Int, sql: any SQLDatabase) async throws -> [IssuedReport] {
        try await sql.raw(
            """
            SELECT document, digest, signature, key_id FROM credit_reports WHERE \(filter)
            ORDER BY issued_at DESC, number DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 200))))
            """
        ).all().map { row in
            IssuedReport(
                report: try JSONDecoder().decode(CreditReport.self, from: Data(try row.decode(column: "document", as: String.self).utf8)),
                digest: try row.decode(column: "digest", as: String.self),
                signature: try row.decode(column: "signature", as: String.self),
                keyId: try row.decode(column: "key_id", as: String.self)
            )
        }
    }

    static func notFound(_ number: String) -> ReportError {
        ReportError(code: "report_not_found", message: "没有编号为 \(number.prefix(40)) 的报告 / no such report")
    }
}
