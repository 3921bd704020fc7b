import Foundation

/// One subject's entry on a list (a 列入决定), as it stands in one version. Every change is a new version; nothing is
/// deleted. An entry of a list fed by records (``ListType/recordCategory``) is the record itself, with ``recordID``.
public struct Listing: Sendable, Hashable, Codable {
    /// What the deciding authority did with it; stored.
    public enum Status: String, Sendable, Codable, Hashable, CaseIterable {
        case listed
        /// Ended early: obligations performed, credit repaired, a court's deletion.
        case removed
        /// The listing decision was revoked (an objection upheld, the decision annulled).
        case revoked
    }

    /// Where it stands on a day.
    public enum State: String, Sendable, Codable, Hashable {
        case upcoming, active, expired, removed, revoked

        public var label: String {
            switch self {
            case .upcoming: "尚未开始"
            case .active: "有效"
            case .expired: "期满"
            case .removed: "提前移出"
            case .revoked: "撤销"
            }
        }
    }

    /// Nil for an entry that is a record (``recordID``).
    public var id: Int?
    public var recordID: Int?
    public var list: String
    public var departmentCode: String
    public var subjectCode: String?
    /// A natural person's identity number, masked.
    public var subjectIDMasked: String?
    public var subjectName: String
    public var documentNumber: String
    public var reason: String
    public var basis: String
    public var startsOn: LocalDate
    /// The last day; nil while the authority has set none.
    public var endsOn: LocalDate?
    public var noticeServedOn: LocalDate?
    /// For a ban: the industries (GB/T 4754 divisions) it bars the subject from.
    public var industries: [String]
    public var status: Status
    public var endedOn: LocalDate?
    public var endReason: String?
    public var version: Int
    /// The list-types version it was entered under.
    public var listTypesVersion: String
    /// An objection about it is open (异议处理中).
    public var underObjection: Bool

    public init(
        id: Int?,
        recordID: Int? = nil,
        list: String,
        departmentCode: String,
        subjectCode: String?,
        subjectIDMasked: String?,
        subjectName: String,
        documentNumber: String,
        reason: String,
        basis: String,
        startsOn: LocalDate,
        endsOn: LocalDate?,
        noticeServedOn: LocalDate?,
        industries: [String] = [],
        status: Status = .listed,
        endedOn: LocalDate? = nil,
        endReason: String? = nil,
        version: Int = 1,
        listTypesVersion: String,
        underObjection: Bool = false
    ) {
        self.id = id
        self.recordID = recordID
        self.list = list
        self.departmentCode = departmentCode
        self.subjectCode = subjectCode
        self.subjectIDMasked = subjectIDMasked
        self.subjectName = subjectName
        self.documentNumber = documentNumber
        self.reason = reason
        self.basis = basis
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.noticeServedOn = noticeServedOn
        self.industries = industries
        self.status = status
        self.endedOn = endedOn
        self.endReason = endReason
        self.version = version
        self.listTypesVersion = listTypesVersion
        self.underObjection = underObjection
    }

    /// Where it stands on `day`: an entry ended early or revoked is so from its end day on.
    public func state(on day: LocalDate) -> State {
        if status != .listed, let endedOn, endedOn <= day { return status == .removed ? .removed : .revoked }
        if day < startsOn { return .upcoming }
        if let endsOn, endsOn < day { return .expired }
        return .active
    }

    public func isActive(on day: LocalDate) -> Bool { state(on: day) == .active }
}

/// A listing as a department sends it (`POST /api/v1/listings`): texts as received, checked by ``parse()``.
public struct ListingRequest: Sendable, Codable, Hashable {
    public var list: String?
    public var subjectCode: String?
    public var subjectIdNumber: String?
    public var subjectName: String?
    public var documentNumber: String?
    public var reason: String?
    public var basis: String?
    public var startsOn: String?
    public var endsOn: String?
    public var noticeServedOn: String?
    public var industries: [String]?

