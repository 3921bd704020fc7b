import Foundation

/// A check that cannot be made: `invalid_code`, `invalid_id_number`, `unknown_scenario`, `purpose_required`,
/// `subject_required`, `subject_not_found`, `unknown_industry`, `batch_too_large`, `check_not_found`.
public typealias CheckError = AreaError<CheckAnswer>

/// Whom a check is about.
public enum CheckSubject: Sendable, Hashable {
    case entity(CreditCode)
    case person(IdentityNumber)

    /// Reads `code` or `idNumber` (exactly one).
    public static func parse(code: String?, idNumber: String?) throws(CheckError) -> CheckSubject {
        switch (code, idNumber) {
        case (let code?, nil):
            do { return .entity(try CreditCode(validating: code)) } catch {
                throw CheckError(code: "invalid_code", message: "统一社会信用代码有误：\(error.message) / invalid credit code")
            }
        case (nil, let number?):
            do { return .person(try IdentityNumber(validating: number)) } catch {
                throw CheckError(code: "invalid_id_number", message: "身份证号码有误：\(error.message) / invalid identity number")
            }
        default:
            throw CheckError(
                code: "subject_required",
                message: "应给出统一社会信用代码（code）或身份证号码（idNumber）之一 / send code or idNumber, exactly one"
            )
        }
    }
}

/// One check asked for: whom, where (the scenario), why, and for a licence or trade in an industry, which one.
public struct CheckRequest: Sendable, Hashable {
    public var subject: CheckSubject
    public var scenario: String
    public var purpose: String
    /// The GB/T 4754 division of the activity (a ban bars only its industries).
    public var industry: String?

    public init(subject: CheckSubject, scenario: String, purpose: String, industry: String? = nil) {
        self.subject = subject
        self.scenario = scenario
        self.purpose = purpose
        self.industry = industry
    }

    /// The most subjects one batch checks (a bid opening checks every bidder at once).
    public static let batchLimit = 1000

    /// Checks the scenario, purpose and industry against the list types in force.
    public func validate(types: ListTypes, industryDivisions: Set<String>) throws(CheckError) {
        guard types.scenario(scenario) != nil else {
            let known = types.scenarioList.map(\.code).joined(separator: ", ")
            throw CheckError(code: "unknown_scenario", message: "核查场景 \(scenario) 不存在（可用：\(known)） / unknown scenario \(scenario)")
        }
        let purpose = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !purpose.isEmpty else {
            throw CheckError(code: "purpose_required", message: "请说明核查事由（purpose） / say why you check: purpose is required")
        }
        guard purpose.count <= 200, !purpose.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw CheckError(code: "invalid_purpose", message: "核查事由应为 200 字以内且不含控制字符 / purpose is at most 200 characters, no control characters")
        }
        if let industry, !industryDivisions.contains(industry) {
            throw CheckError(code: "unknown_industry", message: "行业代码 \(industry) 不在国民经济行业分类中 / unknown industry division \(industry)")
        }
    }
}

/// What the registry and the lists hold about a subject, read by the store: the subject, its own entries, and the
/// entries of the parties linked to it through a role (a person's entities; an entity's role holders).
public struct SubjectLinks: Sendable, Hashable {
    public struct Party: Sendable, Hashable {
        public var code: String?
        public var idNumberMasked: String?
        public var name: String

        public init(code: String?, idNumberMasked: String?, name: String) {
            self.code = code
            self.idNumberMasked = idNumberMasked
            self.name = name
        }
    }

    /// A party holding a role in the subject (when it is an entity) or in which the subject holds a role (a person).
    public struct Link: Sendable, Hashable {
        public var role: PersonRole
        public var party: Party
        public var listings: [Listing]

        public init(role: PersonRole, party: Party, listings: [Listing]) {
            self.role = role
            self.party = party
            self.listings = listings
        }
    }

    /// The subject as registered; nil for an entity the registry does not hold (a person unknown to the registry is
    /// still a subject: the identity number names them).
    public var subject: Party?
    /// The entity's industry division.
    public var industry: String?
    public var listings: [Listing]
    public var links: [Link]

