import CreditCore
import SQLKit

extension SQLRegistryStore {
    /// Registers many new entities, their new persons and their roles in one transaction, with
    /// multi-row inserts (about 5× faster than row by row on SQLite and 15× on PostgreSQL here).
    public func registerNew(_ items: [NewEntity]) async throws {
        guard !items.isEmpty else { return }
        let engine = db.engine
        let now = Timestamp.string(clock.now())
        let keys = keys
        try await db.transaction { sql, bulk in
            try await WriterLock.registry.take(sql)
            try await Self.insertBatch(items, engine: engine, keys: keys, now: now, sql: sql, bulk: bulk)
        }
    }

    static func insertBatch(
        _ items: [NewEntity],
        engine: CreditDatabase.Engine,
        keys: PersonalDataKeys,
        now: String,
        sql: any SQLDatabase,
        bulk: BulkWriter
    ) async throws {
        // Persons first seen in this batch.
        for chunk in items.flatMap(\.newPersons).chunked(sql.isPostgreSQL ? 10_000 : 400) {
            _ = try await insertPersons(try chunk.map { try personValues($0, keys: keys) }, sql: sql)
        }
        let personIDs = try await fetchPersonIDs(Set(items.flatMap { $0.roles.map(\.person.idNumber.rawValue) }), keys: keys, sql: sql)
        let entities = try items.map { ($0.entity, try lookup(personIDs, $0.entity.legalRepresentative.idNumber.rawValue), 1) }
        let entityIDs = try await insertEntities(entities, engine: engine, now: now, sql: sql)
        try await insertVersions(
            try entities.map { e, repID, _ in (try lookup(entityIDs, e.code.rawValue), e, repID, 1, firstRegistration) },
            now: now,
            keys: keys,
            sql: sql,
            bulk: bulk
        )
        try await insertRoles(
            try items.flatMap(\.roles).map { r in
                (try lookup(entityIDs, r.entityCode.rawValue), try lookup(personIDs, r.person.idNumber.rawValue), r.role, r.startsOn, r.endsOn)
            },
            bulk: bulk
        )
        if engine == .sqlite {
            try await indexSQLiteNames(try items.map { (try lookup(entityIDs, $0.entity.code.rawValue), $0.entity.name) }, sql: sql)
        }
    }

    /// Inserts versions and appends their leaves to the tamper-evident log, in order.
    static func insertVersions(
        _ versions: [(entityID: Int, entity: Entity, repID: Int, version: Int, reason: String?)],
        now: String,
        keys: PersonalDataKeys,
        sql: any SQLDatabase,
        bulk: BulkWriter
    ) async throws {
        guard !versions.isEmpty else { return }
        let rows = versions.map { versionRow(entityID: $0.entityID, $0.entity, repID: $0.repID, version: $0.version, now: now, reason: $0.reason) }
        try await bulk.insert(into: "entity_versions", columns: versionColumns, rows: rows)
        let entries = versions.map { logEntry(entityID: $0.entityID, $0.entity, version: $0.version, now: now, reason: $0.reason, keys: keys) }
        try await WriterLock.log.take(sql)
        try await bulk.insert(into: "log_entries", columns: TamperEvidentLog.logColumns, rows: entries)
    }

    /// Inserts roles, in order.
    static func insertRoles(
        _ roles: [(entityID: Int, personID: Int, role: PersonRole, startsOn: LocalDate, endsOn: LocalDate?)],
        bulk: BulkWriter
    ) async throws {
        try await bulk.insert(into: "entity_roles", columns: roleColumns, rows: roles.map(roleRow))
    }

    static let roleColumns = ["entity_id", "person_id", "role", "starts_on", "ends_on"]

    /// The values of an `entity_roles` row, in the order of ``roleColumns``.
    static func roleRow(_ r: (entityID: Int, personID: Int, role: PersonRole, startsOn: LocalDate, endsOn: LocalDate?)) -> [BulkValue] {
        [.integer(r.entityID), .integer(r.personID), .text(r.role.rawValue), .text(r.startsOn.description), BulkValue(r.endsOn?.description)]
    }

    /// Adds new entities' names to SQLite's name index (PostgreSQL keeps the grams in the row).
    static func indexSQLiteNames(_ names: [(id: Int, name: String)], sql: any SQLDatabase) async throws {
        for chunk in names.chunked(500) {
            let rows: [[any SQLExpression]] = chunk.map { id, name in
                [SQLBind(id), SQLBind(NameSearch.bigrams(NameSearch.normalize(name)).joined(separator: " "))]
            }
            try await sql.insert(into: "entity_name_index").columns("rowid", "grams").rows(expressions: rows).run()
        }
    }

    static let firstRegistration = "首次登记 / first registration"

    static func lookup(_ ids: [String: Int], _ key: String) throws -> Int {
        guard let id = ids[key] else { throw RegistryError.corruptRow(IdentityNumber.mask(key)) }
        return id
    }

    /// Row ids of persons by identity number (in memory only), found through their HMACs.
    static func fetchPersonIDs(_ idNumbers: Set<String>, keys: PersonalDataKeys, sql: any SQLDatabase) async throws -> [String: Int] {
        var ids: [String: Int] = [:]
        for chunk in Array(idNumbers).chunked(sql.listSize) {
            let byHMAC = Dictionary(uniqueKeysWithValues: chunk.map { (keys.index($0), $0) })
            let rows = try await sql.select().columns("id", "id_number_hmac").from("persons").where(sql.oneOf("id_number_hmac", Array(byHMAC.keys)))
                .all()
            for row in rows {
                if let number = byHMAC[try row.decode(column: "id_number_hmac", as: String.self)] {
                    ids[number] = try row.decode(column: "id", as: Int.self)
                }
            }
        }
        return ids
    }

    /// Inserts new entities (each with its legal representative's row id and its version) and returns their row ids
    /// by credit code.
    static func insertEntities(
        _ entities: [(entity: Entity, repID: Int, version: Int)],
        engine: CreditDatabase.Engine,
        now: String,
        sql: any SQLDatabase
    ) async throws -> [String: Int] {
        var entityIDs: [String: Int] = [:]
        let columns = entityColumns(engine)
        for chunk in entities.chunked(engine == .postgres ? 10_000 : 400) {
            let inserted: [any SQLRow]
            if engine == .postgres {
                let values = columns.enumerated().map { i, column in column == "name_grams" ? "string_to_array(c\(i + 1), ' ')" : "c\(i + 1)" }
                    .joined(separator: ", ")
                inserted = try await sql.raw(
                    """
                    INSERT INTO entities (\(unsafeRaw: columns.joined(separator: ", "))) SELECT \(unsafeRaw: values)
                    FROM \(unnestedEntities(Array(chunk), ids: nil, now: now)) RETURNING id, code
                    """
                ).all()
            } else {
                let rows = chunk.map { entityValues($0.entity, repID: $0.repID, version: $0.version, now: now).map(\.bind) }
                inserted = try await sql.insert(into: "entities").columns(columns).rows(expressions: rows).returning("id", "code").all()
            }
            for row in inserted { entityIDs[try row.decode(column: "code", as: String.self)] = try row.decode(column: "id", as: Int.self) }
        }
        return entityIDs
    }
}

extension SQLInsertBuilder {
    /// Appends several rows of values.
    @discardableResult
    func rows(expressions rows: [[any SQLExpression]]) -> Self {
        for row in rows { _ = values(row) }
        return self
    }
}
