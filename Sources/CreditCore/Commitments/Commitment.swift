import Foundation

/// A signed credit commitment (信用承诺书): the rendered text and its SHA-256, who signed it for whom, the template
/// version, the platform's countersignature, and its verification (履约核查) once the department has checked it.
public struct Commitment: Sendable, Hashable, Codable {
    /// What the department found when it verified the commitment.
    public enum Outcome: String, Sendable, Codable, Hashable, CaseIterable {
        /// 已履约: what was promised is so.
        case fulfilled
        /// 未履约: not done by the date promised.
        case notFulfilled = "not-fulfilled"
        /// 虚假承诺: what was promised was false.
        case `false`

        public var label: String {
            switch self {
            case .fulfilled: "已履约"
            case .notFulfilled: "未履约"
            case .false: "虚假承诺"
            }
        }

        /// A broken or false commitment goes into the subject's credit file.
        public var isBreach: Bool { self != .fulfilled }
    }

    public var id: Int
    public var item: String
    public var type: CommitmentItem.Kind
    public var departmentCode: String
    public var subjectCode: String
    public var subjectName: String
    public var templateVersion: String
    public var itemsVersion: String
    public var fields: [String: String]
    public var text: String
    /// SHA-256 of ``text`` as UTF-8, hexadecimal.
    public var textHash: String
    /// The account that signed (the entity's, or a department's at a window on the applicant's behalf).
    public var signedBy: String
    public var onBehalf: Bool
    public var signedAt: String
    /// The platform's Ed25519 countersignature over ``countersigned``, BASE64, and its key.
    public var countersignature: String
    public var keyId: String
    /// The last day the department should verify it; nil when nobody verifies it at a date.
    public var verifyBy: LocalDate?
    public var outcome: Outcome?
    public var verifiedOn: LocalDate?
    public var verifiedBy: String?
    public var reason: String?
    /// The adverse record a breach produced in the subject's file.
    public var recordId: Int?

    public var isPublic: Bool { type.isPublic }

    /// Whether its verification is past due on `day` (not yet verified, and `day` is after ``verifyBy``).
    public func isOverdue(on day: LocalDate) -> Bool { outcome == nil && verifyBy.map { day > $0 } == true }

    /// The bytes the platform countersigns: the commitment's number, item, subject, template version, text hash and time.
    public var countersigned: Data {
        Self.countersigned(id: id, item: item, subjectCode: subjectCode, templateVersion: templateVersion, textHash: textHash, signedAt: signedAt)
    }

    public static func countersigned(id: Int, item: String, subjectCode: String, templateVersion: String, textHash: String, signedAt: String) -> Data
    {
        Data("credit-platform commitment v1\n\(id)\n\(item)\n\(subjectCode)\n\(templateVersion)\n\(textHash)\n\(signedAt)\n".utf8)
    }

    public init(
        id: Int,
        item: String,
        type: CommitmentItem.Kind,
        departmentCode: String,
        subjectCode: String,
        subjectName: String,
        templateVersion: String,
        itemsVersion: String,
        fields: [String: String],
        text: String,
        textHash: String,
        signedBy: String,
        onBehalf: Bool,
        signedAt: String,
        countersignature: String,
        keyId: String,
        verifyBy: LocalDate?,
        outcome: Outcome? = nil,
        verifiedOn: LocalDate? = nil,
        verifiedBy: String? = nil,
        reason: String? = nil,
        recordId: Int? = nil
    ) {
        self.id = id
        self.item = item
        self.type = type
        self.departmentCode = departmentCode
        self.subjectCode = subjectCode
        self.subjectName = subjectName
        self.templateVersion = templateVersion
        self.itemsVersion = itemsVersion
        self.fields = fields
        self.text = text
        self.textHash = textHash
        self.signedBy = signedBy
        self.onBehalf = onBehalf
        self.signedAt = signedAt
        self.countersignature = countersignature
        self.keyId = keyId
        self.verifyBy = verifyBy
        self.outcome = outcome
        self.verifiedOn = verifiedOn
        self.verifiedBy = verifiedBy
        self.reason = reason
        self.recordId = recordId
    }
}

