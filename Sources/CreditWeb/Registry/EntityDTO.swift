import CreditCore
import Hummingbird

/// An entity as the JSON API shows it (lowerCamelCase, dates as `YYYY-MM-DD`).
struct EntityDTO: ResponseEncodable, Sendable {
    struct RegionDTO: Codable, Sendable {
        var code: String
        var name: String?
    }
    struct IndustryDTO: Codable, Sendable {
        var section: String?
        var sectionName: String?
        var division: String
        var name: String?
    }
    struct RepresentativeDTO: Codable, Sendable { var name: String }

    var code: String
    var name: String
    var formerNames: [String]
    var kind: String
    var kindLabel: String
    var status: String
    var statusLabel: String
    var region: RegionDTO
    var industry: IndustryDTO
    var establishedOn: String
    var legalRepresentative: RepresentativeDTO
    var version: Int
    /// After a registration: accepted, updated or unchanged.
    var outcome: String?

    init(_ e: EntityRecord, tables: ReferenceTables) {
        let division = tables.division(e.industryDivision)
        code = e.code.rawValue
        name = e.name
        formerNames = e.formerNames
        kind = e.kind.rawValue
        kindLabel = e.kind.label
        status = e.status.rawValue
        statusLabel = e.status.label
        region = RegionDTO(code: e.regionCode, name: tables.region(e.regionCode)?.name)
        industry = IndustryDTO(
            section: division?.section,
            sectionName: division.flatMap { tables.section($0.section)?.name },
            division: e.industryDivision,
            name: division?.name
        )
        establishedOn = e.establishedOn.description
        legalRepresentative = RepresentativeDTO(name: e.legalRepresentativeName)
        version = e.version
    }
}

struct EntityPageDTO: ResponseEncodable, Sendable {
    var items: [EntityDTO]
    var total: Int
    /// True when there are more matches than `total` (counting stops at 1,000).
    var totalIsLowerBound: Bool
    var page: Int
    var size: Int
}

struct DepartmentsDTO: ResponseEncodable, Sendable {
    var items: [Department]
}
