import CreditCore
import Foundation
import SQLKit

/// The list entries in `listings` (as they stand) and `listing_versions` (every version, each a leaf of the log); the
/// entries of record-fed lists are read from `records`. Decisions are ``ListingPlan``'s.
public struct SQLListingStore: ListingStore {
    let db: CreditDatabase
    let keys: PersonalDataKeys
    let clock: any CreditClock
    let listTypes: any ListTypeStore

    public init(database: CreditDatabase, keys: PersonalDataKeys, clock: any CreditClock, listTypes: any ListTypeStore) {
        self.db = database
        self.keys = keys
        self.clock = clock
        self.listTypes = listTypes
    }

    public static let versionKind = "listing-version"

    /// A version as the log holds it: the fields of the entry, the subject by credit code or identity-number HMAC.
    struct VersionDocument: Codable, Sendable, Hashable {
        var list: String
        var department: String
        var subjectKind: String
        var subjectKey: String
        var subjectIDMasked: String?
        var subjectName: String
        var documentNumber: String
        var reason: String
        var basis: String
        var startsOn: String
        var endsOn: String?
        var noticeServedOn: String?
        var industries: [String]
        var status: String
        var endedOn: String?
        var endReason: String?
        var listTypesVersion: String
        var recordedAt: String

        init(_ l: Listing, subjectKey: String, recordedAt: String) {
            list = l.list
            department = l.departmentCode
            subjectKind = l.subjectCode == nil ? "person" : "entity"
            self.subjectKey = subjectKey
            subjectIDMasked = l.subjectIDMasked
            subjectName = l.subjectName
            documentNumber = l.documentNumber
            reason = l.reason
            basis = l.basis
            startsOn = l.startsOn.description
            endsOn = l.endsOn?.description
            noticeServedOn = l.noticeServedOn?.description
            industries = l.industries
            status = l.status.rawValue
            endedOn = l.endedOn?.description
            endReason = l.endReason
            listTypesVersion = l.listTypesVersion
            self.recordedAt = recordedAt
        }

        func listing(id: Int, version: Int) -> Listing {
            Listing(
                id: id,
                list: list,
                departmentCode: department,
                subjectCode: subjectKind == "entity" ? subjectKey : nil,
                subjectIDMasked: subjectIDMasked,
                subjectName: subjectName,
                documentNumber: documentNumber,
                reason: reason,
                basis: basis,
                startsOn: LocalDate(startsOn)!,
                endsOn: endsOn.flatMap { LocalDate($0) },
                noticeServedOn: noticeServedOn.flatMap { LocalDate($0) },
                industries: industries,
                status: Listing.Status(rawValue: status) ?? .listed,
                endedOn: endedOn.flatMap { LocalDate($0) },
                endReason: endReason,
                version: version,
                listTypesVersion: listTypesVersion
            )
        }

        var text: String { try! CanonicalJSON.text(self) }
    }

    /// The bytes the log hashes for a version.
    static func versionLeaf(listingID: Int, version: Int, document: String) -> Data {
        Data(TamperEvidentLog.canonicalJSON([versionKind, String(listingID), String(version), document]))
    }

    /// Writes a version and its log entry in the transaction of `sql`.
    static func writeVersion(_ listing: Listing, id: Int, subjectKey: String, by: String?, now: String, sql: any SQLDatabase) async throws {
        let document = VersionDocument(listing, subjectKey: subjectKey, recordedAt: now).text
        try await sql.insert(into: "listing_versions").columns("listing_id", "version", "document", "recorded_at", "recorded_by")
            .values(SQLBind(id), SQLBind(listing.version), SQLBind(document), SQLBind(now), SQLBind(by)).run()
        let leaf = versionLeaf(listingID: id, version: listing.version, document: document)
        try await WriterLock.log.take(sql)
        try await sql.insert(into: "log_entries").columns(TamperEvidentLog.logColumns)
            .values(
                SQLBind(versionKind),
                SQLBind(id),
                SQLBind(listing.version),
                SQLBind(MerkleTree.hex(MerkleTree.leafHash(leaf))),
                SQLBind(now)
            ).run()
    }

    static let columns =
        "id, list_code, department_code, subject_kind, subject_key, subject_id_masked, subject_name, document_number, reason, basis, starts_on, ends_on, notice_served_on, industries, status, ended_on, end_reason, version, list_types_version, under_objection"

