import CreditCore
import Foundation
import PostgresNIO
import SQLKit

/// One log entry joined with the stored data it records: what `credit verify` recomputes a leaf from.
struct VerificationRow: Sendable {
    var seq: Int
    var kind: String
    var subjectID: Int
    var version: Int
    var leafHash: String
    // An entity version.
    var code: String?
    var name: String?
    var entityKind: String?
    var status: String?
    var region: String?
    var division: String?
    var established: String?
    var recordedAt: String?
    var reason: String?
    var representativeHMAC: String?
    // A record version.
    var department: String?
    var category: String?
    var documentNumber: String?
    var recordStatus: String?
    var subjectCode: String?
    var personHMAC: String?
    var subjectName: String?
    var decidedOn: String?
    var severity: String?
    var content: String?
    var changeReason: String?
    var recordRecordedAt: String?
    // A listing version.
    var listingDocument: String?
    // A step of a repair or objection case.
    var caseAt: String?
    var caseActor: String?
    var caseAction: String?
    var caseReason: String?
    // A commitment version.
    var commitmentDocument: String?

    /// The leaf the stored data gives now, or nil when that data is gone.
    func leaf() -> Data? {
        switch kind {
        case TamperEvidentLog.entityVersionKind:
            guard let code, let name, let entityKind, let status, let region, let division, let established, let representativeHMAC,
                let recordedAt
            else { return nil }
            return TamperEvidentLog.entityVersionLeaf(
                code: code,
                version: version,
                name: name,
                kind: entityKind,
                status: status,
                region: region,
                division: division,
                established: established,
                representativeHMAC: representativeHMAC,
                recordedAt: recordedAt,
                reason: reason
            )
        case SQLRecordStore.versionKind:
            guard let department, let category, let documentNumber, let recordStatus, let subjectName, let decidedOn, let content,
                let recordRecordedAt
            else { return nil }
            return SQLRecordStore.versionLeaf(
                department: department,
                category: category,
                documentNumber: documentNumber,
                version: version,
                status: recordStatus,
                subject: subjectCode ?? personHMAC ?? "",
                subjectName: subjectName,
                decidedOn: decidedOn,
                severity: severity,
                content: content,
                changeReason: changeReason,
                recordedAt: recordRecordedAt
            )
        case SQLListingStore.versionKind:
            guard let listingDocument else { return nil }
            return SQLListingStore.versionLeaf(listingID: subjectID, version: version, document: listingDocument)
        case SQLCommitmentStore.versionKind:
            guard let commitmentDocument else { return nil }
            return SQLCommitmentStore.versionLeaf(id: subjectID, version: version, document: commitmentDocument)
        case CaseEvents.logKind(.repair), CaseEvents.logKind(.objection):
            guard let caseAt, let caseAction else { return nil }
            return CaseEvents.leaf(logKind: kind, id: subjectID, seq: version, at: caseAt, actor: caseActor, action: caseAction, reason: caseReason)
        default:
            return nil
        }
    }
}

extension TamperEvidentLog {
    /// The join `verify` reads, by sequence number; `AFTER` is replaced by the engine's placeholder.
    static let verificationSQL = """
        SELECT l.seq, l.kind, l.subject_id, l.version, l.leaf_hash, e.code, v.name, v.kind AS entity_kind, v.status, v.region_code,
        v.industry_division, v.established_on, v.recorded_at, v.reason, p.id_number_hmac,
        r.department_code, r.category, r.document_number, rv.status AS rv_status, rv.subject_code AS rv_subject_code,
        rp.id_number_hmac AS rv_person_hmac, rv.subject_name AS rv_subject_name, rv.decided_on AS rv_decided_on,
        rv.severity AS rv_severity, rv.content AS rv_content, rv.change_reason AS rv_change_reason, rv.recorded_at AS rv_recorded_at,
        lv.document AS lv_document, coalesce(re.at, oe.at) AS ce_at, coalesce(re.actor, oe.actor) AS ce_actor,
        coalesce(re.action, oe.action) AS ce_action, coalesce(re.reason, oe.reason) AS ce_reason, cv.document AS cv_document
        FROM log_entries l
        LEFT JOIN entity_versions v ON l.kind = 'entity-version' AND v.entity_id = l.subject_id AND v.version = l.version
        LEFT JOIN entities e ON e.id = v.entity_id LEFT JOIN persons p ON p.id = v.legal_rep_id
        LEFT JOIN record_versions rv ON l.kind = 'record-version' AND rv.record_id = l.subject_id AND rv.version = l.version
        LEFT JOIN records r ON r.id = rv.record_id LEFT JOIN persons rp ON rp.id = rv.subject_person_id
        LEFT JOIN listing_versions lv ON l.kind = 'listing-version' AND lv.listing_id = l.subject_id AND lv.version = l.version
        LEFT JOIN repair_events re ON l.kind = 'repair-event' AND re.case_id = l.subject_id AND re.seq = l.version
        LEFT JOIN objection_events oe ON l.kind = 'objection-event' AND oe.objection_id = l.subject_id AND oe.seq = l.version
        LEFT JOIN commitment_versions cv ON l.kind = 'commitment-version' AND cv.commitment_id = l.subject_id AND cv.version = l.version
        WHERE l.seq > AFTER ORDER BY l.seq LIMIT
        """

