import Foundation

/// How a department's files name their columns where the catalogue's names do not fit: each listed column is read
/// as a field, or ignored. Saved per department and category, or given for one file (`credit import --mapping`).
public struct ColumnMapping: Sendable, Hashable, Codable {
    /// One column of the file: the field it holds (its API name), or nil when the column is ignored.
    public struct Entry: Sendable, Hashable, Codable {
        public var column: String
        public var field: String?

        enum CodingKeys: String, CodingKey { case column, field }

        public init(column: String, field: String?) {
            self.column = column
            self.field = field
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            column = try container.decode(String.self, forKey: .column)
            field = try container.decodeIfPresent(String.self, forKey: .field)
        }

        /// Writes `field: null` for an ignored column, so that a saved mapping reads as it is meant.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(column, forKey: .column)
            try container.encode(field, forKey: .field)
        }
    }

    public var columns: [Entry]

    public init(columns: [Entry]) { self.columns = columns }

    /// The entry for a column of a file's header, its name compared as the catalogue compares names.
    func entry(for column: String) -> Entry? {
        let folded = Catalogue.Field.fold(column.trimmingCharacters(in: .whitespaces))
        return columns.first { Catalogue.Field.fold($0.column.trimmingCharacters(in: .whitespaces)) == folded }
    }

    /// The mapping if every column is named once, with some text, and maps to a field of `fields` at most once.
    /// - Throws: ``ImportFailure`` naming the column or field at fault (`invalid_mapping`, `duplicate_mapping`,
    ///   `unknown_field`, `field_mapped_twice`).
    public func validated(fields: [Catalogue.Field]) throws -> ColumnMapping {
        var seen: Set<String> = []
        var mapped: [String: String] = [:]
        for entry in columns {
            let column = entry.column.trimmingCharacters(in: .whitespaces)
            guard !column.isEmpty, column.count <= 200, !column.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw ImportFailure(code: "invalid_mapping", message: "列对应中有空的或无效的列名 / a column of the mapping is empty or not a name")
            }
            guard seen.insert(Catalogue.Field.fold(column)).inserted else {
                throw ImportFailure(
                    code: "duplicate_mapping",
                    message: "列对应中“\(column.prefix(40))”出现了两次 / the mapping names the column \(column.prefix(40)) twice"
                )
            }
            guard let name = entry.field else { continue }
            guard let field = fields.first(where: { $0.name == name }) else {
                throw ImportFailure(
                    code: "unknown_field",
                    message:
                        "列“\(column.prefix(40))”对应的字段“\(name.prefix(40))”不在本类别中 / the column \(column.prefix(40)) maps to \(name.prefix(40)), not a field of this category"
                )
            }
            if let other = mapped[name] {
                throw ImportFailure(
                    code: "field_mapped_twice",
                    message:
                        "“\(other.prefix(40))”和“\(column.prefix(40))”都对应“\(field.label)” / the columns \(other.prefix(40)) and \(column.prefix(40)) both map to \(name)"
                )
            }
            mapped[name] = column
        }
        return ColumnMapping(columns: columns.map { Entry(column: $0.column.trimmingCharacters(in: .whitespaces), field: $0.field) })
    }

    /// Reads a mapping from JSON: `{"columns": [{"column": "当事人", "field": "subjectName"}, {"column": "内部编号", "field": null}]}`.
    /// - Throws: ``ImportFailure`` (`invalid_mapping`) when it is not that shape.
    public static func decode(_ data: Data) throws -> ColumnMapping {
        guard let mapping = try? JSONDecoder().decode(ColumnMapping.self, from: data) else {
            throw ImportFailure(
                code: "invalid_mapping",
                message:
                    "列对应应为 JSON：{\"columns\": [{\"column\": 列名, \"field\": 字段名或 null（忽略）}]} / a mapping is JSON: {\"columns\": [{\"column\": name, \"field\": field or null to ignore}]}"
            )
        }
        return mapping
    }
}

/// A mapping saved by a department for its files of one category.
public struct SavedColumnMapping: Sendable, Hashable {
    public var departmentCode: String
    public var category: String
    public var mapping: ColumnMapping
    public var accountID: Int?
    public var savedAt: String

    public init(departmentCode: String, category: String, mapping: ColumnMapping, accountID: Int?, savedAt: String) {
        self.departmentCode = departmentCode
        self.category = category
        self.mapping = mapping
        self.accountID = accountID
        self.savedAt = savedAt
    }
}

