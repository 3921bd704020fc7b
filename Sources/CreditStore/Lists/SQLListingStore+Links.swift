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
                guard
                    let row = try await sql.raw("SELECT id, name, industry_division FROM entities WHERE code = \(bind: code.rawValue)").first()
                else { return SubjectLinks(subject: nil, listings: [], links: []) }
                let entityID = try row.decode(column: "id", as: Int.self)
                let roles = try await sql.raw(
                    """
                    SELECT r.role, p.id, p.id_number_hmac, p.id_number_masked, p.name FROM entity_roles r JOIN persons p ON p.id = r.person_id
                    WHERE r.entity_id = \(bind: entityID) AND r.starts_on <= \(bind: dayText) AND (r.ends_on IS NULL OR r.ends_on >= \(bind: dayText))
                    ORDER BY r.id
                    """
                ).all().map { row in
                    (
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
                let own =
                    try await Self.entries(keys: [code.rawValue], sql: sql)
                    + Self.recordEntries(column: "subject_code", values: [code.rawValue], types: recordTypes, sql: sql)
                let theirs = try await Self.entries(keys: roles.map(\.hmac), sql: sql)
                let theirRecords = try await Self.recordEntries(
                    column: "subject_person_id",
                    values: roles.map(\.personID),
                    types: recordTypes,
                    sql: sql
                )
                let links = roles.compactMap { r -> SubjectLinks.Link? in
                    guard let role = r.role else { return nil }
                    let listings =
                        theirs.filter { $0.key == r.hmac }.map(\.listing) + theirRecords.filter { $0.key == String(r.personID) }.map(\.listing)
                    return SubjectLinks.Link(role: role, party: r.party, listings: listings)
                }
                return SubjectLinks(
                    subject: SubjectLinks.Party(code: code.rawValue, idNumberMasked: nil, name: try row.decode(column: "name", as: String.self)),
                    industry: try row.decode(column: "industry_division", as: String.self),
                    listings: own.map(\.listing),
                    links: links
                )
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
