import CreditCore
import Foundation
import PostgresNIO
import SQLKit

/// The subject registry on SQLite or PostgreSQL.
public struct SQLRegistryStore: RegistryStore {
    let db: CreditDatabase
    let clock: any CreditClock
    let keys: PersonalDataKeys
    /// How many of the first rows (by id) the PostgreSQL name search probes before it chooses a plan.
    let probeRows: Int

    /// - Parameters:
    ///   - keys: the keys that encrypt identity numbers and index them.
    ///   - probeRows: rows the PostgreSQL name search probes first (see ``postgresFragmentIDs``); tests make it small.
    public init(database: CreditDatabase, keys: PersonalDataKeys, clock: any CreditClock = SystemClock(), probeRows: Int = 20_000) {
        self.db = database
        self.keys = keys
        self.clock = clock
        self.probeRows = probeRows
    }

    static let personColumns = ["id_number_hmac", "id_number_enc", "id_number_masked", "name", "phone_hmac", "phone_enc", "phone_masked"]

    /// The values of a `persons` row, in the order of ``personColumns``: the identity number's HMAC (to find it), the
    /// number sealed with AES-GCM, its masked form (to show it), and the name; the phone number likewise (nil without
    /// one). Neither number is ever stored in clear.
    static func personValues(_ person: Person, keys: PersonalDataKeys) throws -> [String?] {
        [
            keys.index(person.idNumber.rawValue), try keys.seal(person.idNumber.rawValue), person.idNumber.masked, person.name,
            person.phone.map { keys.index($0.rawValue) }, try person.phone.map { try keys.seal($0.rawValue) }, person.phone?.masked,
        ]
    }

    /// Row ids of persons by identity number (in memory only), adding those not registered, in a few statements. A
    /// number given twice keeps its first name; two transactions adding the same new person at once (a registration
    /// and a record about the person, on PostgreSQL) both get the one row.
    static func personIDs(adding persons: [Person], keys: PersonalDataKeys, sql: any SQLDatabase) async throws -> [String: Int] {
        var ids = try await fetchPersonIDs(Set(persons.map(\.idNumber.rawValue)), keys: keys, sql: sql)
        var seen = Set(ids.keys)
        let new = persons.filter { seen.insert($0.idNumber.rawValue).inserted }
        guard !new.isEmpty else { return ids }
        for chunk in new.chunked(sql.isPostgreSQL ? 10_000 : 400) {
            let rows = try chunk.map { try personValues($0, keys: keys) }
            let byHMAC = Dictionary(zip(rows, chunk).map { ($0[0] ?? "", $1.idNumber.rawValue) }) { first, _ in first }  // [0]: the HMAC
            let inserted = try await insertPersons(rows, sql: sql)
            for row in inserted {
                if let number = byHMAC[try row.decode(column: "id_number_hmac", as: String.self)] {
                    ids[number] = try row.decode(column: "id", as: Int.self)
                }
            }
        }
        // Those another transaction added meanwhile are found now (PostgreSQL waited for it to commit).
        let missing = Set(new.map(\.idNumber.rawValue).filter { ids[$0] == nil })
        if !missing.isEmpty { ids.merge(try await fetchPersonIDs(missing, keys: keys, sql: sql)) { first, _ in first } }
        guard new.allSatisfy({ ids[$0.idNumber.rawValue] != nil }) else { throw RegistryError.personVanished }
        return ids
    }

    /// Inserts `persons` rows unless their identity number is there already; returns the inserted rows' `id` and
    /// `id_number_hmac`. On PostgreSQL the rows go as one array per column (`unnest`): a multi-row `INSERT` of
    /// thousands of parameters costs more to parse and plan than to run. An absent phone is an empty string there
    /// (never a value of those columns), made NULL again by the statement.
    static func insertPersons(_ rows: [[String?]], sql: any SQLDatabase) async throws -> [any SQLRow] {
        guard sql.isPostgreSQL else {
            return try await sql.insert(into: "persons").columns(personColumns).rows(expressions: rows.map { $0.map { SQLBind($0) } })
                .ignoringConflicts(with: "id_number_hmac").returning("id", "id_number_hmac").all()
        }
        let columns = personColumns.indices.map { i in SQLBind(rows.map { $0[i] ?? "" }) }
        let names = personColumns.indices.map { "c\($0 + 1)" }
        return try await sql.raw(
            """
            INSERT INTO persons (\(unsafeRaw: personColumns.joined(separator: ", ")))
            SELECT c1, c2, c3, c4, NULLIF(c5, ''), NULLIF(c6, ''), NULLIF(c7, '') FROM \(SQLQueryString.unnest(columns, as: names))
            ON CONFLICT (id_number_hmac) DO NOTHING RETURNING id, id_number_hmac
            """
        ).all()
    }

