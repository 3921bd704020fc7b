import CreditCore
import SQLKit

/// Registrations stored a batch at a time: the batch is worked out in memory against what the registry holds
/// (read with a few statements), then written with multi-row statements. The result is what storing the
/// registrations one by one, in order, would leave: the same versions and log entries in the same order, the
/// same roles, the same outcomes.
extension SQLRegistryStore {
    typealias Facts = RegistrationPlan.Facts
    typealias OpenRole = RegistrationPlan.OpenRole
    typealias Current = RegistrationPlan.Current

    /// Stores registrations in order inside the caller's transaction (see ``RegistryStore/apply(_:)``).
    static func apply(
        _ registrations: [EntityRegistration],
        now: String,
        today: LocalDate,
        engine: CreditDatabase.Engine,
        keys: PersonalDataKeys,
        sql: any SQLDatabase,
        bulk: BulkWriter
    ) async throws -> [RegistrationOutcome] {
        try await WriterLock.registry.take(sql)
        let personIDs = try await personIDs(
            adding: registrations.flatMap { [$0.entity.legalRepresentative] + $0.roles.map(\.person) },
            keys: keys,
            sql: sql
        )
        var entities = try await storedEntities(Set(registrations.map(\.entity.code.rawValue)), sql: sql)

        let plan = try RegistrationPlan.make(registrations, stored: entities, personIDs: personIDs, today: today)
        let (outcomes, versions, roles, endedRepresentatives) = (plan.outcomes, plan.versions, plan.roles, plan.endedRepresentatives)
        entities = plan.entities

        // Written in the order storing them one by one would have: entities (new ones in the order they first
        // appear), versions and log entries, roles.
        var seen = Set<String>()
        var fresh: [(entity: Entity, repID: Int, version: Int)] = []
        var updates: [(id: Int, entity: Entity, repID: Int, version: Int)] = []
        var renamed: [(id: Int, old: String, new: String)] = []
        for code in registrations.map(\.entity.code.rawValue) where seen.insert(code).inserted {
            guard let current = entities[code], let e = current.entity else { continue }  // a stored entity left as it was
            if let id = current.id {
                updates.append((id, e, current.facts.repID, current.version))
                if let old = current.storedName, old != e.name { renamed.append((id, old, e.name)) }
            } else {
                fresh.append((e, current.facts.repID, current.version))
            }
        }
        var ids = try await insertEntities(fresh, engine: engine, now: now, sql: sql)
        for (code, current) in entities { if let id = current.id { ids[code] = id } }
        try await updateEntities(updates, now: now, engine: engine, sql: sql)
        if engine == .sqlite {
            try await unindexSQLiteNames(renamed.map { ($0.id, $0.old) }, sql: sql)
            let named = try fresh.map { (try lookup(ids, $0.entity.code.rawValue), $0.entity.name) } + renamed.map { ($0.id, $0.new) }
            try await indexSQLiteNames(named, sql: sql)
        }
        // Records that arrived before their entity was registered now have their subject. Before the log's lock
        // (``WriterLock``): a batch of records holding one of these rows may be waiting for it.
        for chunk in fresh.map(\.entity.code.rawValue).chunked(sql.listSize) {
            try await sql.update("records").set("matched", to: SQLBind(1)).where("matched", .equal, SQLBind(0))
                .where(sql.oneOf("subject_code", Array(chunk))).run()
        }
        try await insertVersions(
            try versions.map { v in (try lookup(ids, v.code), v.entity, v.repID, v.version, v.reason) },
            now: now,
            keys: keys,
            sql: sql,
            bulk: bulk
        )
        for chunk in endedRepresentatives.chunked(sql.listSize) {
            try await sql.update("entity_roles").set("ends_on", to: SQLBind(today.description))
                .where("role", .equal, PersonRole.legalRepresentative.rawValue).where("ends_on", .is, SQLLiteral.null)
                .where(sql.oneOf("entity_id", Array(chunk))).run()
        }
        try await insertRoles(try roles.map { r in (try lookup(ids, r.code), r.personID, r.role, r.startsOn, r.endsOn) }, bulk: bulk)
        return outcomes
    }

    /// The stored entities among `codes`, with the roles they hold, by credit code.
    static func storedEntities(_ codes: Set<String>, sql: any SQLDatabase) async throws -> [String: Current] {
        var entities: [String: Current] = [:]
        var codeOf: [Int: String] = [:]
        for chunk in Array(codes).chunked(sql.listSize) {
            let rows = try await sql.select()
                .columns("id", "code", "name", "kind", "status", "region_code", "industry_division", "established_on", "legal_rep_id", "version")
                .from("entities").where(sql.oneOf("code", Array(chunk))).all()
            for row in rows {
                let id = try row.decode(column: "id", as: Int.self)
                let code = try row.decode(column: "code", as: String.self)
                let facts = Facts(
                    name: try row.decode(column: "name", as: String.self),
                    kind: try row.decode(column: "kind", as: String.self),
                    status: try row.decode(column: "status", as: String.self),
                    region: try row.decode(column: "region_code", as: String.self),
                    division: try row.decode(column: "industry_division", as: String.self),
                    established: try row.decode(column: "established_on", as: String.self),
                    repID: try row.decode(column: "legal_rep_id", as: Int.self)
                )
                codeOf[id] = code
                entities[code] = Current(
                    id: id,
                    facts: facts,
                    version: try row.decode(column: "version", as: Int.self),
                    storedName: facts.name,
                    open: []
                )
            }
        }
        for chunk in Array(codeOf.keys).chunked(sql.listSize) {
            let rows = try await sql.select().columns("entity_id", "role", "person_id").from("entity_roles").where("ends_on", .is, SQLLiteral.null)
                .where(sql.oneOf("entity_id", Array(chunk))).orderBy("id").all()
            for row in rows {
                guard let code = codeOf[try row.decode(column: "entity_id", as: Int.self)],
                    let role = PersonRole(rawValue: try row.decode(column: "role", as: String.self))
                else { continue }
                entities[code]?.open.append(OpenRole(role: role, personID: try row.decode(column: "person_id", as: Int.self)))
            }
        }
        return entities
    }
}
