import CreditCore
import Foundation

/// The demo city's credit commitments, so that `credit serve --demo` shows them at work: commitments kept (verified
/// fulfilled), broken (found not performed: an adverse record in the entity's file), due and overdue for verification,
/// a commitment signed at a window on an applicant's behalf, and voluntary public ones. Entities are taken from the
/// 201st on, skipping those the 告知承诺 gate refuses.
public struct DemoCommitments: Sendable {
    public let city: DemoCity

    public init(city: DemoCity) { self.city = city }

    /// What was made: commitments by state (`fulfilled`, `broken`, `due`, `overdue`, `public`).
    public struct Made: Sendable, Hashable {
        public var byState: [String: Int] = [:]
    }

    /// Voluntary information: an honour and a qualification accepted, a welfare activity waiting for review. Returns
    /// how many were accepted (each is a record).
    public func loadVoluntary(_ voluntary: any VoluntaryStore, departments: [Department], clock: FixedClock, entities: Int) async throws -> Int {
        guard let market = departments.first(where: { $0.name.contains("市场监督管理") })?.code, entities > 0 else { return 0 }
        let now = clock.now()
        defer { clock.set(now) }
        let declared: [(VoluntarySubmission.Kind, String, String, accept: Bool?)] = [
            (.honour, "守合同重信用企业", "2025 年度济南市守合同重信用企业", true),
            (.qualification, "ISO 9001 质量管理体系认证", "认证有效期至 2028 年 6 月", true),
            (.welfare, "社区助老志愿服务", "2026 年组织员工开展助老服务 12 次", nil),
        ]
        var accepted = 0
        for (offset, (kind, title, content, accept)) in declared.enumerated() {
            let code = city.item(at: min(230 + offset, entities - 1)).entity.code.rawValue
            clock.set(now.addingTimeInterval(-Double(15 - offset) * 86_400))
            let submitted = try await voluntary.submit(
                VoluntaryInput(kind: kind.rawValue, title: title, content: content, department: market),
                subjectCode: code,
                by: "企业经办人"
            )
            if let accept {
                clock.set(now.addingTimeInterval(-Double(10 - offset) * 86_400))
                _ = try await voluntary.review(id: submitted.id, accept: accept, reason: "经核对证明文件属实", reviewer: market, by: "信用审核员")
                if accept { accepted += 1 }
            }
        }
        return accepted
    }

    public func load(commitments: any CommitmentStore, departments: [Department], clock: FixedClock, entities: Int) async throws -> Made {
        let now = clock.now()
        defer { clock.set(now) }
        var made = Made()
        let tax = departments.first { $0.name.contains("税务") }?.code
        let market = departments.first { $0.name.contains("市场监督管理") }?.code
        /// The next entity the gate lets commit, from `index` on.
        var index = min(200, max(entities - 1, 0))
        func sign(_ request: CommitmentRequest, daysAgo: Int, onBehalfOf department: String? = nil) async throws -> Commitment? {
            clock.set(now.addingTimeInterval(-Double(daysAgo) * 86_400))
            while index < entities {
                let code = city.item(at: index).entity.code.rawValue
                index += 1
                do {
                    return try await commitments.sign(
                        request,
                        subjectCode: code,
                        signedBy: department == nil ? "企业经办人" : "窗口经办人",
                        onBehalfOf: department
                    )
                } catch let error as CommitmentError where error.code == "not_eligible" {
                    continue
                }
            }
            return nil
        }
        let premises = { (street: String) in
            CommitmentRequest(item: "business-premises", templateVersion: "2026-04-01", fields: ["address": "济南市历下区\(street)"])
        }
        // Kept and broken, verified weeks after signing.
        if let kept = try await sign(premises("泉城路 188 号"), daysAgo: 45), let market {
            clock.set(now.addingTimeInterval(-20 * 86_400))
            _ = try await commitments.verify(id: kept.id, .fulfilled, reason: "实地核查：住所真实，可用于经营", departmentCode: market, by: "核查员")
            made.byState["fulfilled", default: 0] += 1
        }
        if let broken = try await sign(premises("经十路 9999 号"), daysAgo: 40), let market {
            clock.set(now.addingTimeInterval(-12 * 86_400))
            _ = try await commitments.verify(
                id: broken.id,
                .false,
                reason: "实地核查：该地址不存在，承诺不实",
                departmentCode: market,
                by: "核查员"
            )
            made.byState["broken", default: 0] += 1
        }
        // Signed 40 days ago and never verified: past its 20 working days. Signed this week: due.
        if try await sign(premises("解放路 66 号"), daysAgo: 40) != nil { made.byState["overdue", default: 0] += 1 }
        if try await sign(premises("山大路 12 号"), daysAgo: 2) != nil { made.byState["due", default: 0] += 1 }
        if let tax,
            try await sign(
                CommitmentRequest(item: "tax-clearance-proof", templateVersion: "2026-04-01", fields: ["purpose": "参加政府采购"]),
                daysAgo: 3,
                onBehalfOf: tax
            ) != nil
        {
            made.byState["due", default: 0] += 1
        }
        for _ in 0..<2
        where try await sign(CommitmentRequest(item: "public-integrity", templateVersion: "2026-04-01", fields: [:]), daysAgo: 10) != nil {
            made.byState["public", default: 0] += 1
        }
        return made
    }
}