    public func register(_ entity: Entity, reason: String?) async throws -> RegistrationOutcome {
        try await apply([EntityRegistration(entity: entity, roles: [], reason: reason)])[0]
    }

    /// Registrations (from a file, or one from the API) in one transaction, worked out together (see
    /// ``apply(_:now:today:engine:keys:sql:bulk:)``).
    public func apply(_ registrations: [EntityRegistration]) async throws -> [RegistrationOutcome] {
        guard !registrations.isEmpty else { return [] }
        let now = Timestamp.string(clock.now())
        let today = clock.today()
        return try await db.transaction { [db, keys] sql, bulk in
            try await Self.apply(registrations, now: now, today: today, engine: db.engine, keys: keys, sql: sql, bulk: bulk)
        }
    }

    /// Writes the current facts of changed entities (each with its legal representative's row id and its new version)
    /// from a row source `u(id, c1, …)` whose columns follow ``entityColumns(_:)``: on PostgreSQL ``unnestedEntities``,
    /// on SQLite a `VALUES` list of 200 rows named by a `WITH`.
    static func updateEntities(
        _ entities: [(id: Int, entity: Entity, repID: Int, version: Int)],
        now: String,
        engine: CreditDatabase.Engine,
        sql: any SQLDatabase
    ) async throws {
        // Every column but the code (which never changes); the grams (PostgreSQL) split again.
        let assignments = entityColumns(engine).enumerated().dropFirst().map { i, column in
            column == "name_grams" ? "name_grams = string_to_array(u.c\(i + 1), ' ')" : "\(column) = u.c\(i + 1)"
        }
        let set: SQLQueryString = "UPDATE entities SET \(unsafeRaw: assignments.joined(separator: ", "))"
        for chunk in entities.chunked(engine == .postgres ? 10_000 : 200) {
            let rows = chunk.map { ($0.entity, $0.repID, $0.version) }
            if engine == .postgres {
                try await sql.raw("\(set) FROM \(unnestedEntities(rows, ids: chunk.map(\.id), now: now)) WHERE entities.id = u.id").run()
            } else {
                let values = zip(chunk, rows).map { e, row in
                    SQLGroupExpression([SQLBind(e.id)] + entityValues(row.0, repID: row.1, version: row.2, now: now).map(\.bind))
                }
                let names = (["id"] + entityColumns(engine).indices.map { "c\($0 + 1)" }).joined(separator: ", ")
                try await sql.raw("WITH u(\(unsafeRaw: names)) AS (VALUES \(SQLList(values))) \(set) FROM u WHERE entities.id = u.id").run()
            }
        }
    }

    /// Many `entities` rows as a PostgreSQL row source `unnest(…) AS u([id,] c1, …)`: the columns of
    /// ``entityValues(_:repID:version:now:)`` as arrays, then the name grams joined by spaces (a normalised name has
    /// none) for `string_to_array`; preceded by the row ids when given.
    static func unnestedEntities(_ rows: [(entity: Entity, repID: Int, version: Int)], ids: [Int]?, now: String) -> SQLQueryString {
        let values = rows.map { entityValues($0.entity, repID: $0.repID, version: $0.version, now: now) }
        let grams = rows.map { NameSearch.bigrams(NameSearch.normalize($0.entity.name)).joined(separator: " ") }
        let columns = entityColumns(.postgres).indices.map { "c\($0 + 1)" }
        return .unnest(
            (ids.map { [SQLBind($0)] } ?? []) + BulkValue.arrays(values) + [SQLBind(grams)],
            as: (ids == nil ? [] : ["id"]) + columns
        )
    }