    public init(subject: Party?, industry: String? = nil, listings: [Listing], links: [Link]) {
        self.subject = subject
        self.industry = industry
        self.listings = listings
        self.links = links
    }
}

/// The answer of one credit check, as signed (its SHA-256 is the receipt's `answerDigest`).
public struct CheckAnswer: Sendable, Hashable, Codable {
    public struct Subject: Sendable, Hashable, Codable {
        /// `entity` or `person`.
        public var kind: String
        public var code: String?
        /// A person's identity number, masked.
        public var idNumber: String?
        public var name: String?
    }

    public struct Party: Sendable, Hashable, Codable {
        public var code: String?
        public var idNumber: String?
        public var name: String
    }

    public struct Entry: Sendable, Hashable, Codable {
        public var listingId: Int?
        public var recordId: Int?
        public var list: String
        public var listName: String
        public var kind: String
        /// `self`, or the role linking the subject and the listed party (`legal-representative`).
        public var via: String
        /// The listed party when it is not the subject.
        public var party: Party?
        public var since: String
        public var until: String?
        public var documentNumber: String
        public var authority: String
        public var industries: [String]?
        /// True while an objection about the entry is open (异议处理中); absent otherwise.
        public var underObjection: Bool?
    }

    public struct AppliedMeasure: Sendable, Hashable, Codable {
        public var code: String
        public var title: String
        public var basis: String
        public var department: String
        /// The lists whose entries bring it.
        public var lists: [String]
        /// How it reaches the subject: `self` and/or roles.
        public var via: [String]
        /// For a ban, the industries it bars.
        public var industries: [String]?
    }

    public var checkId: String
    public var checkedAt: String
    public var checker: String
    public var scenario: String
    public var purpose: String
    public var industry: String?
    public var subject: Subject
    /// `no-listings` (nothing against or for the subject) or `listed`.
    public var result: String
    public var listings: [Entry]
    public var measures: [AppliedMeasure]
    public var incentives: [AppliedMeasure]
    /// The list-types (and measures catalogue) version applied.
    public var rules: String

    public static let noListings = "no-listings"
    public static let listed = "listed"
}