/// A commitment that cannot be made or verified, with a stable code.
public typealias CommitmentError = AreaError<Commitment>

/// What an entity asks to sign: an item, the template version it read, and its fields.
public struct CommitmentRequest: Sendable, Hashable, Codable {
    public var item: String
    public var templateVersion: String
    public var fields: [String: String]

    public init(item: String, templateVersion: String, fields: [String: String]) {
        self.item = item
        self.templateVersion = templateVersion
        self.fields = fields
    }
}

/// Why the 告知承诺 gate refuses a subject: the rule's code, a message, and the record or entry behind it.
public struct GateReason: Sendable, Hashable, Codable {
    public var code: String
    public var message: String
    public var recordId: Int?
    public var listingId: Int?

    public init(code: String, message: String, recordId: Int? = nil, listingId: Int? = nil) {
        self.code = code
        self.message = message
        self.recordId = recordId
        self.listingId = listingId
    }
}

/// What the gate reads about a subject: its adverse records in public view and its list entries in force.
public struct GateSnapshot: Sendable, Hashable {
    public struct Record: Sendable, Hashable {
        public var id: Int
        public var category: String
        public var severity: Severity?
        public var documentNumber: String

        public init(id: Int, category: String, severity: Severity?, documentNumber: String) {
            self.id = id
            self.category = category
            self.severity = severity
            self.documentNumber = documentNumber
        }
    }

    public struct Entry: Sendable, Hashable {
        public var id: Int
        public var kind: ListType.Kind
        public var listName: String

        public init(id: Int, kind: ListType.Kind, listName: String) {
            self.id = id
            self.kind = kind
            self.listName = listName
        }
    }

    public var records: [Record]
    public var entries: [Entry]

    public init(records: [Record], entries: [Entry]) {
        self.records = records
        self.entries = entries
    }
}

/// The decisions about commitments, made before anything is written.
public enum CommitmentPlan {
    /// Why `item` is refused to the subject `snapshot` describes (empty: eligible). Only 告知承诺 and 容缺受理 are gated;
    /// each reason names the record or entry behind it (国办发〔2020〕42号).
    public static func refusals(_ item: CommitmentItem, snapshot: GateSnapshot, rule: CommitmentItems.GateRule) -> [GateReason] {
        guard item.type.isGated else { return [] }
        var reasons: [GateReason] = []
        for entry in snapshot.entries where rule.refuseListKinds.contains(entry.kind) {
            reasons.append(
                GateReason(
                    code: "serious_dishonesty_listing",
                    message: "列入\(entry.listName)（列入 \(entry.id)），在移出前不适用告知承诺 / on a serious-dishonesty list until removed",
                    listingId: entry.id
                )
            )
        }
        for record in snapshot.records {
            if record.category == rule.breachCategory {
                reasons.append(
                    GateReason(
                        code: "commitment_breach_unrepaired",
                        message: "曾作出虚假承诺或未履行承诺（\(record.documentNumber)），信用修复前不适用告知承诺 / a broken commitment not yet repaired",
                        recordId: record.id
                    )
                )
            } else if let severity = record.severity, rule.refuseSeverities.contains(severity) {
                reasons.append(
                    GateReason(
                        code: "serious_record_public",
                        message: "有公示中的严重失信信息（\(record.documentNumber)），信用修复前不适用告知承诺 / a serious adverse record is still public",
                        recordId: record.id
                    )
                )
            }
        }
        return reasons
    }