    /// Takes names out of SQLite's name index (a contentless FTS5 table forgets a row by a 'delete' command that
    /// carries the text it was given); ``indexSQLiteNames(_:sql:)`` puts the new ones in.
    static func unindexSQLiteNames(_ names: [(id: Int, name: String)], sql: any SQLDatabase) async throws {
        for chunk in names.chunked(500) {
            let rows: [[any SQLExpression]] = chunk.map { id, name in
                [SQLLiteral.string("delete"), SQLBind(id), SQLBind(NameSearch.bigrams(NameSearch.normalize(name)).joined(separator: " "))]
            }
            try await sql.insert(into: "entity_name_index").columns("entity_name_index", "rowid", "grams").rows(expressions: rows).run()
        }
    }

    /// The log entry of a version, computed from the same values that are stored.
    static func logEntry(entityID: Int, _ e: Entity, version: Int, now: String, reason: String?, keys: PersonalDataKeys) -> [BulkValue] {
        let leaf = TamperEvidentLog.entityVersionLeaf(
            code: e.code.rawValue,
            version: version,
            name: e.name,
            kind: e.kind.rawValue,
            status: e.status.rawValue,
            region: e.regionCode,
            division: e.industryDivision,
            established: e.establishedOn.description,
            representativeHMAC: keys.index(e.legalRepresentative.idNumber.rawValue),
            recordedAt: now,
            reason: reason
        )
        return TamperEvidentLog.entityVersionEntry(entityID: entityID, version: version, leaf: leaf, recordedAt: now)
    }

    /// The columns of `entities` on an engine (PostgreSQL also stores the name's grams for its GIN index).
    static func entityColumns(_ engine: CreditDatabase.Engine) -> [String] {
        let columns = [
            "code", "name", "search_name", "kind", "status", "region_code", "industry_division", "established_on", "legal_rep_id", "version",
            "updated_at",
        ]
        return engine == .postgres ? columns + ["name_grams"] : columns
    }

    /// The values of an `entities` row, in the order of ``entityColumns(_:)`` (PostgreSQL's name grams, an array,
    /// are not among them: see ``unnestedEntities(_:ids:now:)``).
    static func entityValues(_ e: Entity, repID: Int, version: Int, now: String) -> [BulkValue] {
        [
            .text(e.code.rawValue), .text(e.name), .text(NameSearch.normalize(e.name)), .text(e.kind.rawValue), .text(e.status.rawValue),
            .text(e.regionCode), .text(e.industryDivision), .text(e.establishedOn.description), .integer(repID), .integer(version), .text(now),
        ]
    }

    static let versionColumns = [
        "entity_id", "version", "name", "kind", "status", "region_code", "industry_division", "established_on", "legal_rep_id", "recorded_at",
        "reason",
    ]

    /// The values of an `entity_versions` row, in the order of ``versionColumns``.
    static func versionRow(entityID: Int, _ e: Entity, repID: Int, version: Int, now: String, reason: String?) -> [BulkValue] {
        [
            .integer(entityID), .integer(version), .text(e.name), .text(e.kind.rawValue), .text(e.status.rawValue), .text(e.regionCode),
            .text(e.industryDivision), .text(e.establishedOn.description), .integer(repID), .text(now), BulkValue(reason),
        ]
    }

    // MARK: Reading

    static let entityColumns = "e.code, e.name, e.kind, e.status, e.region_code, e.industry_division, e.established_on, e.version, p.name AS rep_name"