/// The decision of a credit check: which entries touch the subject on the day, through which path, and which
/// measures of the catalogue in force apply in the scenario (rule 8: only catalogued measures, each with its basis).
public enum CreditCheck {
    public static func answer(
        _ request: CheckRequest,
        links: SubjectLinks,
        types: ListTypes,
        on day: LocalDate,
        checkId: String,
        checkedAt: String,
        checker: String
    ) -> CheckAnswer {
        var entries: [CheckAnswer.Entry] = []
        // (list code, via) of the entries that count, with a ban's industries.
        var hits: [(list: String, via: String, direct: Bool, industries: [String])] = []
        func consider(_ listing: Listing, via role: PersonRole?, party: SubjectLinks.Party?) {
            guard listing.isActive(on: day), let type = types.type(listing.list) else { return }
            // A listing reaches across a role only where its list records a basis for that role.
            if let role, !type.extendsTo.contains(where: { $0.role == role }) { return }
            if type.kind == .ban, let industry = request.industry, !listing.industries.contains(industry) { return }
            let via = role?.rawValue ?? "self"
            entries.append(
                CheckAnswer.Entry(
                    listingId: listing.id,
                    recordId: listing.recordID,
                    list: type.code,
                    listName: type.name,
                    kind: type.kind.rawValue,
                    via: via,
                    party: party.map { CheckAnswer.Party(code: $0.code, idNumber: $0.idNumberMasked, name: $0.name) },
                    since: listing.startsOn.description,
                    until: listing.endsOn?.description,
                    documentNumber: listing.documentNumber,
                    authority: type.authority,
                    industries: type.kind == .ban ? listing.industries : nil,
                    underObjection: listing.underObjection ? true : nil
                )
            )
            hits.append((type.code, via, role == nil, listing.industries))
        }
        for listing in links.listings { consider(listing, via: nil, party: nil) }
        for link in links.links {
            for listing in link.listings { consider(listing, via: link.role, party: link.party) }
        }
        var measures: [CheckAnswer.AppliedMeasure] = []
        var incentives: [CheckAnswer.AppliedMeasure] = []
        for measure in types.measureList where measure.scenarios.contains(request.scenario) {
            let applying = hits.filter { measure.lists.contains($0.list) && measure.reach.covers(direct: $0.direct) }
            guard !applying.isEmpty else { continue }
            let banned = measure.lists.contains { types.type($0)?.kind == .ban }
            let applied = CheckAnswer.AppliedMeasure(
                code: measure.code,
                title: measure.title,
                basis: measure.basis,
                department: measure.department,
                lists: ordered(applying.map(\.list)),
                via: ordered(applying.map(\.via)),
                industries: banned ? ordered(applying.flatMap(\.industries)) : nil
            )
            if measure.kind == .incentive { incentives.append(applied) } else { measures.append(applied) }
        }
        let subject: CheckAnswer.Subject
        switch request.subject {
        case .entity(let code): subject = .init(kind: "entity", code: code.rawValue, idNumber: nil, name: links.subject?.name)
        case .person(let number): subject = .init(kind: "person", code: nil, idNumber: number.masked, name: links.subject?.name)
        }
        return CheckAnswer(
            checkId: checkId,
            checkedAt: checkedAt,
            checker: checker,
            scenario: request.scenario,
            purpose: request.purpose.trimmingCharacters(in: .whitespacesAndNewlines),
            industry: request.industry,
            subject: subject,
            result: entries.isEmpty ? CheckAnswer.noListings : CheckAnswer.listed,
            listings: entries,
            measures: measures,
            incentives: incentives,
            rules: types.version
        )
    }

    /// The distinct values in first-seen order.
    static func ordered(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// A new check id: `ck-` and 26 lower-case base-32 characters of 128 random bits.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var bits = (UInt64.random(in: .min ... .max, using: &generator), UInt64.random(in: .min ... .max, using: &generator))
        var out = "ck-"
        for _ in 0..<26 {
            out.append(alphabet[Int(bits.0 & 31)])
            bits.0 = (bits.0 >> 5) | (bits.1 << 59)
            bits.1 >>= 5
        }
        return out
    }
}

/// What the receipt of a check says about the data it was made on, and who signed it.
public struct CheckReceipt: Sendable, Hashable, Codable {
    public struct DataVersion: Sendable, Hashable, Codable {
        /// The number of leaves of the tamper-evident log when the check was made.
        public var logSize: Int
        /// The latest signed checkpoint then (nil before the first).
        public var checkpointSize: Int?
        public var checkpointRoot: String?
        public var checkpointTime: String?
        /// The list types and measures catalogue applied.
        public var listTypesVersion: String

        public init(logSize: Int, checkpoint: Checkpoint?, listTypesVersion: String) {
            self.logSize = logSize
            checkpointSize = checkpoint?.size
            checkpointRoot = checkpoint?.rootHash
            checkpointTime = checkpoint?.time
            self.listTypesVersion = listTypesVersion
        }
    }

    public var checkId: String
    public var issuedAt: String
    public var checker: String
    public var scenario: String
    /// The credit code, or the masked identity number.
    public var subject: String
    public var dataVersion: DataVersion
    /// `sha256:` and the hex SHA-256 of the answer's canonical JSON.
    public var answerDigest: String
    public var algorithm: String
    public var keyId: String
    /// The Ed25519 public key, BASE64.
    public var publicKey: String
    /// The Ed25519 signature of the receipt's canonical JSON without this field, BASE64; nil before signing.
    public var signature: String?

