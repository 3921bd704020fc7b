import Foundation

/// The repair guidance notice (信用修复告知书) served with an adverse decision (两书同达, 国办发〔2025〕22号): what was
/// recorded, how long it is public, the first day repair may be applied for, the conditions and materials, the channel.
/// A list entry (列入决定) gets one too, naming the first day it may be left early.
public struct RepairNotice: Sendable, Hashable, Codable {
    /// The record's id; nil for a list entry's notice.
    public var recordId: Int?
    /// The list entry's id; nil for a record's notice.
    public var listingId: Int?
    public var documentNumber: String
    public var publicFrom: String
    /// Nil for a list entry whose authority has set no end.
    public var publicUntil: String?
    /// Nil when law keeps the item public for its whole period.
    public var repairFrom: String?
    public var notRepairableBecause: String?
    public var materials: [String]
    public var fee: String
    public var rulesVersion: String
    public var text: String

    /// The notice for a published record, or nil when it is not public (nothing to repair).
    public static func make(_ record: StoredRecord, categoryName: String, rules: RepairRules) -> RepairNotice? {
        guard record.status == .active, let window = record.publication else { return nil }
        let kinds = RecordValidator.punishmentKinds(record.content["punishmentKinds"])
        let excluded = rules.exclusion(kinds: kinds, departmentName: record.departmentName)
        let materials = rules.materials.map { "\($0.title)\($0.required ? "" : "（如适用）")" }
        let subject = record.subjectName + (record.subjectCode.map { "（统一社会信用代码 \($0)）" } ?? "")
        let repair =
            excluded.map { "该处罚含“\($0.kind)”，依\($0.basis)不得提前停止公示，公示期满后自动停止公示。" }
                ?? """
                自 \(window.repairFrom) 起，在纠正失信行为、履行相关义务后，可申请信用修复（提前停止公示）。所需材料：\(materials.joined(separator: "；"))。\
                申请渠道：本平台“信用修复与异议”页面或信用修复接口（POST /api/v1/repairs），由作出决定的\(record.departmentName)办理，\(rules.fee)。
                """
        let text = """
            信用修复告知书
            \(subject)：
            \(record.departmentName)作出的\(categoryName)决定（\(record.documentNumber)，\(record.decidedOn)）已归集至本平台，\
            自 \(window.from) 起公示，至 \(window.until) 止。
            \(repair)
            对该信息有异议的，可通过同一页面或异议接口（POST /api/v1/objections）提出异议。
            """
        return RepairNotice(
            recordId: record.id,
            listingId: nil,
            documentNumber: record.documentNumber,
            publicFrom: window.from.description,
            publicUntil: window.until.description,
            repairFrom: excluded == nil ? window.repairFrom.description : nil,
            notRepairableBecause: excluded.map { "\($0.kind)（\($0.basis)）" },
            materials: excluded == nil ? materials : [],
            fee: rules.fee,
            rulesVersion: rules.version,
            text: text
        )
    }

    /// The notice for a list entry in force that may be left early by repair (a blacklist, a focus list, a ban), or
    /// nil when there is nothing to repair (an incentive list, an entry no longer in force). A list fed by a court's
    /// records is named not repairable here: the court deletes its entries.
    public static func make(
        _ listing: Listing,
        type: ListType,
        on today: LocalDate,
        rules: RepairRules,
        publication: PublicationRules
    )
        -> RepairNotice?
    {
        guard type.kind != .red, listing.isActive(on: today), let id = listing.id else { return nil }
        let why = RepairPlan.notRepairable(type)
        let first = why == nil ? RepairPlan.firstEligibleDay(.listing(listing, type: type), publication: publication) : nil
        let materials = rules.materials.map { "\($0.title)\($0.required ? "" : "（如适用）")" }
        let subject = listing.subjectName + (listing.subjectCode.map { "（统一社会信用代码 \($0)）" } ?? "")
        let you = listing.subjectCode == nil ? "你" : "你单位"
        let until = listing.endsOn.map { "至 \($0) 止" } ?? "期限由列入部门确定"
        let notRepairable = first == nil ? "\(type.name)的列入不通过信用修复移出：\(why ?? "没有适用的期限规则")" : nil
        let repair =
            first.map {
                """
                自 \($0) 起，在纠正失信行为、履行相关义务、消除不良影响后，可申请信用修复（提前移出名单）。\
                \(type.earlyRemoval.map { "移出条件：\($0)。" } ?? "")所需材料：\(materials.joined(separator: "；"))。\
                申请渠道：本平台“信用修复与异议”页面或信用修复接口（POST /api/v1/repairs），由作出列入决定的部门办理，\(rules.fee)。
                """
            } ?? "\(notRepairable!)。"
        let text = """
            信用修复告知书
            \(subject)：
            经\(listing.documentNumber)决定，\(you)自 \(listing.startsOn) 起列入\(type.name)（\(type.kind.label)），\(until)；\
            依据：\(listing.basis)。列入期间将依法依规实施相应管理措施。
            \(repair)
            对该列入有异议的，可通过同一页面或异议接口（POST /api/v1/objections）提出异议。
            """
        return RepairNotice(
            recordId: nil,
            listingId: id,
            documentNumber: listing.documentNumber,
            publicFrom: listing.startsOn.description,
            publicUntil: listing.endsOn?.description,
            repairFrom: first?.description,
            notRepairableBecause: notRepairable,
            materials: first == nil ? [] : materials,
            fee: rules.fee,
            rulesVersion: rules.version,
            text: text
        )
    }
}