    public init(
        list: String?,
        subjectCode: String? = nil,
        subjectIdNumber: String? = nil,
        subjectName: String? = nil,
        documentNumber: String?,
        reason: String?,
        basis: String?,
        startsOn: String?,
        endsOn: String? = nil,
        noticeServedOn: String?,
        industries: [String]? = nil
    ) {
        self.list = list
        self.subjectCode = subjectCode
        self.subjectIdNumber = subjectIdNumber
        self.subjectName = subjectName
        self.documentNumber = documentNumber
        self.reason = reason
        self.basis = basis
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.noticeServedOn = noticeServedOn
        self.industries = industries
    }

    /// The request with its codes, numbers and dates read; every problem of form is an error here, before any lookup.
    public func parse() throws(ListError) -> ParsedListing {
        func required(_ value: String?, _ name: String, _ label: String) throws(ListError) -> String {
            let text = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !text.isEmpty else { throw ListError(code: "missing_field", message: "缺少\(label)（\(name)） / \(name) is required") }
            guard text.count <= 2000, !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
                throw ListError(code: "invalid_field", message: "\(label)（\(name)）过长或含控制字符 / \(name) is too long or holds control characters")
            }
            return text
        }
        func date(_ value: String?, _ name: String, _ label: String) throws(ListError) -> LocalDate? {
            guard let value, !value.isEmpty else { return nil }
            guard let day = LocalDate(value) else {
                throw ListError(code: "invalid_date", message: "\(label)（\(name)）应为 YYYY-MM-DD 格式的日期 / \(name) must be a date YYYY-MM-DD")
            }
            return day
        }
        let list = try required(list, "list", "名单")
        let subject: ParsedListing.Subject
        switch (subjectCode, subjectIdNumber) {
        case (let code?, nil):
            do { subject = .entity(try CreditCode(validating: code)) } catch {
                throw ListError(code: "invalid_code", message: "统一社会信用代码有误：\(error.message) / invalid credit code")
            }
        case (nil, let number?):
            let name = try required(subjectName, "subjectName", "自然人姓名")
            do { subject = .person(try IdentityNumber(validating: number), name: name) } catch {
                throw ListError(code: "invalid_id_number", message: "身份证号码有误：\(error.message) / invalid identity number")
            }
        case (nil, nil):
            throw ListError(
                code: "missing_field",
                message: "应给出统一社会信用代码（subjectCode）或身份证号码与姓名（subjectIdNumber、subjectName） / send subjectCode, or subjectIdNumber and subjectName"
            )
        case (.some, .some):
            throw ListError(code: "invalid_field", message: "subjectCode 与 subjectIdNumber 只能给一个 / send subjectCode or subjectIdNumber, not both")
        }
        guard let startsOn = try date(startsOn, "startsOn", "列入日期") else {
            throw ListError(code: "missing_field", message: "缺少列入日期（startsOn） / startsOn is required")
        }
        let endsOn = try date(endsOn, "endsOn", "届满日期")
        if let endsOn, endsOn < startsOn {
            throw ListError(
                code: "listing_ends_before_start",
                message: "届满日期 \(endsOn) 早于列入日期 \(startsOn) / the listing would end (\(endsOn)) before it starts (\(startsOn))"
            )
        }
        return ParsedListing(
            list: list,
            subject: subject,
            documentNumber: try required(documentNumber, "documentNumber", "列入决定文书号"),
            reason: try required(reason, "reason", "列入事由"),
            basis: try required(basis, "basis", "列入依据"),
            startsOn: startsOn,
            endsOn: endsOn,
            noticeServedOn: try date(noticeServedOn, "noticeServedOn", "告知送达日期"),
            industries: (industries ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        )
    }
}

/// A listing request whose form is right; ``ListingPlan`` decides whether it may be entered.
public struct ParsedListing: Sendable, Hashable {
    public enum Subject: Sendable, Hashable {
        case entity(CreditCode)
        case person(IdentityNumber, name: String)
    }

