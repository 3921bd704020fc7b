import CreditCore
import Foundation
import SQLKit

extension SQLListingStore {
    /// A check's reads: the subject, its entries, the roles open on `day` and the entries of the parties holding them.
    public func links(for subject: CheckSubject, on day: LocalDate) async throws -> SubjectLinks {
        let types = try await listTypes.versions().inForce(on: day)
        let recordTypes = types.types.filter { $0.recordCategory != nil }
        let hmac: String? = if case .person(let number) = subject { keys.index(number.rawValue) } else { nil }
        let dayText = day.description
        return try await db.read { sql in
            switch subject {
            case .entity(let code):
                return try await Self.entityLinks([code.rawValue], day: dayText, recordTypes: recordTypes, sql: sql)[code.rawValue]
                    ?? SubjectLinks(subject: nil, listings: [], links: [])
            case .person(let number):
                let hmac = hmac!
                let person = try await sql.raw("SELECT id, name FROM persons WHERE id_number_hmac = \(bind: hmac)").first()
                let personID = try person?.decode(column: "id", as: Int.self)
                var own = try await Self.entries(keys: [hmac], sql: sql)
                var links: [SubjectLinks.Link] = []
                if let personID {
                    own += try await Self.recordEntries(column: "subject_person_id", values: [personID], types: recordTypes, sql: sql)
                    let roles = try await sql.raw(
                        """
                        SELECT r.role, e.code, e.name FROM entity_roles r JOIN entities e ON e.id = r.entity_id
                        WHERE r.person_id = \(bind: personID) AND r.starts_on <= \(bind: dayText) AND (r.ends_on IS NULL OR r.ends_on >= \(bind: dayText))
                        ORDER BY r.id
                        """
                    ).all().map { row in
                        (
                            role: PersonRole(rawValue: try row.decode(column: "role", as: String.self)),
                            code: try row.decode(column: "code", as: String.self),
                            name: try row.decode(column: "name", as: String.self)
                        )
                    }
                    let codes = roles.map(\.code)
                    let theirs =
                        try await Self.entries(keys: codes, sql: sql)
                        + Self.recordEntries(column: "subject_code", values: codes, types: recordTypes, sql: sql)
                    links = roles.compactMap { r in
                        guard let role = r.role else { return nil }
                        return SubjectLinks.Link(
                            role: role,
                            party: SubjectLinks.Party(code: r.code, idNumberMasked: nil, name: r.name),
                            listings: theirs.filter { $0.key == r.code }.map(\.listing)
                        )
                    }
                }
                let name = try person?.decode(column: "name", as: String.self) ?? own.first?.listing.subjectName
                return SubjectLinks(
                    subject: SubjectLinks.Party(code: nil, idNumberMasked: number.masked, name: name ?? ""),
                    listings: own.map(\.listing),
                    links: links
                )
            }
        }
    }

    /// What checks of many subjects read, with the entities' reads done together (a bid opening checks every bidder
    /// at once): a handful of queries for the whole batch instead of a handful per subject.
    public func links(for subjects: [CheckSubject], on day: LocalDate) async throws -> [SubjectLinks] {
        let codes = subjects.compactMap { subject -> String? in if case .entity(let code) = subject { code.rawValue } else { nil } }
        guard codes.count > 1 else {
            var out: [SubjectLinks] = []
            for subject in subjects { out.append(try await links(for: subject, on: day)) }
            return out
        }
        let types = try await listTypes.versions().inForce(on: day)
        let recordTypes = types.types.filter { $0.recordCategory != nil }
        var byCode: [String: SubjectLinks] = [:]
        for chunk in Array(Set(codes)).chunked(500) {
            let found = try await db.read { sql in
                try await Self.entityLinks(Array(chunk), day: day.description, recordTypes: recordTypes, sql: sql)
            }
            byCode.merge(found) { a, _ in a }
        }
        var out: [SubjectLinks] = []
        for subject in subjects {
            switch subject {
            case .entity(let code): out.append(byCode[code.rawValue] ?? SubjectLinks(subject: nil, listings: [], links: []))
            case .person: out.append(try await links(for: subject, on: day))
            }
        }
        return out
    }

