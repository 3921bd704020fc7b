import CreditCore
import Crypto
import Foundation
import SQLKit

/// Credit checks: the answer decided by ``CreditCheck``, a receipt signed with the platform's Ed25519 key, and the
/// whole check stored in `credit_checks` before it is returned.
///
/// Canonical JSON (what is hashed and signed) is the JSON with keys sorted, no spaces, UTF-8 unescaped, `/` not
/// escaped: Python's `json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes the same bytes
/// (`docs/lists-and-checks.md` shows the offline check).
public struct SQLCheckStore: CheckStore {
    let db: CreditDatabase
    let keys: PersonalDataKeys
    let clock: any CreditClock
    let listTypes: any ListTypeStore
    let listings: any ListingStore
    let log: any CreditLog
    let signer: CheckpointSigner
    /// Checks answered at the same time are stored in one transaction.
    let writer: GroupCommit

    static let columns = ["id", "checked_at", "checker", "account_id", "scenario", "subject_key", "result", "request_id", "measures"]

    public init(
        database: CreditDatabase,
        keys: PersonalDataKeys,
        clock: any CreditClock,
        listTypes: any ListTypeStore,
        listings: any ListingStore,
        log: any CreditLog,
        signer: CheckpointSigner
    ) {
        self.db = database
        self.keys = keys
        self.clock = clock
        self.listTypes = listTypes
        self.listings = listings
        self.log = log
        self.signer = signer
        self.writer = GroupCommit(db: database, table: "credit_checks", columns: Self.columns)
    }

    public var receiptKey: (publicKey: String, keyId: String) { (signer.publicKey.base64EncodedString(), signer.keyID) }

    static func canonical(_ value: some Encodable) throws -> Data { try CanonicalJSON.encode(value) }

    static func digest(_ answer: CheckAnswer) throws -> String {
        "sha256:" + Hex.encode(Data(SHA256.hash(data: try canonical(answer))))
    }

