import Foundation
import Synchronization

/// Every catalogue version the platform knows; the one in force on a day is the latest effective on or
/// before it. The credit office adds versions while the platform runs (`PUT /api/v1/catalog`).
public final class CatalogueVersions: Sendable {
    private let versions: Mutex<[Catalogue]>

    public init(_ versions: [Catalogue]) {
        self.versions = Mutex(versions.sorted { $0.effectiveFrom < $1.effectiveFrom })
    }

    /// The version in force on a day (the earliest known one for a day before them all).
    public func inForce(on day: LocalDate) -> Catalogue {
        versions.withLock { list in list.last { $0.effectiveFrom <= day } ?? list[0] }
    }

    public var all: [Catalogue] { versions.withLock { $0 } }

    /// Every category code any version has had, sorted: every stored record is of one of them (the catalogue gate;
    /// versions are never removed).
    public var everyCategoryCode: [String] { Set(all.flatMap { $0.categories.map(\.code) }).sorted() }

    /// Adds a version (already checked and stored); a version already known is not added twice (the server's
    /// reloader and `PUT /api/v1/catalog` may both add the one just stored).
    public func add(_ catalogue: Catalogue) {
        versions.withLock { list in
            guard !list.contains(where: { $0.version == catalogue.version }) else { return }
            list.append(catalogue)
            list.sort { $0.effectiveFrom < $1.effectiveFrom }
        }
    }
}

extension Catalogue {
    /// What is wrong with a catalogue the credit office wants to load, in Chinese and English; empty when it
    /// may be loaded. A new version takes effect today or later, never in the past: records already checked
    /// against the version in force keep it.
    public func problems(today: LocalDate) -> [String] {
        var problems: [String] = []
        if version.trimmingCharacters(in: .whitespaces).isEmpty || version.count > 40 {
            problems.append("版本号应为 1 到 40 个字 / version must be 1 to 40 characters")
        }
        if effectiveFrom < today {
            problems.append(
                "生效日期 \(effectiveFrom) 早于今天 \(today)：目录不能追溯生效 / effectiveFrom is in the past; a catalogue cannot take effect retroactively"
            )
        }
        if categories.isEmpty { problems.append("目录没有类别 / the catalogue has no category") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        var codes = Set<String>()
        for category in categories {
            let c = category.code
            if !codes.insert(c).inserted { problems.append("类别 \(c) 重复 / category \(c) appears twice") }
            if c.isEmpty || c.count > 40 || !c.allSatisfy(allowed.contains) || c.first == "-" {
                problems.append("类别代码 \(c) 应为小写字母、数字和连字符 / category codes are lower-case letters, digits and hyphens")
            }
            var names = Set<String>()
            var labels = Set<String>()
            for field in category.fields {
                if !names.insert(field.name).inserted { problems.append("\(c)：字段 \(field.name) 重复 / \(c): field \(field.name) appears twice") }
                for alias in Set(field.aliases + [field.label]) where !labels.insert(alias).inserted {
                    problems.append("\(c)：列名“\(alias)”对应两个字段 / \(c): the column name \(alias) names two fields")
                }
            }
            for required in ["subjectName", "documentNumber", "decidedOn", "content"] where category.field(required)?.required != true {
                problems.append("\(c)：缺少必填字段 \(required) / \(c) needs the required field \(required)")
            }
            if category.field("subjectCode") == nil && category.field("subjectIdNumber") == nil {
                problems.append("\(c)：需要 subjectCode 或 subjectIdNumber 字段 / \(c) needs subjectCode or subjectIdNumber")
            }
            if category.adverse && category.publication.kind == .severity && category.field("severity")?.required != true {
                problems.append("\(c)：按失信程度公示的类别须有必填的 severity 字段 / \(c) is published by severity and needs a required severity field")
            }
            if category.publication.kind == .court && category.field("listedUntil")?.required != true {
                problems.append("\(c)：法院名单须有必填的 listedUntil（失信期限至）字段 / \(c) is a court's list and needs a required listedUntil field")
            }
            if category.publication.uncorrected != nil,
                category.field("uncorrectedUntil")?.type != .date || category.field("uncorrectedBasis") == nil
            {
                problems.append(
                    "\(c)：未纠正继续公示须有 uncorrectedUntil（日期）和 uncorrectedBasis 字段 / \(c) keeps uncorrected records public and needs the fields uncorrectedUntil (a date) and uncorrectedBasis"
                )
            }
            if category.publication.uncorrected?.longestMonths.map({ !(1...120).contains($0) }) == true {
                problems.append("\(c)：未纠正继续公示最长应为 1 到 120 个月 / \(c): the longest extension is 1 to 120 months")
            }
            if let days = category.deadlineWorkingDays, !(1...60).contains(days) {
                problems.append("\(c)：上网公开时限应为 1 到 60 个工作日 / \(c): the deadline is 1 to 60 working days")
            }
            switch category.publication.kind {
            case .fixed where !(1...120).contains(category.publication.months ?? 0):
                problems.append("\(c)：固定公示期应为 1 到 120 个月 / \(c): a fixed publication period is 1 to 120 months")
            case .severity where !category.adverse:
                problems.append("\(c)：按失信程度公示只适用于失信类信息 / \(c): publication by severity is for adverse categories")
            default:
                break
            }
        }
        return problems
    }
}
