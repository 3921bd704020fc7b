import CreditCore
import Crypto
import Foundation
import SQLKit

/// Commitments in `commitments`, each version (signed, verified) a document in `commitment_versions` and a
/// `commitment-version` leaf of the tamper-evident log; gate answers with their receipts in `commitment_checks`.
public struct SQLCommitmentStore: CommitmentStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let calendars: CalendarSource
    let catalogues: CatalogueVersions
    let records: SQLRecordStore
    let listings: SQLListingStore
    let listTypes: any ListTypeStore
    let signer: CheckpointSigner
    let shipped: CommitmentItems

    public init(
        database: CreditDatabase,
        clock: any CreditClock,
        calendars: CalendarSource,
        catalogues: CatalogueVersions,
        records: SQLRecordStore,
        listings: SQLListingStore,
        listTypes: any ListTypeStore,
        signer: CheckpointSigner,
        items: CommitmentItems = .shipped
    ) {
        self.db = database
        self.clock = clock
        self.calendars = calendars
        self.catalogues = catalogues
        self.records = records
        self.listings = listings
        self.listTypes = listTypes
        self.signer = signer
        self.shipped = items
    }

    var versions: VersionedDocuments { VersionedDocuments(db: db, table: "commitment_item_versions", clock: clock) }

    public func items() async throws -> CommitmentItems {
        CommitmentItems.inForce([shipped] + (try await versions.all(CommitmentItems.self)), on: clock.today())
    }

    public func loadItems(_ items: CommitmentItems, loadedBy: String?) async throws {
        let problems = items.problems()
        guard problems.isEmpty else {
            throw CommitmentError(code: "invalid_commitment_items", message: problems.joined(separator: "；"))
        }
        try await versions.insert(
            items,
            version: items.version,
            effectiveFrom: items.effectiveFrom,
            loadedBy: loadedBy,
            shipped: shipped.version,
            exists: CommitmentError(
                code: "commitment_items_version_exists",
                message: "承诺事项清单版本 \(items.version) 已存在，版本不可改写 / version \(items.version) exists; versions are never rewritten"
            )
        )
    }

    static let versionKind = "commitment-version"

    /// What the gate reads about an entity today: its adverse records in public view, its list entries in force.
    func snapshot(_ code: CreditCode, today: LocalDate) async throws -> GateSnapshot {
        let catalogue = catalogues.inForce(on: today)
        let adverse = try await records.publicRecords(subjectCode: code.rawValue, on: today).filter {
            catalogue.category($0.category)?.adverse == true
        }
        let types = try await listTypes.versions().inForce(on: today)
        let entries = try await listings.links(for: .entity(code), on: today).listings.compactMap { l -> GateSnapshot.Entry? in
            guard l.isActive(on: today), let type = types.type(l.list) else { return nil }
            return GateSnapshot.Entry(id: l.id ?? l.recordID ?? 0, kind: type.kind, listName: type.name)
        }
        return GateSnapshot(
            records: adverse.map { GateSnapshot.Record(id: $0.id, category: $0.category, severity: $0.severity, documentNumber: $0.documentNumber) },
            entries: entries
        )
    }

    public func eligibility(code: CreditCode, item: String, checker: String) async throws -> GateAnswer {
        let list = try await items()
        guard let found = list.item(item) else {
            throw CommitmentError(code: "unknown_item", message: "承诺事项 \(item.prefix(60)) 不在清单中 / no commitment item \(item.prefix(60))")
        }
        let today = clock.today()
        let reasons = CommitmentPlan.refusals(found, snapshot: try await snapshot(code, today: today), rule: list.gate)
        let name = try await db.read { sql in
            try await sql.raw("SELECT name FROM entities WHERE code = \(bind: code.rawValue)").first()?.decode(column: "name", as: String.self)
        }
        struct Answer: Encodable {
            var subjectCode: String
            var item: String
            var eligible: Bool
            var reasons: [GateReason]
            var ruleVersion: String
        }
        let answer = Answer(subjectCode: code.rawValue, item: item, eligible: reasons.isEmpty, reasons: reasons, ruleVersion: list.gate.version)
        let document = try CanonicalJSON.text(answer)
        let digest = Hex.encode(SHA256.hash(data: Data(document.utf8)))
        let unsigned = GateAnswer.Receipt(
            checkId: CreditCheck.newID(),
            issuedAt: Timestamp.string(clock.now()),
            checker: checker,
            answerDigest: digest,
            signature: "",
            keyId: signer.keyID
        )
        let receipt = GateAnswer.Receipt(
            checkId: unsigned.checkId,
            issuedAt: unsigned.issuedAt,
            checker: checker,
            answerDigest: digest,
            signature: Data(try signer.privateKey.signature(for: Data(unsigned.signedText.utf8))).base64EncodedString(),
            keyId: signer.keyID
        )
        try await db.transaction { sql in
            try await sql.insert(into: "commitment_checks")
                .columns("id", "subject_code", "item", "eligible", "answer", "answer_digest", "signature", "key_id", "checker", "issued_at")
                .values(
                    SQLBind(receipt.checkId),
                    SQLBind(code.rawValue),
                    SQLBind(item),
                    SQLBind(reasons.isEmpty ? 1 : 0),
                    SQLBind(document),
                    SQLBind(digest),
                    SQLBind(receipt.signature),
                    SQLBind(receipt.keyId),
                    SQLBind(checker),
                    SQLBind(receipt.issuedAt)
                ).run()
        }
        return GateAnswer(
            subjectCode: code.rawValue,
            subjectName: name,
            item: item,
            eligible: reasons.isEmpty,
            reasons: reasons,
            ruleVersion: list.gate.version,
            receipt: receipt
        )
    }

    public func sign(
        _ request: CommitmentRequest,
        subjectCode: String,
        signedBy: String,
        onBehalfOf departmentCode: String?
    ) async throws -> Commitment {
        let today = clock.today()
        let code: CreditCode
        do { code = try CreditCode(validating: subjectCode) } catch {
            throw CommitmentError(code: "invalid_code", message: "统一社会信用代码有误：\(error.message) / invalid credit code")
        }
        let (name, departments) = try await db.read { sql in
            (
                try await sql.raw("SELECT name FROM entities WHERE code = \(bind: code.rawValue)").first()?.decode(column: "name", as: String.self),
                try await sql.raw("SELECT code, name FROM departments ORDER BY code").all().map {
                    (code: try $0.decode(column: "code", as: String.self), name: try $0.decode(column: "name", as: String.self))
                }
            )
        }
        guard let name else {
            throw CommitmentError(code: "subject_not_found", message: "登记中没有主体 \(code.rawValue) / no registered entity \(code.rawValue)")
        }
        let list = try await items()
        let rendered = try CommitmentPlan.render(request, items: list, subjectCode: code.rawValue, subjectName: name, today: today)
        let item = rendered.item
        let department: String
        if let departmentCode {
            guard let own = departments.first(where: { $0.code == departmentCode }), item.isOwned(by: own.name) else {
                throw CommitmentError(code: "not_item_department", message: "该承诺事项不属于本部门 / the item is not this department's")
            }
            department = departmentCode
        } else {
            guard let owner = departments.first(where: { item.isOwned(by: $0.name) }) else {
                throw CommitmentError(code: "unknown_item", message: "没有受理事项 \(item.code) 的部门 / no department accepts \(item.code)")
            }
            department = owner.code
        }
        let reasons = CommitmentPlan.refusals(item, snapshot: try await snapshot(code, today: today), rule: list.gate)
        guard reasons.isEmpty else {
            throw CommitmentError(
                code: "not_eligible",
                message: "不适用告知承诺：" + reasons.map(\.message).joined(separator: "；") + " / not eligible for a commitment in place of proof"
            )
        }
        let signedAt = Timestamp.string(clock.now())
        let textHash = Hex.encode(SHA256.hash(data: Data(rendered.text.utf8)))
        let verifyBy = CommitmentPlan.verifyBy(item, signedOn: today, calendar: calendars.current)
        let id = try await db.transaction { sql -> Int in
            let row = try await sql.insert(into: "commitments")
                .columns(
                    "item",
                    "type",
                    "department_code",
                    "subject_code",
                    "subject_name",
                    "template_version",
                    "items_version",
                    "fields",
                    "text",
                    "text_hash",
                    "signed_by",
                    "on_behalf",
                    "signed_at",
                    "countersignature",
                    "key_id",
                    "verify_by"
                )
                .values(
                    SQLBind(item.code),
                    SQLBind(item.type.rawValue),
                    SQLBind(department),
                    SQLBind(code.rawValue),
                    SQLBind(name),
                    SQLBind(rendered.template.version),
                    SQLBind(list.version),
                    SQLBind(try CanonicalJSON.text(rendered.fields)),
                    SQLBind(rendered.text),
                    SQLBind(textHash),
                    SQLBind(signedBy),
                    SQLBind(departmentCode == nil ? 0 : 1),
                    SQLBind(signedAt),
                    SQLBind(""),
                    SQLBind(signer.keyID),
                    SQLBind(verifyBy?.description)
                )
                .returning("id").first()
            let id = try row!.decode(column: "id", as: Int.self)
            // The countersignature covers the number the row was given.
            let signed = Commitment.countersigned(
                id: id,
                item: item.code,
                subjectCode: code.rawValue,
                templateVersion: rendered.template.version,
                textHash: textHash,
                signedAt: signedAt
            )
            let countersignature = Data(try signer.privateKey.signature(for: signed)).base64EncodedString()
            try await sql.update("commitments").set("countersignature", to: SQLBind(countersignature)).where("id", .equal, SQLBind(id)).run()
            try await Self.writeVersion(id: id, version: 1, sql: sql, now: signedAt)
            return id
        }
        guard let stored = try await commitment(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func verify(id: Int, _ outcome: Commitment.Outcome, reason: String, departmentCode: String, by: String?) async throws -> Commitment {
        guard let current = try await commitment(id: id) else { throw Self.notFound(id) }
        let reason = try CommitmentPlan.verification(outcome, reason: reason, on: current, departmentCode: departmentCode)
        let today = clock.today()
        var breachRecord: Int?
        let list = try await items()
        if outcome.isBreach, let item = list.item(current.item) {
            // The record goes first, through the record path: sent again after a failure below, it is found, not doubled.
            let submission = CommitmentPlan.breachRecord(
                current,
                outcome: outcome,
                reason: reason,
                item: item,
                on: today,
                category: list.gate.breachCategory
            )
            let catalogue = catalogues.inForce(on: today)
            let submitted = try await records.submit(
                departmentCode: current.departmentCode,
                items: [
                    SubmissionItem(
                        index: 0,
                        outcome: RecordValidator.validate(submission, catalogue: catalogue, today: today),
                        original: "commitment \(id)",
                        fields: submission.fields,
                        category: submission.category
                    )
                ],
                source: "commitment"
            )
            guard let result = submitted.first, let stored = result.id else {
                throw CommitmentError(
                    code: "breach_not_recorded",
                    message: "失信信息未能记录：\(submitted.first?.problems.map(\.message).joined(separator: "；") ?? "") / the breach could not be recorded"
                )
            }
            breachRecord = stored
        }
        let recordID = breachRecord
        let now = Timestamp.string(clock.now())
        do {
            try await db.transaction { sql in
                try await sql.raw(
                    """
                    UPDATE commitments SET outcome = \(bind: outcome.rawValue), verified_on = \(bind: today.description), verified_by = \(bind: by),
                    reason = \(bind: reason), record_id = \(bind: recordID) WHERE id = \(bind: id) AND outcome IS NULL
                    """
                ).run()
                // A second verification at the same moment finds version 2 written: its key refuses it.
                try await Self.writeVersion(id: id, version: 2, sql: sql, now: now)
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw CommitmentError(code: "already_verified", message: "该承诺已核查 / this commitment was verified already")
        }
        guard let stored = try await commitment(id: id) else { throw Self.notFound(id) }
        return stored
    }

    public func commitment(id: Int) async throws -> Commitment? {
        try await db.read { sql in try await Self.commitments(where: "id = \(bind: id)", limit: 1, sql: sql).first }
    }

    public func commitments(subjectCode: String?, departmentCode: String?, limit: Int) async throws -> [Commitment] {
        try await db.read { sql in
            try await Self.commitments(where: .owned(subjectCode: subjectCode, departmentCode: departmentCode), limit: limit, sql: sql)
        }
    }

    static let columns = """
        id, item, type, department_code, subject_code, subject_name, template_version, items_version, fields, text, text_hash, signed_by,
        on_behalf, signed_at, countersignature, key_id, verify_by, outcome, verified_on, verified_by, reason, record_id
        """

    static func commitments(where filter: SQLQueryString, limit: Int, sql: any SQLDatabase) async throws -> [Commitment] {
        try await sql.raw(
            "SELECT \(unsafeRaw: columns) FROM commitments WHERE \(filter) ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))"
        ).all().map { row in
            func text(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
            func optional(_ c: String) throws -> String? { try row.decode(column: c, as: String?.self) }
            return Commitment(
                id: try row.decode(column: "id", as: Int.self),
                item: try text("item"),
                type: CommitmentItem.Kind(rawValue: try text("type")) ?? .approvalSubstitute,
                departmentCode: try text("department_code"),
                subjectCode: try text("subject_code"),
                subjectName: try text("subject_name"),
                templateVersion: try text("template_version"),
                itemsVersion: try text("items_version"),
                fields: (try? JSONDecoder().decode([String: String].self, from: Data(try text("fields").utf8))) ?? [:],
                text: try text("text"),
                textHash: try text("text_hash"),
                signedBy: try text("signed_by"),
                onBehalf: try row.decode(column: "on_behalf", as: Int.self) == 1,
                signedAt: try text("signed_at"),
                countersignature: try text("countersignature"),
                keyId: try text("key_id"),
                verifyBy: try optional("verify_by").flatMap { LocalDate($0) },
                outcome: try optional("outcome").flatMap(Commitment.Outcome.init(rawValue:)),
                verifiedOn: try optional("verified_on").flatMap { LocalDate($0) },
                verifiedBy: try optional("verified_by"),
                reason: try optional("reason"),
                recordId: try row.decode(column: "record_id", as: Int?.self)
            )
        }
    }

    /// The version document of a commitment as it stands now: what the log's leaf for that version hashes.
    static func document(id: Int, sql: any SQLDatabase) async throws -> String {
        guard let c = try await commitments(where: "id = \(bind: id)", limit: 1, sql: sql).first else { throw notFound(id) }
        return versionDocument(c)
    }

    static func versionDocument(_ c: Commitment) -> String {
        String(
            decoding: TamperEvidentLog.canonicalJSON([
                String(c.id), c.item, c.subjectCode, c.departmentCode, c.templateVersion, c.textHash, c.signedBy, c.signedAt, c.countersignature,
                c.verifyBy?.description ?? "", c.outcome?.rawValue ?? "", c.verifiedOn?.description ?? "", c.verifiedBy ?? "", c.reason ?? "",
                c.recordId.map(String.init) ?? "",
            ]),
            as: UTF8.self
        )
    }

    /// The bytes the log hashes for a version.
    static func versionLeaf(id: Int, version: Int, document: String) -> Data {
        Data(TamperEvidentLog.canonicalJSON([versionKind, String(id), String(version), document]))
    }

    /// Writes the commitment's current state as version `version` and its log entry, in the transaction of `sql`.
    static func writeVersion(id: Int, version: Int, sql: any SQLDatabase, now: String) async throws {
        let document = try await document(id: id, sql: sql)
        try await sql.insert(into: "commitment_versions").columns("commitment_id", "version", "document", "recorded_at")
            .values(SQLBind(id), SQLBind(version), SQLBind(document), SQLBind(now)).run()
        try await WriterLock.log.take(sql)
        try await sql.insert(into: "log_entries").columns(TamperEvidentLog.logColumns)
            .values(
                SQLBind(versionKind),
                SQLBind(id),
                SQLBind(version),
                SQLBind(MerkleTree.hex(MerkleTree.leafHash(versionLeaf(id: id, version: version, document: document)))),
                SQLBind(now)
            ).run()
    }

    static func notFound(_ id: Int) -> CommitmentError {
        CommitmentError(code: "commitment_not_found", message: "没有编号为 \(id) 的承诺 / no commitment \(id)")
    }
}