    public init(
        checkId: String,
        issuedAt: String,
        checker: String,
        scenario: String,
        subject: String,
        dataVersion: DataVersion,
        answerDigest: String,
        keyId: String,
        publicKey: String,
        signature: String? = nil
    ) {
        self.checkId = checkId
        self.issuedAt = issuedAt
        self.checker = checker
        self.scenario = scenario
        self.subject = subject
        self.dataVersion = dataVersion
        self.answerDigest = answerDigest
        algorithm = "Ed25519"
        self.keyId = keyId
        self.publicKey = publicKey
        self.signature = signature
    }
}

/// A check as answered and stored: the answer's fields and, beside them, `receipt`.
public struct CheckResult: Sendable, Hashable, Codable {
    public var answer: CheckAnswer
    public var receipt: CheckReceipt

    public init(answer: CheckAnswer, receipt: CheckReceipt) {
        self.answer = answer
        self.receipt = receipt
    }

    enum CodingKeys: String, CodingKey { case receipt }

    public init(from decoder: any Decoder) throws {
        answer = try CheckAnswer(from: decoder)
        receipt = try decoder.container(keyedBy: CodingKeys.self).decode(CheckReceipt.self, forKey: .receipt)
    }

    public func encode(to encoder: any Encoder) throws {
        try answer.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(receipt, forKey: .receipt)
    }
}

/// What checking a shown receipt found: `valid` only when the signature holds, the key is this platform's, the
/// answer is the one signed, and nothing was added.
public struct ReceiptVerification: Sendable, Hashable, Codable {
    public var valid: Bool
    public var signatureValid: Bool
    public var signedByThisPlatform: Bool
    public var answerUnchanged: Bool
    /// Whether this platform holds a check with this id and the same answer.
    public var matchesStoredCheck: Bool
    public var checkId: String?
    public var checkedAt: String?
    public var subjectName: String?
    public var scenario: String?
    public var result: String?
    public var problems: [String]

    public init(
        signatureValid: Bool,
        signedByThisPlatform: Bool,
        answerUnchanged: Bool,
        matchesStoredCheck: Bool,
        answer: CheckAnswer?,
        problems: [String]
    ) {
        self.signatureValid = signatureValid
        self.signedByThisPlatform = signedByThisPlatform
        self.answerUnchanged = answerUnchanged
        self.matchesStoredCheck = matchesStoredCheck
        valid = signatureValid && signedByThisPlatform && answerUnchanged && problems.isEmpty
        checkId = answer?.checkId
        checkedAt = answer?.checkedAt
        subjectName = answer?.subject.name
        scenario = answer?.scenario
        result = answer?.result
        self.problems = problems
    }
}

/// Credit checks: made, signed, stored durably before they are answered, read back and verified. Implemented by
/// `CreditStore`.
public protocol CheckStore: Sendable {
    /// Makes, signs and stores the checks, one receipt each, in order.
    /// - Throws: ``CheckError`` for a scenario, purpose or industry the catalogue does not know, or an entity the
    ///   registry does not hold (`subject_not_found`), before anything is stored.
    func check(_ requests: [CheckRequest], checker: String, accountID: Int?, requestID: String?) async throws -> [CheckResult]
    /// A stored check, exactly as answered.
    func check(id: String) async throws -> CheckResult?
    /// Verifies a check someone shows (its JSON, as printed or sent).
    func verify(document: Data) async throws -> ReceiptVerification
    /// The platform's receipt key: BASE64 Ed25519 public key and its id.
    var receiptKey: (publicKey: String, keyId: String) { get }
    /// Records what the approving department did with a check (``CheckFeedback/validated(for:)`` decides); once.
    /// - Throws: ``CheckError`` `check_not_found`, `feedback_exists`, or the validation's codes.
    func recordFeedback(checkID: String, _ feedback: CheckFeedback, by: String, accountID: Int?) async throws
    /// The feedback recorded for a check, if any.
    func feedback(checkID: String) async throws -> CheckFeedback?
    /// Applications per measure and per implementing department, of checks made on these days (Asia/Shanghai).
    func feedbackSummary(from: LocalDate?, to: LocalDate?) async throws -> FeedbackSummary
    /// The oldest checks that named measures and were never fed back.
    func unanswered(limit: Int) async throws -> [UnansweredCheck]
}
