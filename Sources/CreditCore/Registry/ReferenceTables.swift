import Foundation

/// A GB/T 2260 administrative division.
public struct Region: Sendable, Codable, Hashable {
    public var code: String
    public var name: String
}

/// A GB/T 4754-2017 industry division (门类 section letter + two-digit 大类).
public struct IndustryDivision: Sendable, Codable, Hashable {
    public var section: String
    public var division: String
    public var name: String
}

/// A GB/T 4754-2017 section (门类).
public struct IndustrySection: Sendable, Codable, Hashable {
    public var section: String
    public var name: String
    public var divisions: [IndustryDivision]

    enum CodingKeys: String, CodingKey { case section, name, divisions }
    struct RawDivision: Codable {
        var division: String
        var name: String
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        section = try c.decode(String.self, forKey: .section)
        name = try c.decode(String.self, forKey: .name)
        let raw = try c.decode([RawDivision].self, forKey: .divisions)
        let section = self.section
        divisions = raw.map { IndustryDivision(section: section, division: $0.division, name: $0.name) }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(section, forKey: .section)
        try c.encode(name, forKey: .name)
        try c.encode(divisions.map { RawDivision(division: $0.division, name: $0.name) }, forKey: .divisions)
    }
}

/// The reference tables the registry uses, loaded from this module's data files.
public struct ReferenceTables: Sendable {
    public let regions: [Region]
    public let sections: [IndustrySection]
    private let regionsByCode: [String: Region]
    private let divisionsByCode: [String: IndustryDivision]
    private let sectionsByLetter: [String: IndustrySection]

    public init(regions: [Region], sections: [IndustrySection]) {
        self.regions = regions
        self.sections = sections
        regionsByCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        divisionsByCode = Dictionary(sections.flatMap(\.divisions).map { ($0.division, $0) }, uniquingKeysWith: { a, _ in a })
        sectionsByLetter = Dictionary(sections.map { ($0.section, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func region(_ code: String) -> Region? { regionsByCode[code] }
    public func division(_ code: String) -> IndustryDivision? { divisionsByCode[code] }
    /// Every division code (GB/T 4754 大类) the tables know.
    public var divisionCodes: Set<String> { Set(divisionsByCode.keys) }
    public func section(_ letter: String) -> IndustrySection? { sectionsByLetter[letter] }

    /// The tables shipped with the platform (济南's divisions; the GB/T 4754-2017 sections with their divisions).
    public static let standard: ReferenceTables = {
        struct RegionFile: Decodable { var regions: [Region] }
        struct IndustryFile: Decodable { var sections: [IndustrySection] }
        do {
            let regions = try BundledData.decode(RegionFile.self, named: "regions").regions
            let sections = try BundledData.decode(IndustryFile.self, named: "industries").sections
            return ReferenceTables(regions: regions, sections: sections)
        } catch {
            fatalError("bundled reference tables are unreadable: \(error)")
        }
    }()
}