    public var list: String
    public var subject: Subject
    public var documentNumber: String
    public var reason: String
    public var basis: String
    public var startsOn: LocalDate
    public var endsOn: LocalDate?
    public var noticeServedOn: LocalDate?
    public var industries: [String]
}

/// What the store knows when a department enters a subject: the list types in force, the department, the entity's
/// registered name (nil: not registered), and the divisions of the industry classification.
public struct ListingSnapshot: Sendable {
    public var types: ListTypes
    public var department: Department
    public var entityName: String?
    public var industryDivisions: Set<String>
    public var today: LocalDate

    public init(types: ListTypes, department: Department, entityName: String?, industryDivisions: Set<String>, today: LocalDate) {
        self.types = types
        self.department = department
        self.entityName = entityName
        self.industryDivisions = industryDivisions
        self.today = today
    }
}

/// The decisions about a listing, made before anything is written (rule 7 of `domain-rules.md`: a basis, notice
/// served, a start, an exit and the issuing authority; 国办发〔2020〕49号: prior notice).
public enum ListingPlan {
    /// The entry to write, or why not.
    public static func entry(_ request: ParsedListing, snapshot: ListingSnapshot) throws(ListError) -> Listing {
        guard let type = snapshot.types.type(request.list) else {
            throw ListError(
                code: "unknown_list",
                message: "名单 \(request.list) 不存在（见 GET /api/v1/lists） / no list \(request.list) is in force"
            )
        }
        guard type.mayBeIssued(by: snapshot.department) else {
            throw ListError(
                code: "not_list_issuer",
                message: "\(snapshot.department.name)不是\(type.name)的列入机关（\(type.authority)） / this department does not keep list \(type.code)"
            )
        }
        if type.recordCategory != nil {
            throw ListError(
                code: "listed_by_records",
                message:
                    "\(type.name)以\(type.authority)报送的记录为准：请报送该类记录 / entries of \(type.code) are the records of category \(type.recordCategory!); submit the record"
            )
        }
        guard let served = request.noticeServedOn else {
            throw ListError(
                code: "notice_not_served",
                message: "列入前应告知当事人列入事由、依据和救济途径：缺少告知送达日期（noticeServedOn） / a subject is told before being listed: noticeServedOn is required"
            )
        }
        guard served <= request.startsOn else {
            throw ListError(
                code: "notice_after_start",
                message:
                    "告知送达日期 \(served) 晚于列入日期 \(request.startsOn)：应先告知后列入 / notice (\(served)) must come before the listing starts (\(request.startsOn))"
            )
        }
        let subjectCode: String?
        let masked: String?
        let name: String
        switch request.subject {
        case .entity(let code):
            guard let registered = snapshot.entityName else {
                throw ListError(
                    code: "subject_not_found",
                    message: "统一社会信用代码 \(code.rawValue) 未在本市登记 / no entity with credit code \(code.rawValue) is registered here"
                )
            }
            (subjectCode, masked, name) = (code.rawValue, nil, registered)
        case .person(let number, let personName):
            if type.excludesMinors == true, number.birthDate.adding(years: 18) > request.startsOn {
                throw ListError(
                    code: "minor_not_listed",
                    message: "未成年人不得列入\(type.name) / a minor is never entered on list \(type.code)"
                )
            }
            (subjectCode, masked, name) = (nil, number.masked, personName)
        }
        if type.kind == .ban {
            guard !request.industries.isEmpty else {
                throw ListError(
                    code: "industries_required",
                    message: "禁入决定应写明禁入的行业（industries，国民经济行业分类大类代码） / a ban names the industries it bars (industries)"
                )
            }
            for code in request.industries where !snapshot.industryDivisions.contains(code) {
                throw ListError(code: "unknown_industry", message: "行业代码 \(code) 不在国民经济行业分类中 / unknown industry division \(code)")
            }
        } else if !request.industries.isEmpty {
            throw ListError(code: "invalid_field", message: "只有禁入名单写明行业 / only a ban names industries")
        }
        let endsOn = request.endsOn ?? type.defaultEnd(startingOn: request.startsOn)
        if let endsOn, endsOn < snapshot.today {
            throw ListError(
                code: "listing_already_over",
                message: "届满日期 \(endsOn) 已过，列入不会生效 / the listing would have ended on \(endsOn), before today"
            )
        }
        return Listing(
            id: nil,
            list: type.code,
            departmentCode: snapshot.department.code,
            subjectCode: subjectCode,
            subjectIDMasked: masked,
            subjectName: name,
            documentNumber: request.documentNumber,
            reason: request.reason,
            basis: request.basis,
            startsOn: request.startsOn,
            endsOn: endsOn,
            noticeServedOn: served,
            industries: request.industries,
            listTypesVersion: snapshot.types.version
        )
    }

