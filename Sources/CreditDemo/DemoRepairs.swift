import CreditCore
import Foundation

/// The demo city's repair cases and objections, one in each state, so that `credit serve --demo` shows them at work:
/// repairs approved, rejected, open, overdue and one awaiting the material its department asked for; objections open,
/// overdue, upheld and one that took a penalty out of the public view. Items are the public penalties of the city's
/// entities from the 101st on (the first ones are left as the other demos and tests find them).
public struct DemoRepairs: Sendable {
    public let city: DemoCity

    public init(city: DemoCity) { self.city = city }

    /// What was made, by state.
    public struct Made: Sendable, Hashable {
        public var repairs: [RepairCase.Status: Int] = [:]
        public var overdueRepairs = 0
        public var objections: [String: Int] = [:]
    }

    /// Public penalties public for at least the last 22 days, one per entity: those repairable since then (nothing law
    /// keeps public) first, for the repairs; the others for the objections.
    func candidates(
        records: any RecordStore,
        entities: Int,
        today: LocalDate,
        rules: RepairRules
    ) async throws -> (
        repairable: [StoredRecord], other: [StoredRecord]
    ) {
        var repairable: [StoredRecord] = []
        var other: [StoredRecord] = []
        var index = min(100, max(entities - 1, 0))
        while repairable.count < 5 || repairable.count + other.count < 9, index < entities {
            let code = city.item(at: index).entity.code.rawValue
            index += 1
            let shown = try await records.publicRecords(subjectCode: code, on: today).filter {
                $0.category == "penalty" && $0.status == .active && $0.subjectCode == code
                    && ($0.publication.map { $0.from <= today.adding(days: -22) } ?? false)
            }
            guard let record = shown.first(where: { Self.repairable($0, today: today, rules: rules) }) ?? shown.first else { continue }
            if Self.repairable(record, today: today, rules: rules) { repairable.append(record) } else { other.append(record) }
        }
        return (repairable, other)
    }

    static func repairable(_ record: StoredRecord, today: LocalDate, rules: RepairRules) -> Bool {
        guard let window = record.publication, window.repairFrom <= today.adding(days: -22), window.until > today else { return false }
        return rules.exclusion(kinds: RecordValidator.punishmentKinds(record.content["punishmentKinds"]), departmentName: record.departmentName)
            == nil
    }

    public func load(
        repairs: any RepairStore,
        objections: any ObjectionStore,
        records: any RecordStore,
        clock: FixedClock,
        entities: Int
    ) async throws -> Made {
        let today = clock.today()
        // Steps taken "today" happen at the clock's instant, not at noon: never later than the log's first checkpoint.
        let now = clock.now()
        var made = Made()
        var (pool, others) = try await candidates(records: records, entities: entities, today: today, rules: .shipped)
        func next() -> StoredRecord? { pool.isEmpty ? nil : pool.removeFirst() }
        func nextAny() -> StoredRecord? { others.isEmpty ? next() : others.removeFirst() }
        let commitment = RepairApplication.Commitment(accepted: true)
        func apply(_ record: StoredRecord, daysAgo: Int, materials: [MaterialUpload]? = nil) async throws -> RepairCase {
            clock.set(now.addingTimeInterval(-Double(daysAgo) * 86_400))
            defer { clock.set(now) }
            return try await repairs.apply(
                entityCode: record.subjectCode!,
                RepairApplication(items: [.init(recordId: record.id)], commitment: commitment, materials: materials),
                by: "演示申请人"
            )
        }
        // Repairs: approved, rejected (reasons given), open, and one accepted three weeks ago and never answered.
        for (outcome, reason, daysAgo) in [
            (RepairDecision.Outcome.approved, "罚款已缴清，违法行为已改正，已作出信用承诺", 2), (.rejected, "未提交履行行政处罚决定的证明材料", 1),
        ] {
            guard let record = next() else { break }
            let accepted = try await apply(record, daysAgo: daysAgo)
            let decided = try await repairs.decide(
                id: accepted.id,
                RepairDecision(outcome: outcome, reason: reason),
                departmentCode: accepted.departmentCode,
                by: "演示审核员"
            )
            made.repairs[decided.status, default: 0] += 1
        }
        if let record = next() {
            _ = try await apply(record, daysAgo: 0)
            made.repairs[.accepted, default: 0] += 1
        }
        if let record = next() {
            if try await apply(record, daysAgo: 21).isOverdue(on: today) { made.overdueRepairs += 1 }
            made.repairs[.accepted, default: 0] += 1
        }
        // One with its receipt attached, for which the department asked, once, for the proof of rectification.
        if let record = next() {
            let receipt = MaterialUpload(name: "缴款凭证.pdf", content: Data("%PDF-1.4\n% 演示缴款凭证\n".utf8).base64EncodedString())
            let accepted = try await apply(record, daysAgo: 2, materials: [receipt])
            let asked = try await repairs.step(
                id: accepted.id,
                RepairStep(action: .requestMaterial, reason: "请补充整改完成的证明材料（现场照片或整改报告）"),
                actor: .department(accepted.departmentCode),
                by: "演示审核员"
            )
            made.repairs[asked.status, default: 0] += 1
        }
        // Objections: open, overdue, upheld, and one right about a penalty (unpublished, with a remedy notice).
        func file(_ record: StoredRecord, daysAgo: Int, grounds: String) async throws -> Objection {
            clock.set(now.addingTimeInterval(-Double(daysAgo) * 86_400))
            defer { clock.set(now) }
            return try await objections.file(
                ObjectionFiling(recordId: record.id, grounds: grounds),
                filerKind: .entity,
                filer: record.subjectCode!,
                by: "演示申请人"
            )
        }
        if let record = nextAny() {
            _ = try await file(record, daysAgo: 0, grounds: "处罚金额记载有误，应为人民币五千元")
            made.objections["open", default: 0] += 1
        }
        if let record = nextAny() {
            _ = try await file(record, daysAgo: 21, grounds: "该处罚决定已被行政复议决定撤销")
            made.objections["overdue", default: 0] += 1
        }
        if let record = nextAny() {
            let filed = try await file(record, daysAgo: 3, grounds: "本单位不存在该违法行为")
            _ = try await objections.decide(
                id: filed.id,
                .upheld,
                reason: "经核查，处罚决定事实清楚、依据正确，原信息维持",
                departmentCode: filed.departmentCode,
                by: "演示审核员"
            )
            made.objections["upheld", default: 0] += 1
        }
        if let record = nextAny() {
            let filed = try await file(record, daysAgo: 4, grounds: "处罚决定已被人民法院判决撤销")
            _ = try await objections.decide(
                id: filed.id,
                .unpublished,
                reason: "原处罚决定已被撤销，停止公示",
                departmentCode: filed.departmentCode,
                by: "演示审核员"
            )
            made.objections["unpublished", default: 0] += 1
        }
        return made
    }
}
