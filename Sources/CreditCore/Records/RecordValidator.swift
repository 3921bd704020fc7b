import Foundation

/// One problem with one field of a submitted record, in Chinese and English. `value` repeats what was sent,
/// except identity numbers, which appear masked.
public struct FieldProblem: Sendable, Codable, Hashable, CustomStringConvertible {
    public var field: String
    public var value: String?
    public var code: String
    public var message: String

    public init(field: String, value: String?, code: String, message: String) {
        self.field = field
        self.value = value
        self.code = code
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem of one record.
public struct RecordProblems: Error, Sendable, Hashable {
    public var problems: [FieldProblem]
    public init(_ problems: [FieldProblem]) { self.problems = problems }
}

/// A record as a department sends it: a category and its fields by API name, as text.
public struct RecordSubmission: Sendable, Hashable {
    public var category: String
    public var fields: [String: String]
    /// Why this submission changes an earlier one (a correction or a revocation).
    public var changeReason: String?
    /// `revoked` withdraws the decision (撤销); it leaves the public view at once.
    public var revoked: Bool
    /// The day the decision was revoked (a court's list: deleted), as sent; required of a revocation.
    public var revokedOn: String?

    public init(category: String, fields: [String: String], changeReason: String? = nil, revoked: Bool = false, revokedOn: String? = nil) {
        self.category = category
        self.fields = fields
        self.changeReason = changeReason
        self.revoked = revoked
        self.revokedOn = revokedOn
    }
}

/// Whom a record is about.
public enum RecordSubject: Sendable, Hashable {
    case entity(CreditCode)
    case person(IdentityNumber)

    public var isPerson: Bool { if case .person = self { true } else { false } }
}

/// A submission that passed every check, normalised.
public struct ValidRecord: Sendable, Hashable {
    public var category: String
    public var documentNumber: String
    public var decidedOn: LocalDate
    public var subject: RecordSubject
    public var subjectName: String
    public var severity: Severity?
    public var punishmentKinds: [String]
    /// A penalty's procedure, when given.
    public var procedure: Procedure?
    /// What was accepted with a warning (a legacy code that fails its position-17 check, in a file).
    public var warnings: [FieldProblem] = []
    /// Every field as stored, by API name; an identity number only in its masked form.
    public var content: [String: String]
    public var changeReason: String?
    public var revoked: Bool
    /// The day the decision was revoked, for a revocation.
    public var revokedOn: LocalDate?
    /// The legal representative's identity number (or other document's number) whole, as sent, to be stored sealed;
    /// the content holds it masked only.
    public var representativeIdNumber: String?
    /// The status its version is stored with.
    public var status: RecordStatus { RecordStatus(revoked: revoked) }
}

/// How a record reached the platform, which decides how strict the code checks are (`domain-rules.md` rule 1).
public enum RecordInput: Sendable, Hashable {
    /// Typed by a person or sent by a system over the API: a credit code failing any check is refused.
    case typed
    /// A row of a department's file, possibly exported from a legacy system: a credit code failing only its
    /// position-17 (GB 11714) check is accepted with a warning, since early registrations exist that fail it.
    case file
}

/// The one validation path of records: the JSON API, file uploads and `credit import` all come here.
public enum RecordValidator {
    static let earliest = LocalDate(year: 1949, month: 10, day: 1)!

    /// Checks a submission against the catalogue; returns every problem, not just the first.
    public static func validate(
        _ submission: RecordSubmission,
        catalogue: Catalogue,
        today: LocalDate,
        input: RecordInput = .typed,
        rules: PublicationRules = .shipped,
        department: String? = nil
    ) -> Result<ValidRecord, RecordProblems> {
        guard let category = catalogue.category(submission.category) else {
            return .failure(
                RecordProblems([
                    FieldProblem(
                        field: "category",
                        value: String(submission.category.prefix(40)),
                        code: "unknown_category",
                        message:
                            "类别“\(submission.category.prefix(40))”不在信用信息目录中，不得归集 / not a category of the catalogue; it may not be collected"
                    )
                ])
            )
        }
        var problems: [FieldProblem] = []
        var content: [String: String] = [:]
        func problem(_ field: String, _ value: String?, _ code: String, _ message: String) {
            problems.append(FieldProblem(field: field, value: value.map { String($0.prefix(100)) }, code: code, message: message))
        }
        for name in submission.fields.keys.filter({ category.field($0) == nil }).sorted() {
            problem(name, nil, "unknown_field", "类别“\(category.name)”没有字段 \(name.prefix(40)) / \(category.code) has no field \(name.prefix(40))")
        }
        var decidedOn: LocalDate?
        var subjectCode: CreditCode?
        var idNumber: IdentityNumber?
        var representativeIdNumber: String?
        var severity: Severity?
        var procedure: Procedure?
        var subjectKind: SubjectKind?
        var warnings: [FieldProblem] = []
        var missingUntilDated: [Catalogue.Field] = []
        var dates: [String: LocalDate] = [:]
        for field in category.fields {
            let raw = submission.fields[field.name]?.trimmingASCIIWhitespace() ?? ""
            if raw.isEmpty {
                if field.requiredFrom != nil { missingUntilDated.append(field) }
                if field.required {
                    problem(field.name, nil, "required", "缺少必填项“\(field.label)” / \(field.name) is required")
                }
                continue
            }
            let limit = field.name == "documentNumber" ? 100 : 2000
            // Counting characters means grapheme breaking: only when the bytes alone do not settle it.
            guard raw.utf8.count <= limit || raw.count <= limit else {
                problem(field.name, nil, "too_long", "“\(field.label)”超过 \(limit) 个字 / \(field.name) is longer than \(limit) characters")
                continue
            }
            if let unusable = Self.unusableText(raw, label: field.label, name: field.name) {
                problems.append(unusable)
                continue
            }
            switch field.type {
            case .text:
                content[field.name] = raw
            case .date:
                guard let date = parseDate(raw) else {
                    problem(field.name, raw, "invalid_date", "“\(field.label)”不是有效日期（应为 YYYY-MM-DD） / \(field.name) is not a date YYYY-MM-DD")
                    continue
                }
                guard date >= earliest else {
                    problem(field.name, raw, "invalid_date", "“\(field.label)”早于 1949-10-01 / \(field.name) is before 1949-10-01")
                    continue
                }
                if field.name == "decidedOn", date > today {
                    problem(field.name, raw, "future_date", "“\(field.label)”晚于今天（\(today)） / \(field.name) is after today (\(today))")
                    continue
                }
                dates[field.name] = date
                content[field.name] = date.description
                if field.name == "decidedOn" { decidedOn = date }
            case .creditCode:
                do {
                    let code = try CreditCode(validating: raw)
                    if field.name == "subjectCode" { subjectCode = code }
                    content[field.name] = code.rawValue
                    for warning in code.warnings {
                        let found = FieldProblem(
                            field: field.name,
                            value: code.rawValue,
                            code: "organization_code_check",
                            message: "统一社会信用代码第 17 位（组织机构代码校验位，GB 11714）不符：\(warning.message)"
                        )
                        if input == .typed { problems.append(found) } else { warnings.append(found) }
                    }
                } catch {
                    problem(field.name, raw, "invalid_credit_code", "统一社会信用代码无效：\(error.message)")
                }
            case .idNumber:
                do {
                    let number = try IdentityNumber(validating: raw)
                    if field.name == "subjectIdNumber" { idNumber = number }
                    if field.name == "legalRepresentativeIdNumber" { representativeIdNumber = number.rawValue }
                    content[field.name] = number.masked
                } catch {
                    // A representative's passport or other document: shown masked, kept whole only sealed.
                    let type = submission.fields[field.name.replacingOccurrences(of: "IdNumber", with: "IdType")]
                    if field.name != "subjectIdNumber", let type, !type.isEmpty, !type.contains("身份证") {
                        if field.name == "legalRepresentativeIdNumber" { representativeIdNumber = raw }
                        content[field.name] = IdentityNumber.mask(raw)
                    } else {
                        problem(field.name, IdentityNumber.mask(raw), "invalid_id_number", "身份证号码无效：\(error.message)")
                    }
                }
            case .severity:
                guard let s = Severity(text: raw) else {
                    problem(
                        field.name,
                        raw,
                        "invalid_severity",
                        "失信程度应为 minor/general/serious（轻微/一般/严重） / severity must be minor, general or serious"
                    )
                    continue
                }
                severity = s
                content[field.name] = s.rawValue
            case .wanYuan:
                guard let fen = WanYuan.fen(raw) else {
                    problem(
                        field.name,
                        raw,
                        "invalid_amount",
                        "“\(field.label)”应为以万元计的数字，至多 6 位小数，不带单位（如 1.5） / \(field.name) is a number of 万元 with at most 6 decimals and no unit (such as 1.5)"
                    )
                    continue
                }
                content[field.name] = String(fen)
            case .subjectKind:
                guard let kind = SubjectKind(text: raw) else {
                    problem(
                        field.name,
                        raw,
                        "invalid_subject_kind",
                        "“\(field.label)”应为法人及非法人组织、自然人或个体工商户 / \(field.name) must be organisation, person or individual-business"
                    )
                    continue
                }
                subjectKind = kind
                content[field.name] = kind.rawValue
            case .procedure:
                guard let p = Procedure(text: raw) else {
                    problem(
                        field.name,
                        raw,
                        "invalid_procedure",
                        "“\(field.label)”应为 ordinary/simple（普通程序/简易程序） / \(field.name) must be ordinary or simple"
                    )
                    continue
                }
                procedure = p
                content[field.name] = p.rawValue
            case .money:
                guard let fen = Int(raw), fen >= 0 else {
                    problem(field.name, raw, "invalid_amount", "“\(field.label)”应为以分计的非负整数 / \(field.name) is a whole number of fen, 0 or more")
                    continue
                }
                content[field.name] = String(fen)
            }
        }
        if let decidedOn {
            for field in missingUntilDated where decidedOn >= field.requiredFrom! {
                problem(
                    field.name,
                    nil,
                    "required",
                    "\(field.requiredFrom!) 起作出的决定须填“\(field.label)” / \(field.name) is required of decisions from \(field.requiredFrom!)"
                )
            }
        }
        if let decidedOn, let until = dates["listedUntil"], until < decidedOn {
            problem("listedUntil", until.description, "invalid_date", "失信期限至早于决定日期 / listedUntil is before decidedOn")
        }
        if let from = dates["validFrom"], let until = dates["validUntil"], until < from {
            problem("validUntil", until.description, "invalid_date", "有效期至早于有效期自 / validUntil is before validFrom")
        }
        // 行政相对人类别 says which column names the subject; a representative's number never does.
        switch (subjectKind, subjectCode, idNumber) {
        case (.organisation, nil, _) where submission.fields["subjectCode"]?.isEmpty ?? true:
            problem("subjectCode", nil, "required", "法人及非法人组织须填统一社会信用代码 / an organisation needs its subjectCode")
        case (.organisation, .some, .some):
            idNumber = nil  // the standard's 证件号码 of an organisation's row is not the subject's
        case (.person, .some, _):
            problem("subjectCode", subjectCode?.rawValue, "subject_ambiguous", "自然人不填统一社会信用代码 / a person has no subjectCode")
        case (.individualBusiness, .some, .some):
            idNumber = nil  // a registered individual business is named by its code; the number is its operator's
        default:
            break
        }
        if let department, let authority = content["authorityCode"], authority != department {
            problem(
                "authorityCode",
                authority,
                "authority_not_department",
                "决定机关代码 \(authority) 不是报送部门 \(department) 的代码 / the deciding authority \(authority) is not the submitting department \(department)"
            )
        }
        if let fine = content["fine"], let fen = content["amountFen"], fine != fen {
            problem("fine", fine, "amount_mismatch", "罚款金额（万元）与罚款金额（分）不一致 / fine and amountFen differ")
        }
        let subject: RecordSubject?
        switch (subjectCode, idNumber) {
        case (let code?, nil): subject = .entity(code)
        case (nil, let number?): subject = .person(number)
        case (.some, .some):
            subject = nil
            problem("subjectIdNumber", nil, "subject_ambiguous", "统一社会信用代码与证件号码只填一项 / give subjectCode or subjectIdNumber, not both")
        case (nil, nil):
            subject = nil
            if submission.fields["subjectCode"] == nil && submission.fields["subjectIdNumber"] == nil {
                problem("subjectCode", nil, "subject_required", "应填统一社会信用代码（法人）或证件号码（自然人） / give subjectCode or subjectIdNumber")
            }
        }
        if let reason = submission.changeReason, let unusable = Self.unusableText(reason, label: "变更理由", name: "changeReason") {
            problems.append(unusable)
        }
        if submission.revoked, (submission.changeReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            problem("changeReason", nil, "required", "撤销须说明理由 / a revocation needs a changeReason")
        }
        var revokedOn: LocalDate?
        if submission.revoked {
            let raw = submission.revokedOn?.trimmingASCIIWhitespace() ?? ""
            if raw.isEmpty {
                problem("revokedOn", nil, "required", "撤销须填撤销决定日期 / a revocation needs revokedOn, the day the decision was revoked")
            } else if let date = parseDate(raw) {
                if date > today {
                    problem("revokedOn", raw, "future_date", "撤销日期晚于今天（\(today)） / revokedOn is after today (\(today))")
                } else if let decidedOn, date < decidedOn {
                    problem("revokedOn", raw, "invalid_date", "撤销日期早于决定日期 / revokedOn is before decidedOn")
                } else {
                    revokedOn = date
                    content["revokedOn"] = date.description
                }
            } else {
                problem("revokedOn", String(raw.prefix(100)), "invalid_date", "撤销日期不是有效日期（应为 YYYY-MM-DD） / revokedOn is not a date YYYY-MM-DD")
            }
        }
        guard problems.isEmpty, let decidedOn, let subject, let documentNumber = content["documentNumber"], let subjectName = content["subjectName"]
        else {
            return .failure(RecordProblems(problems))
        }
        let kinds = Self.punishmentKinds(content["punishmentKinds"])
        if let severity, category.field("punishmentKinds") != nil,
            let contradiction = rules.set(on: decidedOn)?.severityOfKinds?.contradiction(severity: severity, kinds: kinds)
        {
            return .failure(
                RecordProblems([FieldProblem(field: "severity", value: severity.rawValue, code: "severity_contradicts_kinds", message: contradiction)]
                )
            )
        }
        /// The rule's window of this record, received on `receivedOn`, with or without the department's mark.
        func ruleWindow(receivedOn: LocalDate, marked: Bool) -> Result<PublicationWindow, PublicationWindow.NotPublished> {
            PublicationWindow.compute(
                category: category,
                severity: severity,
                punishmentKinds: kinds,
                procedure: procedure,
                aboutPerson: subject.isPerson,
                listedUntil: dates["listedUntil"],
                uncorrectedUntil: marked ? dates["uncorrectedUntil"] : nil,
                revoked: submission.revoked,
                departmentName: "",
                decidedOn: decidedOn,
                receivedOn: receivedOn,
                rules: rules
            )
        }
        if let problem = uncorrectedProblem(
            category: category,
            until: dates["uncorrectedUntil"],
            basis: content["uncorrectedBasis"],
            window: { ruleWindow(receivedOn: decidedOn, marked: false) }
        ) {
            return .failure(RecordProblems([problem]))
        }
        // The 公示截止期 a department wrote is compared with the rule's window, which decides.
        if let stated = dates["statedPublicUntil"] {
            let ruled: String? =
                switch ruleWindow(receivedOn: today, marked: true) {
                case .success(let w) where w.until != stated: "规则计算的公示截止期为 \(w.until) / the rule's last public day is \(w.until)"
                case .failure: "按规则不公示 / the rule does not publish it"
                default: nil
                }
            if let ruled {
                warnings.append(
                    FieldProblem(
                        field: "statedPublicUntil",
                        value: stated.description,
                        code: "stated_until_differs",
                        message: "所填公示截止期 \(stated) 与规则不一致，以规则为准：\(ruled)"
                    )
                )
            }
        }
        return .success(
            ValidRecord(
                category: category.code,
                documentNumber: documentNumber,
                decidedOn: decidedOn,
                subject: subject,
                subjectName: subjectName,
                severity: severity,
                punishmentKinds: kinds,
                procedure: procedure,
                warnings: warnings,
                content: content,
                changeReason: submission.changeReason?.trimmingCharacters(in: .whitespacesAndNewlines),
                revoked: submission.revoked,
                revokedOn: revokedOn,
                representativeIdNumber: representativeIdNumber
            )
        )
    }

    /// What is wrong with a mark of uncorrected conduct (Order 36's exception), or nil: both fields or neither, a
    /// category that allows it, a record the rule publishes, a day after its maximum period and within the category's
    /// longest extension. `window` is the record's window without the mark.
    static func uncorrectedProblem(
        category: Catalogue.Category,
        until: LocalDate?,
        basis: String?,
        window: () -> Result<PublicationWindow, PublicationWindow.NotPublished>
    ) -> FieldProblem? {
        guard until != nil || basis != nil else { return nil }
        guard let rule = category.publication.uncorrected else {
            return FieldProblem(
                field: "uncorrectedUntil",
                value: until?.description,
                code: "uncorrected_not_allowed",
                message: "\(category.name)到最长公示期即停止公示，不因未纠正而继续公示 / \(category.code) records come down at the maximum period"
            )
        }
        guard let until, basis != nil else {
            return FieldProblem(
                field: until == nil ? "uncorrectedUntil" : "uncorrectedBasis",
                value: nil,
                code: "required",
                message: "未纠正须同时填“继续公示至”和“未纠正认定依据” / uncorrectedUntil and uncorrectedBasis go together"
            )
        }
        guard case .success(let normal) = window() else {
            return FieldProblem(
                field: "uncorrectedUntil",
                value: until.description,
                code: "uncorrected_not_public",
                message: "这条记录按规则不公示，无从继续公示 / the rule does not publish this record, so it cannot stay public"
            )
        }
        if until <= normal.until {
            return FieldProblem(
                field: "uncorrectedUntil",
                value: until.description,
                code: "uncorrected_until_not_later",
                message: "继续公示至应晚于最长公示期的最后一天 \(normal.until) / uncorrectedUntil must be after the maximum period's last day, \(normal.until)"
            )
        }
        if let months = rule.longestMonths, until > normal.until.adding(months: months) {
            let latest = normal.until.adding(months: months)
            return FieldProblem(
                field: "uncorrectedUntil",
                value: until.description,
                code: "uncorrected_until_too_late",
                message: "最长只能继续公示至 \(latest)（\(rule.source)） / it may stay public through \(latest) at most"
            )
        }
        return nil
    }

    /// The problem of a field holding a control character (a NUL byte from a broken export, a form feed, …).
    public static func controlCharacter(_ label: String, _ name: String) -> String {
        "“\(label)”含有控制字符（如 U+0000），请删除后重新报送 / \(name) contains a control character (such as U+0000): remove it and send again"
    }

    /// The problem of a text no field may hold, or nil: a control character (a NUL byte from a broken export), or
    /// U+FFFD (�), left where a conversion before sending lost a character (a file's row with one is refused whole as
    /// not text in its encoding; sent as JSON, the field is refused, so that no way in stores a damaged text).
    public static func unusableText(_ value: String, label: String, name: String) -> FieldProblem? {
        if value.containsControlCharacter {
            return FieldProblem(field: name, value: nil, code: "control_character", message: controlCharacter(label, name))
        }
        if value.containsReplacementCharacter {
            return FieldProblem(
                field: name,
                value: nil,
                code: "replacement_character",
                message: "“\(label)”含有替换字符“�”（U+FFFD）：文字在报送前的转换中已经损坏，请按原文重新报送 / \(name) contains U+FFFD (�), "
                    + "left where a conversion before sending lost a character: send the original text"
            )
        }
        return nil
    }

    /// The kinds of a 处罚类别 text as departments write it (罚款；没收违法所得, 警告、罚款).
    public static func punishmentKinds(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { "；;、,，".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD` or `YYYY年M月D日`.
    public static func parseDate(_ text: String) -> LocalDate? {
        if let d = LocalDate(text) { return d }
        if text.count == 8, text.allSatisfy(\.isNumber) { return LocalDate(compact: text) }
        let parts = text.split(whereSeparator: { "/.-年月日".contains($0) }).map(String.init)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4 else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }
}