    static func listing(_ row: any SQLRow) throws -> Listing {
        func text(_ c: String) throws -> String { try row.decode(column: c, as: String.self) }
        func optional(_ c: String) throws -> String? { try row.decode(column: c, as: String?.self) }
        let industries = try text("industries")
        return Listing(
            id: try row.decode(column: "id", as: Int.self),
            list: try text("list_code"),
            departmentCode: try text("department_code"),
            subjectCode: try text("subject_kind") == "entity" ? try text("subject_key") : nil,
            subjectIDMasked: try optional("subject_id_masked"),
            subjectName: try text("subject_name"),
            documentNumber: try text("document_number"),
            reason: try text("reason"),
            basis: try text("basis"),
            startsOn: LocalDate(try text("starts_on"))!,
            endsOn: try optional("ends_on").flatMap { LocalDate($0) },
            noticeServedOn: try optional("notice_served_on").flatMap { LocalDate($0) },
            industries: industries.isEmpty ? [] : industries.components(separatedBy: ","),
            status: Listing.Status(rawValue: try text("status")) ?? .listed,
            endedOn: try optional("ended_on").flatMap { LocalDate($0) },
            endReason: try optional("end_reason"),
            version: try row.decode(column: "version", as: Int.self),
            listTypesVersion: try text("list_types_version"),
            underObjection: try row.decode(column: "under_objection", as: Int.self) == 1
        )
    }