/// A header the catalogue's names (and the mapping, if any) do not fit, with the file's columns as read, so that a
/// person can map them (``ColumnProposal/propose(columns:fields:saved:)``).
public struct HeaderMismatch: CreditError {
    public var failure: ImportFailure
    public var columns: [String]
    public var code: String { failure.code }
    public var message: String { failure.message }

    public init(_ failure: ImportFailure, columns: [String]) {
        self.failure = failure
        self.columns = columns
    }
}

/// What a column of a file probably holds, and why the platform thinks so.
public struct ColumnProposal: Sendable, Hashable, Codable {
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The department's saved mapping says so (a field, or ignored).
        case saved
        /// The field's API name or one of the catalogue's Chinese names for it.
        case name
        /// One of the national standard's field codes (CF_…, XK_…).
        case fieldCode
        /// The column's name is like the field's (shared characters): a guess to confirm.
        case similar
        /// Nothing fits.
        case none
    }

    public var column: String
    /// The field proposed (API name), nil when none fits or the saved mapping ignores the column.
    public var field: String?
    public var basis: Basis

    public init(column: String, field: String?, basis: Basis) {
        self.column = column
        self.field = field
        self.basis = basis
    }

    /// Names at least this similar (character pairs in common, or one inside the other) are proposed.
    static let threshold = 0.5

    /// A proposal for each column, in order: the saved mapping first, then the catalogue's names and field codes, then
    /// the most similar field not taken (each field once).
    public static func propose(columns: [String], fields: [Catalogue.Field], saved: ColumnMapping?) -> [ColumnProposal] {
        var proposals = columns.map { ColumnProposal(column: $0, field: nil, basis: .none) }
        var taken: Set<String> = []
        for (i, column) in columns.enumerated() {
            if let entry = saved?.entry(for: column), entry.field.map({ name in fields.contains { $0.name == name } }) ?? true {
                proposals[i] = ColumnProposal(column: column, field: entry.field, basis: .saved)
                if let field = entry.field { taken.insert(field) }
            } else if let field = fields.first(where: { $0.isNamed(byColumn: column) }), !taken.contains(field.name) {
                let code = column.unicodeScalars.allSatisfy { $0.isASCII } && column.contains("_") && column != field.name
                proposals[i] = ColumnProposal(column: column, field: field.name, basis: code ? .fieldCode : .name)
                taken.insert(field.name)
            }
        }
        // The remaining columns take the most similar free field, best pairs first.
        var pairs: [(score: Double, column: Int, field: String)] = []
        for (i, proposal) in proposals.enumerated() where proposal.basis == .none {
            for field in fields where !taken.contains(field.name) {
                let score = ([field.label] + field.aliases).map { similarity(columns[i], $0) }.max() ?? 0
                if score >= threshold { pairs.append((score, i, field.name)) }
            }
        }
        for pair in pairs.sorted(by: { ($0.score, -$0.column) > ($1.score, -$1.column) })
        where proposals[pair.column].basis == .none && !taken.contains(pair.field) {
            proposals[pair.column] = ColumnProposal(column: columns[pair.column], field: pair.field, basis: .similar)
            taken.insert(pair.field)
        }
        return proposals
    }

    /// How alike two column names are, 0…1: the share of character pairs in common (Dice), or, when one name holds
    /// the other, the shorter's share of the longer.
    static func similarity(_ a: String, _ b: String) -> Double {
        let (x, y) = (Array(Catalogue.Field.fold(a)), Array(Catalogue.Field.fold(b)))
        guard x.count >= 2, y.count >= 2 else { return x == y && !x.isEmpty ? 1 : 0 }
        let (short, long) = x.count <= y.count ? (x, y) : (y, x)
        var contained = 0.0
        if String(long).contains(String(short)) { contained = Double(short.count) / Double(long.count) }
        var pairs: [String: Int] = [:]
        for i in 0..<(x.count - 1) { pairs[String(x[i...i + 1]), default: 0] += 1 }
        var common = 0
        for i in 0..<(y.count - 1) {
            let pair = String(y[i...i + 1])
            if let n = pairs[pair], n > 0 {
                common += 1
                pairs[pair] = n - 1
            }
        }
        return max(contained, 2 * Double(common) / Double(x.count + y.count - 2))
    }
}
