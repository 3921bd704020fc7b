import Foundation

/// The repair guidance notice (信用修复告知书) served with an adverse decision (两书同达, 国办发〔2025〕22号): what was
/// recorded, how long it is public, the first day repair may be applied for, the conditions and materials, the channel.
public struct RepairNotice: Sendable, Hashable, Codable {
    public var recordId: Int
    public var documentNumber: String
    public var publicFrom: String
    public var publicUntil: String
    /// Nil when law keeps the record public for its whole period.
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
}