    /// The links of entities by credit code (absent: not registered), read in five queries whatever their number.
    static func entityLinks(_ codes: [String], day: String, recordTypes: [ListType], sql: any SQLDatabase) async throws -> [String: SubjectLinks] {
        let entities = try await sql.raw("SELECT id, code, name, industry_division FROM entities WHERE \(sql.oneOf("code", codes))").all().map {
            (
                id: try $0.decode(column: "id", as: Int.self), code: try $0.decode(column: "code", as: String.self),
                name: try $0.decode(column: "name", as: String.self), industry: try $0.decode(column: "industry_division", as: String.self)
            )
        }
        guard !entities.isEmpty else { return [:] }
        let roles = try await sql.raw(
            """
            SELECT r.entity_id, r.role, p.id, p.id_number_hmac, p.id_number_masked, p.name FROM entity_roles r JOIN persons p ON p.id = r.person_id
            WHERE \(sql.oneOf("r.entity_id", entities.map(\.id))) AND r.starts_on <= \(bind: day) AND (r.ends_on IS NULL OR r.ends_on >= \(bind: day))
            ORDER BY r.id
            """
        ).all().map { row in
            (
                entityID: try row.decode(column: "entity_id", as: Int.self),
                role: PersonRole(rawValue: try row.decode(column: "role", as: String.self)),
                personID: try row.decode(column: "id", as: Int.self),
                hmac: try row.decode(column: "id_number_hmac", as: String.self),
                party: SubjectLinks.Party(
                    code: nil,
                    idNumberMasked: try row.decode(column: "id_number_masked", as: String.self),
                    name: try row.decode(column: "name", as: String.self)
                )
            )
        }
        let listings = try await entries(keys: entities.map(\.code) + roles.map(\.hmac), sql: sql)
        let records =
            try await recordEntries(column: "subject_code", values: entities.map(\.code), types: recordTypes, sql: sql)
            + recordEntries(column: "subject_person_id", values: Array(Set(roles.map(\.personID))), types: recordTypes, sql: sql)
        let listingsByKey = Dictionary(grouping: listings, by: \.key)
        let recordsByKey = Dictionary(grouping: records, by: \.key)
        let rolesByEntity = Dictionary(grouping: roles, by: \.entityID)
        var out: [String: SubjectLinks] = [:]
        for e in entities {
            let links = (rolesByEntity[e.id] ?? []).compactMap { r -> SubjectLinks.Link? in
                guard let role = r.role else { return nil }
                let theirs = (listingsByKey[r.hmac] ?? []).map(\.listing) + (recordsByKey[String(r.personID)] ?? []).map(\.listing)
                return SubjectLinks.Link(role: role, party: r.party, listings: theirs)
            }
            out[e.code] = SubjectLinks(
                subject: SubjectLinks.Party(code: e.code, idNumberMasked: nil, name: e.name),
                industry: e.industry,
                listings: (listingsByKey[e.code] ?? []).map(\.listing) + (recordsByKey[e.code] ?? []).map(\.listing),
                links: links
            )
        }
        return out
    }

    /// The entries of the subjects with these keys (credit codes or identity-number HMACs), with each one's key.
    static func entries(keys: [String], sql: any SQLDatabase) async throws -> [(key: String, listing: Listing)] {
        guard !keys.isEmpty else { return [] }
        return try await sql.raw("SELECT \(unsafeRaw: columns), subject_key FROM listings WHERE \(sql.oneOf("subject_key", keys)) ORDER BY id").all()
            .map { (try $0.decode(column: "subject_key", as: String.self), try listing($0)) }
    }

    /// The records that are entries of record-fed lists, for subjects by credit code or person id (the key).
    static func recordEntries<Value: Encodable & Sendable & CustomStringConvertible>(
        column: String,
        values: [Value],
        types: [ListType],
        sql: any SQLDatabase
    ) async throws -> [(key: String, listing: Listing)] {
        guard !values.isEmpty, !types.isEmpty else { return [] }
        let categories = types.compactMap(\.recordCategory)
        let rows = try await sql.raw(
            """
            SELECT r.id, r.department_code, r.category, r.subject_code, r.subject_person_id, p.id_number_masked, r.subject_name, r.document_number,
            r.decided_on, r.status, r.content, r.updated_at FROM records r LEFT JOIN persons p ON p.id = r.subject_person_id
            WHERE \(sql.oneOf("r." + column, values)) AND \(sql.oneOf("r.category", categories)) ORDER BY r.id
            """
        ).all()
        return try rows.compactMap { row in
            let category = try row.decode(column: "category", as: String.self)
            guard let type = types.first(where: { $0.recordCategory == category }),
                let decided = LocalDate(try row.decode(column: "decided_on", as: String.self))
            else { return nil }
            let content =
                (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "content", as: String.self).utf8))) ?? [:]
            let code = try row.decode(column: "subject_code", as: String?.self)
            let personID = try row.decode(column: "subject_person_id", as: Int?.self)
            let updated = try row.decode(column: "updated_at", as: String.self)
            let listing = Listing.fromRecord(
                (
                    id: try row.decode(column: "id", as: Int.self),
                    department: try row.decode(column: "department_code", as: String.self),
                    subjectCode: code,
                    masked: try row.decode(column: "id_number_masked", as: String?.self),
                    name: try row.decode(column: "subject_name", as: String.self),
                    documentNumber: try row.decode(column: "document_number", as: String.self),
                    decidedOn: decided,
                    status: RecordStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .active,
                    content: content,
                    updatedAt: LocalDate(shanghaiDayOf: updated) ?? decided
                ),
                type: type
            )
            return (code ?? personID.map(String.init) ?? "", listing)
        }
    }
}