    /// A page of verification rows. On PostgreSQL the rows are decoded by position straight from PostgresNIO,
    /// which is several times faster than by column name through SQLKit, and the whole log is read this way.
    static func verificationPage(db: CreditDatabase, after seq: Int, pageSize: Int) async throws -> [VerificationRow] {
        let sqlText = verificationSQL + " " + String(pageSize)
        if let rows = try await db.withPostgresConnection({ connection -> [VerificationRow] in
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(seq)
            let query = PostgresQuery(unsafeSQL: sqlText.replacingOccurrences(of: "AFTER", with: "$1"), binds: bindings)
            var out: [VerificationRow] = []
            out.reserveCapacity(pageSize)
            for try await row in try await connection.query(query) {
                let (seq, kind, subject, version, leaf, code, name, entityKind, status, region, division, established, recordedAt) =
                    try row.decode((Int, String, Int, Int, String, String?, String?, String?, String?, String?, String?, String?, String?).self)
                let cells = try Array(row.dropFirst(13)).map { try $0.decode(String?.self) }
                out.append(
                    VerificationRow(
                        seq: seq,
                        kind: kind,
                        subjectID: subject,
                        version: version,
                        leafHash: leaf,
                        code: code,
                        name: name,
                        entityKind: entityKind,
                        status: status,
                        region: region,
                        division: division,
                        established: established,
                        recordedAt: recordedAt,
                        reason: cells[0],
                        representativeHMAC: cells[1],
                        department: cells[2],
                        category: cells[3],
                        documentNumber: cells[4],
                        recordStatus: cells[5],
                        subjectCode: cells[6],
                        personHMAC: cells[7],
                        subjectName: cells[8],
                        decidedOn: cells[9],
                        severity: cells[10],
                        content: cells[11],
                        changeReason: cells[12],
                        recordRecordedAt: cells[13],
                        listingDocument: cells[14],
                        caseAt: cells[15],
                        caseActor: cells[16],
                        caseAction: cells[17],
                        caseReason: cells[18],
                        commitmentDocument: cells[19]
                    )
                )
            }
            return out
        }) {
            return rows
        }
        return try await db.read { sql in
            try await sql.raw(SQLQueryString(sqlText.replacingOccurrences(of: "AFTER", with: String(seq)))).all().map { row in
                func text(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
                return VerificationRow(
                    seq: try row.decode(column: "seq", as: Int.self),
                    kind: try row.decode(column: "kind", as: String.self),
                    subjectID: try row.decode(column: "subject_id", as: Int.self),
                    version: try row.decode(column: "version", as: Int.self),
                    leafHash: try row.decode(column: "leaf_hash", as: String.self),
                    code: try text("code"),
                    name: try text("name"),
                    entityKind: try text("entity_kind"),
                    status: try text("status"),
                    region: try text("region_code"),
                    division: try text("industry_division"),
                    established: try text("established_on"),
                    recordedAt: try text("recorded_at"),
                    reason: try text("reason"),
                    representativeHMAC: try text("id_number_hmac"),
                    department: try text("department_code"),
                    category: try text("category"),
                    documentNumber: try text("document_number"),
                    recordStatus: try text("rv_status"),
                    subjectCode: try text("rv_subject_code"),
                    personHMAC: try text("rv_person_hmac"),
                    subjectName: try text("rv_subject_name"),
                    decidedOn: try text("rv_decided_on"),
                    severity: try text("rv_severity"),
                    content: try text("rv_content"),
                    changeReason: try text("rv_change_reason"),
                    recordRecordedAt: try text("rv_recorded_at"),
                    listingDocument: try text("lv_document"),
                    caseAt: try text("ce_at"),
                    caseActor: try text("ce_actor"),
                    caseAction: try text("ce_action"),
                    caseReason: try text("ce_reason"),
                    commitmentDocument: try text("cv_document")
                )
            }
        }
    }
}
