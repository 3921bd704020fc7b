import Foundation

/// The 告知承诺 gate's answer for a window system, with a signed receipt like a credit check's.
public struct GateAnswer: Sendable, Hashable, Codable {
    public struct Receipt: Sendable, Hashable, Codable {
        public var checkId: String
        public var issuedAt: String
        public var checker: String
        /// SHA-256 of the canonical answer (subject, item, eligibility, reasons, rule version), hexadecimal.
        public var answerDigest: String
        /// Ed25519 over ``signedText``, BASE64, with the platform's key.
        public var signature: String
        public var keyId: String

        /// The text signed: `credit-platform commitment-eligibility v1`, the check, time, checker and digest.
        public var signedText: String {
            "credit-platform commitment-eligibility v1\n\(checkId)\n\(issuedAt)\n\(checker)\n\(answerDigest)\n"
        }

        public init(checkId: String, issuedAt: String, checker: String, answerDigest: String, signature: String, keyId: String) {
            self.checkId = checkId
            self.issuedAt = issuedAt
            self.checker = checker
            self.answerDigest = answerDigest
            self.signature = signature
            self.keyId = keyId
        }
    }

    public var subjectCode: String
    public var subjectName: String?
    public var item: String
    public var eligible: Bool
    public var reasons: [GateReason]
    /// The commitment list version whose gate rule decided.
    public var ruleVersion: String
    public var receipt: Receipt

    public init(subjectCode: String, subjectName: String?, item: String, eligible: Bool, reasons: [GateReason], ruleVersion: String, receipt: Receipt)
    {
        self.subjectCode = subjectCode
        self.subjectName = subjectName
        self.item = item
        self.eligible = eligible
        self.reasons = reasons
        self.ruleVersion = ruleVersion
        self.receipt = receipt
    }
}

/// Credit commitments: signed, countersigned and logged; the 告知承诺 gate; verification and what a breach costs.
/// Implemented by `CreditStore`.
public protocol CommitmentStore: Sendable {
    /// The item list in force today: the latest version loaded (or shipped) that has taken effect.
    func items() async throws -> CommitmentItems
    /// Stores a new version of the list, in force from its effective date; versions are never rewritten.
    /// - Throws: ``CommitmentError`` `invalid_commitment_items` (every problem named), `commitment_items_version_exists`.
    func loadItems(_ items: CommitmentItems, loadedBy: String?) async throws
    /// Whether `code` may make a commitment of `item` now, and why not; the answer is signed and kept.
    /// - Throws: ``CommitmentError`` `unknown_item`.
    func eligibility(code: CreditCode, item: String, checker: String) async throws -> GateAnswer
    /// Signs a commitment for the entity `subjectCode` (by its own account, or by a department at a window on its behalf).
    /// - Throws: ``CommitmentError`` — the codes of ``CommitmentPlan/render(_:items:subjectCode:subjectName:today:)``,
    ///   `subject_not_found`, `not_eligible` (naming each reason), `not_item_department` for a department not owning
    ///   the item.
    func sign(_ request: CommitmentRequest, subjectCode: String, signedBy: String, onBehalfOf departmentCode: String?) async throws -> Commitment
    func commitment(id: Int) async throws -> Commitment?
    /// The commitments of an entity, or made to a department (nil both: every one), newest first.
    func commitments(subjectCode: String?, departmentCode: String?, limit: Int) async throws -> [Commitment]
    /// Records the department's verification; a breach becomes an adverse record in the subject's file through the
    /// record path (sent once: a retry finds it).
    /// - Throws: ``CommitmentError`` `commitment_not_found`, the codes of ``CommitmentPlan/verification(_:reason:on:departmentCode:)``.
    func verify(id: Int, _ outcome: Commitment.Outcome, reason: String, departmentCode: String, by: String?) async throws -> Commitment
}