    /// How an entry ends early: `removed` (repair, obligations performed) or `revoked` (the decision annulled).
    public struct Ending: Sendable, Hashable, Codable {
        public var outcome: Listing.Status
        public var reason: String
        public var on: LocalDate

        public init(outcome: Listing.Status, reason: String, on: LocalDate) {
            self.outcome = outcome
            self.reason = reason
            self.on = on
        }
    }

    /// The next version of `listing` once ended, or why it cannot end.
    public static func ending(_ listing: Listing, _ ending: Ending, today: LocalDate) throws(ListError) -> Listing {
        guard ending.outcome != .listed else {
            throw ListError(code: "invalid_field", message: "outcome 应为 removed 或 revoked / outcome is removed or revoked")
        }
        guard listing.status == .listed else {
            throw ListError(
                code: "listing_already_ended",
                message: "该列入已于 \(listing.endedOn?.description ?? "") \(listing.state(on: today).label) / this listing has already ended"
            )
        }
        guard !ending.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ListError(code: "missing_field", message: "缺少移出或撤销理由（reason） / reason is required")
        }
        guard ending.on <= today else {
            throw ListError(code: "invalid_date", message: "移出日期 \(ending.on) 晚于今天 / the end day \(ending.on) is in the future")
        }
        if let endsOn = listing.endsOn, endsOn < ending.on {
            throw ListError(
                code: "listing_already_ended",
                message: "该列入已于 \(endsOn) 期满 / this listing expired on \(endsOn)"
            )
        }
        var next = listing
        next.status = ending.outcome
        next.endedOn = ending.on
        next.endReason = ending.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        next.version += 1
        return next
    }
}

/// The entries of one list for a record of its category (``ListType/recordCategory``): a court's 失信被执行人 record
/// is the entry, from its decision day to its 失信期限至; a withdrawn record is a deleted entry.
extension Listing {
    public static func fromRecord(
        _ record: (
            id: Int, department: String, subjectCode: String?, masked: String?, name: String, documentNumber: String, decidedOn: LocalDate,
            status: RecordStatus, content: [String: String], updatedAt: LocalDate
        ),
        type: ListType
    ) -> Listing {
        Listing(
            id: nil,
            recordID: record.id,
            list: type.code,
            departmentCode: record.department,
            subjectCode: record.subjectCode,
            subjectIDMasked: record.masked,
            subjectName: record.name,
            documentNumber: record.documentNumber,
            reason: record.content["content"] ?? "",
            basis: record.content["basis"] ?? type.basis,
            startsOn: record.decidedOn,
            endsOn: record.content["listedUntil"].flatMap { LocalDate($0) },
            noticeServedOn: nil,
            status: record.status == .revoked ? .removed : .listed,
            endedOn: record.status == .revoked ? record.updatedAt : nil,
            endReason: record.status == .revoked ? "\(type.authority)删除失信信息 / deleted by the court" : nil,
            listTypesVersion: ""
        )
    }
}