    static func decodeEntity(_ row: any SQLRow) throws -> EntityRecord {
        try makeRecord(
            code: try row.decode(column: "code", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            region: try row.decode(column: "region_code", as: String.self),
            division: try row.decode(column: "industry_division", as: String.self),
            established: try row.decode(column: "established_on", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            representative: try row.decode(column: "rep_name", as: String.self)
        )
    }

    static func makeRecord(
        code codeText: String,
        name: String,
        kind: String,
        status: String,
        region: String,
        division: String,
        established: String,
        version: Int,
        representative: String
    ) throws -> EntityRecord {
        guard let code = try? CreditCode(validating: codeText), let kind = EntityKind(rawValue: kind), let status = EntityStatus(rawValue: status),
            let establishedOn = LocalDate(established)
        else { throw RegistryError.corruptRow(codeText) }
        return EntityRecord(
            code: code,
            name: name,
            formerNames: [],
            kind: kind,
            status: status,
            regionCode: region,
            industryDivision: division,
            establishedOn: establishedOn,
            legalRepresentativeName: representative,
            version: version
        )
    }

    /// The lookup by code as a prepared statement: PostgreSQL plans it once per connection instead of on
    /// every call (planning was most of the lookup's time at 1M entities).
    struct EntityByCode: PostgresPreparedStatement {
        static let name = "credit_entity_by_code_v1"
        static let sql = """
            SELECT e.code, e.name, e.kind, e.status, e.region_code, e.industry_division, e.established_on, e.version, p.name, v.name
            FROM entities e JOIN persons p ON p.id = e.legal_rep_id
            LEFT JOIN entity_versions v ON v.entity_id = e.id AND v.name <> e.name WHERE e.code = $1
            """
        typealias Row = (String, String, String, String, String, String, String, Int, String, String?)
        var code: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(code)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    static func fetchEntityPrepared(code: CreditCode, connection: PostgresConnection) async throws -> EntityRecord? {
        var record: EntityRecord?
        var former = Set<String>()
        for try await row in try await connection.execute(EntityByCode(code: code.rawValue)) {
            if record == nil {
                record = try makeRecord(
                    code: row.0,
                    name: row.1,
                    kind: row.2,
                    status: row.3,
                    region: row.4,
                    division: row.5,
                    established: row.6,
                    version: row.7,
                    representative: row.8
                )
            }
            if let name = row.9 { former.insert(name) }
        }
        record?.formerNames = former.sorted()
        return record
    }

    public func fetchEntity(code: CreditCode) async throws -> EntityRecord? {
        if let found = try await db.withPostgresConnection({ connection in try await Self.fetchEntityPrepared(code: code, connection: connection) }) {
            return found
        }
        return try await db.read { sql in
            // One round trip: the current row, repeated once per earlier name (LEFT JOIN), or once alone.
            let rows = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.entityColumns), v.name AS former_name FROM entities e JOIN persons p ON p.id = e.legal_rep_id
                LEFT JOIN entity_versions v ON v.entity_id = e.id AND v.name <> e.name
                WHERE e.code = \(bind: code.rawValue)
                """
            ).all()
            guard let first = rows.first else { return nil }
            var record = try Self.decodeEntity(first)
            record.formerNames = Set(try rows.compactMap { try $0.decode(column: "former_name", as: String?.self) }).sorted()
            return record
        }
    }

    public func fetchVersions(code: CreditCode) async throws -> [EntityVersion] {
        try await db.read { sql in
            try await sql.raw(
                """
                SELECT v.version, v.name, v.status, v.recorded_at, v.reason, p.name AS rep_name FROM entity_versions v
                JOIN entities e ON e.id = v.entity_id JOIN persons p ON p.id = v.legal_rep_id
                WHERE e.code = \(bind: code.rawValue) ORDER BY v.version
                """
            ).all().map { row in
                EntityVersion(
                    version: try row.decode(column: "version", as: Int.self),
                    name: try row.decode(column: "name", as: String.self),
                    legalRepresentativeName: try row.decode(column: "rep_name", as: String.self),
                    status: EntityStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .operating,
                    recordedAt: try row.decode(column: "recorded_at", as: String.self),
                    reason: try row.decode(column: "reason", as: String?.self)
                )
            }
        }
    }

    public func fetchRoles(code: CreditCode) async throws -> [(role: PersonRole, name: String, startsOn: LocalDate, endsOn: LocalDate?)] {
        try await db.read { sql in try await Self.roles(code: code, sql: sql) }
    }

    /// An entity's roles, oldest first.
    static func roles(
        code: CreditCode,
        sql: any SQLDatabase
    ) async throws -> [(role: PersonRole, name: String, startsOn: LocalDate, endsOn: LocalDate?)] {
        let rows = try await sql.raw(
            """
            SELECT r.role, p.name, r.starts_on, r.ends_on FROM entity_roles r JOIN entities e ON e.id = r.entity_id
            JOIN persons p ON p.id = r.person_id WHERE e.code = \(bind: code.rawValue) ORDER BY r.starts_on, r.id
            """
        ).all().map { row in
            (
                try row.decode(column: "role", as: String.self), try row.decode(column: "name", as: String.self),
                try row.decode(column: "starts_on", as: String.self), try row.decode(column: "ends_on", as: String?.self)
            )
        }
        return rows.compactMap { role, name, starts, ends in
            guard let role = PersonRole(rawValue: role), let startsOn = LocalDate(starts) else { return nil }
            return (role, name, startsOn, ends.flatMap { LocalDate($0) })
        }
    }

    public func searchEntities(_ query: EntitySearchQuery) async throws -> EntitySearchPage {
        let engine = db.engine
        let probeRows = probeRows
        return try await db.read { sql in
            let offset = (query.page - 1) * query.size
            switch query.term {
            case .code(let code):
                let rows = try await sql.raw(
                    "SELECT \(unsafeRaw: Self.entityColumns) FROM entities e JOIN persons p ON p.id = e.legal_rep_id WHERE e.code = \(bind: code.rawValue)"
                ).all()
                let items = offset == 0 ? try rows.map(Self.decodeEntity) : []
                return EntitySearchPage(items: items, total: rows.count, totalIsLowerBound: false)
            case .nameFragment(let fragment):
                let (ids, count) =
                    engine == .sqlite
                    ? try await Self.sqliteFragmentIDs(fragment, offset: offset, size: query.size, limit: query.countLimit, sql: sql)
                    : try await Self.postgresFragmentIDs(
                        fragment,
                        offset: offset,
                        size: query.size,
                        limit: query.countLimit,
                        probeRows: probeRows,
                        sql: sql
                    )
                let items = try await Self.fetchEntities(ids: ids, sql: sql)
                let limit = query.countLimit
                return EntitySearchPage(items: items, total: min(count, limit), totalIsLowerBound: count > limit)
            }
        }
    }

    /// The entities with these row ids, in id order.
    static func fetchEntities(ids: [Int], sql: any SQLDatabase) async throws -> [EntityRecord] {
        guard !ids.isEmpty else { return [] }
        let list = ids.map(String.init).joined(separator: ",")  // integers from the database, not user input
        return try await sql.raw(
            "SELECT \(unsafeRaw: entityColumns) FROM entities e JOIN persons p ON p.id = e.legal_rep_id WHERE e.id IN (\(unsafeRaw: list)) ORDER BY e.id"
        ).all().map(decodeEntity)
    }

    /// SQLite: an FTS5 phrase of the fragment's grams is exactly a substring match; FTS5 yields rowids in
    /// order, so both the capped count and the page stop early.
    static func sqliteFragmentIDs(_ fragment: String, offset: Int, size: Int, limit: Int, sql: any SQLDatabase) async throws -> ([Int], Int) {
        let phrase = "\"" + NameSearch.bigrams(fragment).joined(separator: " ") + "\""
        let matches: SQLQueryString = "SELECT rowid AS id FROM entity_name_index WHERE entity_name_index MATCH \(bind: phrase)"
        let count =
            try await sql.raw("SELECT count(*) AS n FROM (\(matches) LIMIT \(unsafeRaw: String(limit + 1))) m")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let ids = try await sql.raw("\(matches) ORDER BY id LIMIT \(unsafeRaw: String(size)) OFFSET \(unsafeRaw: String(offset))").all()
            .map { try $0.decode(column: "id", as: Int.self) }
        return (ids, count)
    }

    /// PostgreSQL: a GIN index over the name's grams is fast for a rare fragment but must build a bitmap of
    /// every match for a common one (有限: a third of the city), and the planner's estimates for `@>` on
    /// arrays are too rough to choose well. So the search first probes the first `probeRows` rows in id
    /// order (a primary-key range scan, about 5 ms at 1M entities) and chooses from what it finds:
    /// - a table no larger than the probe is answered exactly by it;
    /// - a fragment with more than `limit` matches in the probe: the page comes from the probe (or a walk of
    ///   the primary key for a later page) and the total is "more than `limit`";
    /// - a fragment expected more than `10 × limit` times in the table: walking the primary key finds
    ///   `limit + 1` matches within a tenth of the table, so count and page that way;
    /// - a rarer fragment: the GIN index gives the exact count and the page.
    /// Every branch returns the same answer (the conformance suite runs each on both engines).
    static func postgresFragmentIDs(
        _ fragment: String,
        offset: Int,
        size: Int,
        limit: Int,
        probeRows: Int,
        sql: any SQLDatabase
    ) async throws -> ([Int], Int) {
        let probe = try await sql.raw(
            """
            SELECT count(*) FILTER (WHERE strpos(search_name, \(bind: fragment)) > 0) AS matches, count(*) AS scanned,
            (SELECT reltuples::bigint FROM pg_class WHERE oid = 'entities'::regclass) AS estimated_rows
            FROM (SELECT search_name FROM entities ORDER BY id LIMIT \(unsafeRaw: String(probeRows))) s
            """
        ).first()
        let probeMatches = try probe?.decode(column: "matches", as: Int.self) ?? 0
        let scanned = try probe?.decode(column: "scanned", as: Int.self) ?? 0
        let estimatedRows = max(scanned, try probe?.decode(column: "estimated_rows", as: Int.self) ?? 0)
        let window: SQLQueryString = "LIMIT \(unsafeRaw: String(size)) OFFSET \(unsafeRaw: String(offset))"
        func ids(_ query: SQLQueryString) async throws -> [Int] {
            try await sql.raw(query).all().map { try $0.decode(column: "id", as: Int.self) }
        }
        let walk: SQLQueryString = "SELECT id FROM entities WHERE strpos(search_name, \(bind: fragment)) > 0 ORDER BY id"

        if scanned < probeRows || probeMatches > limit {
            let total = probeMatches
            if scanned < probeRows || offset + size <= probeMatches {
                let page = try await ids(
                    """
                    SELECT id FROM (SELECT id, search_name FROM entities ORDER BY id LIMIT \(unsafeRaw: String(probeRows))) s
                    WHERE strpos(search_name, \(bind: fragment)) > 0 ORDER BY id \(window)
                    """
                )
                return (page, total)
            }
            return (try await ids("\(walk) \(window)"), total)
        }
        if probeMatches * estimatedRows > 10 * limit * probeRows {
            let count =
                try await sql.raw("SELECT count(*) AS n FROM (\(walk) LIMIT \(unsafeRaw: String(limit + 1))) m").first()?
                .decode(column: "n", as: Int.self) ?? 0
            return (try await ids("\(walk) \(window)"), count)
        }
        let grams = NameSearch.bigrams(fragment)
        let rows = try await sql.raw(
            """
            WITH m AS MATERIALIZED (SELECT id FROM entities WHERE name_grams @> \(bind: grams) AND strpos(search_name, \(bind: fragment)) > 0)
            SELECT id, count(*) OVER () AS n FROM m ORDER BY id \(window)
            """
        ).all()
        if let first = rows.first {
            return (try rows.map { try $0.decode(column: "id", as: Int.self) }, try first.decode(column: "n", as: Int.self))
        }
        let count =
            try await sql.raw(
                "SELECT count(*) AS n FROM entities WHERE name_grams @> \(bind: grams) AND strpos(search_name, \(bind: fragment)) > 0"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return ([], count)
    }

    public func refreshStatistics() async throws { try await db.analyze() }

    public func countEntities() async throws -> Int {
        try await db.read { sql in
            try await sql.raw("SELECT count(*) AS n FROM entities").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    // MARK: Departments

    public func addDepartment(_ department: Department) async throws {
        let now = Timestamp.string(clock.now())
        try await db.transaction { sql in
            try await sql.insert(into: "departments").columns("code", "name", "registered_at", "registers")
                .values(SQLBind(department.code), SQLBind(department.name), SQLBind(now), SQLBind(department.registers))
                .onConflict(with: ["code"]) { $0.set(excludedValueOf: "name").set(excludedValueOf: "registers") }
                .run()
        }
    }

    public func fetchDepartments() async throws -> [Department] {
        try await db.read { sql in
            try await sql.raw("SELECT code, name, registers FROM departments ORDER BY code").all().compactMap { row in
                guard let code = try? CreditCode(validating: try row.decode(column: "code", as: String.self)) else { return nil }
                return Department(
                    code: code,
                    name: try row.decode(column: "name", as: String.self),
                    registers: try row.decode(column: "registers", as: String?.self)
                )
            }
        }
    }
}

/// Errors of the registry store.
public enum RegistryError: Error, CustomStringConvertible {
    case corruptRow(String)
    /// A person's row was neither found nor added (persons are never deleted: a fault of the database).
    case personVanished

    public var description: String {
        switch self {
        case .corruptRow(let code): "主体 \(code) 的存储记录无法读取 / the stored row of entity \(code) is unreadable"
        case .personVanished: "自然人记录既未找到也未能写入 / a person's row was neither found nor added"
        }
    }
}
