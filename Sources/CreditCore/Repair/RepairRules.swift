import Foundation

/// The repair rules of one period (信用修复): what may not be repaired, the materials, the working-day clocks.
/// Versioned data with an effective date (`Resources/repair/`); the version in force on the day of application applies.
public struct RepairRules: Sendable, Codable, Hashable {
    /// A penalty kind that law keeps public for its whole period (总局令第45号第十四条: 吊销营业执照, …).
    public struct Excluded: Sendable, Codable, Hashable {
        public var kind: String
        public var basis: String
        /// Only for decisions of departments whose name contains this (the rule of one sector); nil for every department.
        public var departmentNameContains: String?
    }

    public struct Material: Sendable, Codable, Hashable {
        public var code: String
        public var title: String
        public var required: Bool
    }

    public var version: String
    public var effectiveFrom: LocalDate
    public var basis: String
    /// A 信用修复承诺书 is part of every application (国办发〔2025〕22号).
    public var commitmentRequired: Bool
    public var fee: String
    /// Working days for the platform to accept or ask, once and in full, for what is missing.
    public var acceptWorkingDays: Int
    /// Working days for the deciding department, from acceptance.
    public var decideWorkingDays: Int
    /// Working days an extension adds, with a recorded approval.
    public var extensionWorkingDays: Int
    /// Working days to pass an approved repair on to linked platforms.
    public var syncWorkingDays: Int
    /// The material files a case accepts (PDF, OFD, JPEG, PNG, by content) and how many and how large.
    public var materialLimits: MaterialLimits
    public var nonRepairablePunishments: [Excluded]
    public var materials: [Material]

    public static let shipped: RepairRules = try! BundledData.decode(RepairRules.self, named: "2026-04-01", subdirectory: "repair")

    /// Why a penalty of these kinds, decided by `departmentName`, may not be repaired; nil when it may.
    public func exclusion(kinds: [String], departmentName: String) -> Excluded? {
        nonRepairablePunishments.first { rule in
            kinds.contains(rule.kind) && (rule.departmentNameContains.map(departmentName.contains) ?? true)
        }
    }
}

public typealias RepairError = AreaError<RepairRules>