    public func check(_ requests: [CheckRequest], checker: String, accountID: Int?, requestID: String?) async throws -> [CheckResult] {
        guard requests.count <= CheckRequest.batchLimit else {
            throw CheckError(
                code: "batch_too_large",
                message: "一次最多核查 \(CheckRequest.batchLimit) 个主体，收到 \(requests.count) 个 / at most \(CheckRequest.batchLimit) subjects per batch"
            )
        }
        let now = clock.now()
        let day = clock.today()
        let types = try await listTypes.versions().inForce(on: day)
        let divisions = ReferenceTables.standard.divisionCodes
        for (i, request) in requests.enumerated() {
            do { try request.validate(types: types, industryDivisions: divisions) } catch {
                throw requests.count == 1 ? error : CheckError(code: error.code, message: "第 \(i + 1) 项 / item \(i + 1): " + error.message)
            }
        }
        let links = try await listings.links(for: requests.map(\.subject), on: day)
        for (i, (request, found)) in zip(requests, links).enumerated() {
            if found.subject == nil, case .entity(let code) = request.subject {
                let prefix = requests.count == 1 ? "" : "第 \(i + 1) 项 / item \(i + 1): "
                throw CheckError(
                    code: "subject_not_found",
                    message: prefix
                        + "统一社会信用代码 \(code.rawValue) 未在本市登记，无法核查；请核对代码或到“信用中国”查询 / no entity \(code.rawValue) is registered here"
                )
            }
        }
        let checkpoint = try await log.latestCheckpoint()
        let logSize = try await db.read { sql in
            try await sql.raw("SELECT coalesce(max(seq), 0) AS n FROM log_entries").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let checkedAt = Timestamp.string(now)
        var results: [CheckResult] = []
        var rows: [[BulkValue]] = []
        for (request, found) in zip(requests, links) {
            let answer = CreditCheck.answer(
                request,
                links: found,
                types: types,
                on: day,
                checkId: CreditCheck.newID(),
                checkedAt: checkedAt,
                checker: checker
            )
            let subject = answer.subject.code ?? answer.subject.idNumber ?? ""
            var receipt = CheckReceipt(
                checkId: answer.checkId,
                issuedAt: checkedAt,
                checker: checker,
                scenario: answer.scenario,
                subject: subject,
                dataVersion: CheckReceipt.DataVersion(logSize: logSize, checkpoint: checkpoint, listTypesVersion: types.version),
                answerDigest: try Self.digest(answer),
                keyId: signer.keyID,
                publicKey: signer.publicKey.base64EncodedString()
            )
            receipt.signature = Data(try signer.privateKey.signature(for: try Self.canonical(receipt))).base64EncodedString()
            let result = CheckResult(answer: answer, receipt: receipt)
            results.append(result)
            let subjectKey: String
            switch request.subject {
            case .entity(let code): subjectKey = code.rawValue
            case .person(let number): subjectKey = keys.index(number.rawValue)
            }
            rows.append([
                .text(answer.checkId), .text(checkedAt), .text(checker), BulkValue(accountID), .text(answer.scenario), .text(subjectKey),
                .text(String(decoding: try Self.canonical(result), as: UTF8.self)), BulkValue(requestID),
                .integer(answer.measures.count + answer.incentives.count),
            ])
        }
        // Durable before answered: the caller sees a receipt only once it is stored (with the checks of other callers
        // meanwhile, in one transaction).
        try await writer.write(rows)
        return results
    }

    public func check(id: String) async throws -> CheckResult? {
        guard
            let text = try await db.read({ sql in
                try await sql.raw("SELECT result FROM credit_checks WHERE id = \(bind: id)").first()?.decode(column: "result", as: String.self)
            })
        else { return nil }
        return try JSONDecoder().decode(CheckResult.self, from: Data(text.utf8))
    }

    public func verify(document: Data) async throws -> ReceiptVerification {
        guard let shown = try? JSONDecoder().decode(CheckResult.self, from: document) else {
            return ReceiptVerification(
                signatureValid: false,
                signedByThisPlatform: false,
                answerUnchanged: false,
                matchesStoredCheck: false,
                answer: nil,
                problems: ["不是核查结果（应为 GET /api/v1/check 返回的完整 JSON） / not a check result: paste the whole JSON of a check"]
            )
        }
        var problems: [String] = []
        let answerUnchanged = (try? Self.digest(shown.answer)) == shown.receipt.answerDigest
        if !answerUnchanged { problems.append("核查结果与回执摘要不符：内容已被改动 / the answer does not match the receipt's digest: it was altered") }
        // Fields the platform did not sign (added, or values of another type) make the document unlike its canonical form.
        if let original = try? JSONSerialization.jsonObject(with: document) as? NSDictionary,
            let canonical = try? JSONSerialization.jsonObject(with: Self.canonical(shown)) as? NSDictionary, !original.isEqual(canonical)
        {
            problems.append("含有未经签名的字段 / it holds fields that were not signed")
        }
        var unsigned = shown.receipt
        unsigned.signature = nil
        let signatureValid: Bool = {
            guard let key = Data(base64Encoded: shown.receipt.publicKey),
                let signature = shown.receipt.signature.flatMap({ Data(base64Encoded: $0) }),
                let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
                CheckpointSigner.keyID(publicKey: key) == shown.receipt.keyId,
                let body = try? Self.canonical(unsigned)
            else { return false }
            return publicKey.isValidSignature(signature, for: body)
        }()
        if !signatureValid { problems.append("回执签名无效 / the receipt's signature is not valid") }
        let ours = shown.receipt.keyId == signer.keyID && shown.receipt.publicKey == signer.publicKey.base64EncodedString()
        if !ours { problems.append("回执不是本平台的密钥签发的 / the receipt was not signed with this platform's key") }
        let stored = try await check(id: shown.answer.checkId)
        let matches = stored?.receipt == shown.receipt && stored?.answer == shown.answer
        if stored != nil && !matches {
            problems.append("与本平台保存的同一编号核查不一致 / it differs from the check this platform stored under that id")
        }
        return ReceiptVerification(
            signatureValid: signatureValid,
            signedByThisPlatform: ours,
            answerUnchanged: answerUnchanged,
            matchesStoredCheck: matches,
            answer: answerUnchanged ? shown.answer : nil,
            problems: problems
        )
    }
}