    public func enter(_ request: ParsedListing, departmentCode: String, by: String?) async throws -> ListingOutcome {
        let today = clock.today()
        let types = try await listTypes.versions().inForce(on: today)
        let (department, entityName) = try await db.read { sql -> (Department?, String?) in
            let department = try await sql.raw("SELECT code, name, registers FROM departments WHERE code = \(bind: departmentCode)").first()
                .flatMap { row -> Department? in
                    guard let code = try? CreditCode(validating: try row.decode(column: "code", as: String.self)) else { return nil }
                    return Department(
                        code: code,
                        name: try row.decode(column: "name", as: String.self),
                        registers: try row.decode(column: "registers", as: String?.self)
                    )
                }
            guard case .entity(let code) = request.subject else { return (department, nil) }
            let name = try await sql.raw("SELECT name FROM entities WHERE code = \(bind: code.rawValue)").first()?
                .decode(column: "name", as: String.self)
            return (department, name)
        }
        guard let department else {
            throw ListError(code: "unknown_department", message: "部门 \(departmentCode) 未登记 / department \(departmentCode) is not registered")
        }
        let snapshot = ListingSnapshot(
            types: types,
            department: department,
            entityName: entityName,
            industryDivisions: ReferenceTables.standard.divisionCodes,
            today: today
        )
        let listing = try ListingPlan.entry(request, snapshot: snapshot)
        let subjectKey: String
        let sealed: String?
        switch request.subject {
        case .entity(let code): (subjectKey, sealed) = (code.rawValue, nil)
        case .person(let number, _): (subjectKey, sealed) = (keys.index(number.rawValue), try keys.seal(number.rawValue))
        }
        let now = Timestamp.string(clock.now())
        let existingSQL: SQLQueryString = """
            SELECT \(unsafeRaw: Self.columns) FROM listings WHERE department_code = \(bind: listing.departmentCode)
            AND list_code = \(bind: listing.list) AND document_number = \(bind: listing.documentNumber) AND subject_key = \(bind: subjectKey)
            """
        /// The same decision sent again: unchanged when it says the same, a conflict when it does not.
        @Sendable func same(_ existing: Listing) throws -> ListingOutcome {
            var comparable = existing
            (comparable.id, comparable.version, comparable.status, comparable.endedOn, comparable.endReason) = (nil, 1, .listed, nil, nil)
            (comparable.listTypesVersion, comparable.underObjection) = (listing.listTypesVersion, listing.underObjection)
            guard comparable == listing else {
                throw ListError(
                    code: "listing_exists",
                    message:
                        "该部门已以文书号 \(listing.documentNumber) 将该主体列入\(listing.list)（编号 \(existing.id!)），内容不同；更正请先撤销 / this decision is already entered (listing \(existing.id!)) with other content"
                )
            }
            return ListingOutcome(listing: existing, created: false)
        }
        do {
            return try await db.transaction { sql in
                if let row = try await sql.raw(existingSQL).first() { return try same(try Self.listing(row)) }
                let row = try await sql.insert(into: "listings")
                    .columns(
                        "list_code",
                        "department_code",
                        "subject_kind",
                        "subject_key",
                        "subject_id_enc",
                        "subject_id_masked",
                        "subject_name",
                        "document_number",
                        "reason",
                        "basis",
                        "starts_on",
                        "ends_on",
                        "notice_served_on",
                        "industries",
                        "status",
                        "version",
                        "list_types_version",
                        "created_at",
                        "updated_at"
                    )
                    .values(
                        SQLBind(listing.list),
                        SQLBind(listing.departmentCode),
                        SQLBind(listing.subjectCode == nil ? "person" : "entity"),
                        SQLBind(subjectKey),
                        SQLBind(sealed),
                        SQLBind(listing.subjectIDMasked),
                        SQLBind(listing.subjectName),
                        SQLBind(listing.documentNumber),
                        SQLBind(listing.reason),
                        SQLBind(listing.basis),
                        SQLBind(listing.startsOn.description),
                        SQLBind(listing.endsOn?.description),
                        SQLBind(listing.noticeServedOn?.description),
                        SQLBind(listing.industries.joined(separator: ",")),
                        SQLBind(listing.status.rawValue),
                        SQLBind(listing.version),
                        SQLBind(listing.listTypesVersion),
                        SQLBind(now),
                        SQLBind(now)
                    ).returning("id").first()
                let id = try row!.decode(column: "id", as: Int.self)
                try await Self.writeVersion(listing, id: id, subjectKey: subjectKey, by: by, now: now, sql: sql)
                var stored = listing
                stored.id = id
                return ListingOutcome(listing: stored, created: true)
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            // The same decision entered meanwhile by another request.
            guard let row = try await db.read({ sql in try await sql.raw(existingSQL).first() }) else { throw error }
            return try same(try Self.listing(row))
        }
    }

    public func end(id: Int, _ ending: ListingPlan.Ending, departmentCode: String?, by: String?) async throws -> Listing {
        let (today, now) = (clock.today(), Timestamp.string(clock.now()))
        return try await db.transaction { sql in
            try await Self.end(id: id, ending, departmentCode: departmentCode, by: by, today: today, now: now, sql: sql)
        }
    }

    /// Ends an entry inside the caller's transaction (a repair approved ends its listings with its own writes).
    static func end(
        id: Int,
        _ ending: ListingPlan.Ending,
        departmentCode: String?,
        by: String?,
        today: LocalDate,
        now: String,
        sql: any SQLDatabase
    ) async throws -> Listing {
        // One change of an entry at a time: the log's lock serialises them.
        try await WriterLock.log.take(sql)
        guard let row = try await sql.raw("SELECT \(unsafeRaw: Self.columns), subject_key FROM listings WHERE id = \(bind: id)").first()
        else {
            throw ListError(code: "listing_not_found", message: "没有编号为 \(id) 的列入 / no listing \(id)")
        }
        let current = try Self.listing(row)
        if let departmentCode, departmentCode != current.departmentCode {
            throw ListError(code: "not_list_issuer", message: "只有列入部门可以移出或撤销 / only the department that listed may end this listing")
        }
        let next = try ListingPlan.ending(current, ending, today: today)
        try await sql.update("listings").set("status", to: SQLBind(next.status.rawValue)).set("ended_on", to: SQLBind(next.endedOn?.description))
            .set("end_reason", to: SQLBind(next.endReason)).set("version", to: SQLBind(next.version)).set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(id)).run()
        try await Self.writeVersion(next, id: id, subjectKey: try row.decode(column: "subject_key", as: String.self), by: by, now: now, sql: sql)
        return next
    }

    public func listing(id: Int) async throws -> Listing? {
        try await db.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM listings WHERE id = \(bind: id)").first().map(Self.listing)
        }
    }

    public func versions(id: Int) async throws -> [Listing] {
        try await db.read { sql in
            try await sql.raw("SELECT version, document FROM listing_versions WHERE listing_id = \(bind: id) ORDER BY version").all().map { row in
                let document = try JSONDecoder().decode(VersionDocument.self, from: Data(try row.decode(column: "document", as: String.self).utf8))
                return document.listing(id: id, version: try row.decode(column: "version", as: Int.self))
            }
        }
    }

    public func listings(departmentCode: String, limit: Int) async throws -> [Listing] {
        try await db.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM listings WHERE department_code = \(bind: departmentCode) ORDER BY id DESC LIMIT \(unsafeRaw: String(limit))"
            ).all().map(Self.listing)
        }
    }
}