    /// The commitment's text, rendered from the template `request` names, with what the platform fills in.
    /// - Throws: ``CommitmentError`` `unknown_item`, `template_superseded` (a version not in force today),
    ///   `missing_field`, `unknown_field`, `field_too_long`.
    public static func render(
        _ request: CommitmentRequest,
        items: CommitmentItems,
        subjectCode: String,
        subjectName: String,
        today: LocalDate
    ) throws(CommitmentError) -> (item: CommitmentItem, template: CommitmentTemplate, text: String, fields: [String: String]) {
        guard let item = items.item(request.item) else {
            throw CommitmentError(
                code: "unknown_item",
                message: "承诺事项 \(request.item.prefix(60)) 不在清单中 / no commitment item \(request.item.prefix(60))"
            )
        }
        guard let template = item.template(on: today) else {
            throw CommitmentError(code: "unknown_item", message: "承诺事项 \(item.code) 没有有效的模板 / item \(item.code) has no template in force")
        }
        guard template.version == request.templateVersion else {
            throw CommitmentError(
                code: "template_superseded",
                message:
                    "承诺书模板 \(request.templateVersion.prefix(40)) 不是现行版本，请按现行版本 \(template.version) 重新签署 / sign the template in force, \(template.version)"
            )
        }
        var fields: [String: String] = [:]
        for name in request.fields.keys where !template.fields.contains(where: { $0.name == name }) {
            throw CommitmentError(code: "unknown_field", message: "模板没有字段 \(name.prefix(40)) / the template has no field \(name.prefix(40))")
        }
        for field in template.fields {
            let value = request.fields[field.name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if value.isEmpty {
                if field.required {
                    throw CommitmentError(code: "missing_field", message: "请填写“\(field.label)”（\(field.name)） / \(field.name) is required")
                }
                continue
            }
            guard value.count <= field.maxLength else {
                throw CommitmentError(
                    code: "field_too_long",
                    message: "“\(field.label)”不超过 \(field.maxLength) 字 / \(field.name) is at most \(field.maxLength) characters"
                )
            }
            fields[field.name] = value
        }
        var values = fields
        values["subjectName"] = subjectName
        values["subjectCode"] = subjectCode
        values["itemName"] = item.name
        values["authority"] = item.authority
        values["conditions"] = item.conditions.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "；")
        values["verification"] = item.verification.map { "\($0.what)（\($0.workingDays) 个工作日内）" } ?? "在日常监管中核查"
        values["consequences"] = item.consequences
        values["date"] = today.description
        return (item, template, template.render(values), fields)
    }

    /// The last day of a verification: `workingDays` after signing, on the calendar.
    public static func verifyBy(_ item: CommitmentItem, signedOn day: LocalDate, calendar: WorkingDayCalendar) -> LocalDate? {
        item.verification.map { calendar.adding(workingDays: $0.workingDays, to: day) }
    }

    /// Checks a verification of `current` by `departmentCode`, with its reason.
    /// - Throws: ``CommitmentError`` `not_verifying_department`, `already_verified`, `reason_required`.
    public static func verification(
        _ outcome: Commitment.Outcome,
        reason: String,
        on current: Commitment,
        departmentCode: String
    ) throws(CommitmentError) -> String {
        guard departmentCode == current.departmentCode else {
            throw CommitmentError(
                code: "not_verifying_department",
                message: "只有受理承诺的部门可以核查 / only the department the commitment was made to verifies it"
            )
        }
        guard current.outcome == nil else {
            throw CommitmentError(code: "already_verified", message: "该承诺已核查（\(current.outcome!.label)） / this commitment was verified already")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else {
            throw CommitmentError(code: "reason_required", message: "请写明核查情况（reason，不超过 2000 字） / say what was found (reason)")
        }
        return reason
    }

    /// The adverse record a broken or false commitment becomes, sent through the record path under the catalogue's
    /// commitment category (国办发〔2020〕42号: recorded in the credit file).
    public static func breachRecord(
        _ commitment: Commitment,
        outcome: Commitment.Outcome,
        reason: String,
        item: CommitmentItem,
        on day: LocalDate,
        category: String
    )
        -> RecordSubmission
    {
        RecordSubmission(
            category: category,
            fields: [
                "subjectName": commitment.subjectName, "subjectCode": commitment.subjectCode,
                "documentNumber": "信承核〔\(day.description.prefix(4))〕\(commitment.id)号", "decidedOn": day.description,
                "content": "\(outcome.label)：\(item.name)。\(reason)", "basis": "\(item.basis)；\(item.consequences)",
                "severity": outcome == .false ? Severity.serious.rawValue : Severity.general.rawValue,
                "commitmentId": String(commitment.id),
            ]
        )
    }
}
