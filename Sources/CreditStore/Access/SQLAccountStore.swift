import CreditCore
import Crypto
import Foundation
import PostgresNIO
import SQLKit

/// Accounts and API tokens on SQLite or PostgreSQL.
///
/// A token is `crd_` followed by 64 hexadecimal characters (256 random bits). Only its SHA-256 is
/// stored, so a database dump does not reveal a usable token; a slow hash (bcrypt) would add nothing
/// for a secret with this much entropy and would cost every API request.
public struct SQLAccountStore: AccountStore {
    let db: CreditDatabase
    let clock: any CreditClock
    /// Seals TOTP secrets; without keys, accounts cannot turn TOTP on.
    let keys: PersonalDataKeys?
    /// bcrypt's cost (log2 of its rounds); 12 takes about a quarter of a second here.
    let passwordCost: UInt8

    public init(database: CreditDatabase, clock: any CreditClock = SystemClock(), keys: PersonalDataKeys? = nil, passwordCost: UInt8 = 12) {
        self.db = database
        self.clock = clock
        self.keys = keys
        self.passwordCost = passwordCost
    }

    static let tokenPrefix = "crd_"

    /// The stored form of a token.
    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    public func createAccount(name: String, role: Role, departmentCode: String?, entityCode: String?) async throws -> Account {
        let name = try role.checkNewAccount(name: name, departmentCode: departmentCode, entityCode: entityCode)
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            if let code = departmentCode,
                try await sql.select().column("code").from("departments").where("code", .equal, code).first() == nil
            {
                throw AccountError(code: "unknown_department", message: "部门 \(code) 未登记 / department \(code) is not registered")
            }
            if let code = entityCode, try await sql.select().column("code").from("entities").where("code", .equal, code).first() == nil {
                throw AccountError(code: "unknown_entity", message: "主体 \(code) 未登记 / entity \(code) is not registered")
            }
            let row = try await sql.insert(into: "accounts").columns("name", "role", "department_code", "entity_code", "created_at")
                .values(SQLBind(name), SQLBind(role.rawValue), SQLBind(departmentCode), SQLBind(entityCode), SQLBind(now))
                .returning("id").first()
            let id = try row!.decode(column: "id", as: Int.self)
            return Account(id: id, name: name, role: role, departmentCode: departmentCode, entityCode: entityCode, createdAt: now, disabledAt: nil)
        }
    }

    public func issueToken(accountID: Int, expiresAt: Date?) async throws -> (token: String, info: TokenInfo) {
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux: cryptographically secure
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Self.tokenPrefix + Hex.encode(bytes)
        let prefix = String(token.prefix(Self.tokenPrefix.count + 8))
        let now = Timestamp.string(clock.now())
        let expires = expiresAt.map(Timestamp.string)
        let hash = Self.hash(token)
        let id = try await db.transaction { sql in
            guard try await sql.select().column("id").from("accounts").where("id", .equal, accountID).first() != nil else {
                throw AccountError(code: "unknown_account", message: "账户 \(accountID) 不存在 / account \(accountID) does not exist")
            }
            let row = try await sql.insert(into: "api_tokens").columns("account_id", "token_hash", "prefix", "created_at", "expires_at")
                .values(SQLBind(accountID), SQLBind(hash), SQLBind(prefix), SQLBind(now), SQLBind(expires))
                .returning("id").first()
            return try row!.decode(column: "id", as: Int.self)
        }
        return (token, TokenInfo(id: id, accountID: accountID, prefix: prefix, createdAt: now, expiresAt: expires, revokedAt: nil))
    }

    /// The token query, prepared once per PostgreSQL connection: planning the join cost more than running it.
    struct PrincipalByToken: PostgresPreparedStatement {
        static let name = "credit_principal_by_token_v1"
        static let sql = """
            SELECT a.id, a.name, a.role, a.department_code, a.entity_code FROM api_tokens t JOIN accounts a ON a.id = t.account_id
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND a.disabled_at IS NULL
            """
        typealias Row = (Int, String, String, String?, String?)
        var hash: String
        var now: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(hash)
            bindings.append(now)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    public func authenticate(token: String) async throws -> Principal? {
        guard token.hasPrefix(Self.tokenPrefix), token.utf8.count == Self.tokenPrefix.count + 64 else { return nil }
        let hash = Self.hash(token)
        let now = Timestamp.string(clock.now())
        // nil on SQLite; on PostgreSQL, the answer (which may itself be nil: no such token).
        let prepared: Principal?? = try await db.withPostgresConnection { connection -> Principal? in
            for try await row in try await connection.execute(PrincipalByToken(hash: hash, now: now)) {
                guard let role = Role(rawValue: row.2) else { return nil }
                return Principal(accountID: row.0, name: row.1, role: role, departmentCode: row.3, entityCode: row.4)
            }
            return nil
        }
        if let prepared { return prepared }
        return try await db.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT a.id, a.name, a.role, a.department_code, a.entity_code FROM api_tokens t JOIN accounts a ON a.id = t.account_id
                    WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > \(bind: now))
                    AND a.disabled_at IS NULL
                    """
                ).first(),
                let role = Role(rawValue: try row.decode(column: "role", as: String.self))
            else { return nil }
            return Principal(
                accountID: try row.decode(column: "id", as: Int.self),
                name: try row.decode(column: "name", as: String.self),
                role: role,
                departmentCode: try row.decode(column: "department_code", as: String?.self),
                entityCode: try row.decode(column: "entity_code", as: String?.self)
            )
        }
    }

    public func fetchAccounts() async throws -> [Account] {
        try await db.read { sql in
            try await sql.raw("SELECT id, name, role, department_code, entity_code, created_at, disabled_at FROM accounts ORDER BY id").all()
                .map { row in
                    Account(
                        id: try row.decode(column: "id", as: Int.self),
                        name: try row.decode(column: "name", as: String.self),
                        role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .subscriber,
                        departmentCode: try row.decode(column: "department_code", as: String?.self),
                        entityCode: try row.decode(column: "entity_code", as: String?.self),
                        createdAt: try row.decode(column: "created_at", as: String.self),
                        disabledAt: try row.decode(column: "disabled_at", as: String?.self)
                    )
                }
        }
    }

    public func fetchTokens(accountID: Int) async throws -> [TokenInfo] {
        try await db.read { sql in
            try await sql.raw(
                "SELECT id, account_id, prefix, created_at, expires_at, revoked_at FROM api_tokens WHERE account_id = \(bind: accountID) ORDER BY id"
            ).all().map { row in
                TokenInfo(
                    id: try row.decode(column: "id", as: Int.self),
                    accountID: try row.decode(column: "account_id", as: Int.self),
                    prefix: try row.decode(column: "prefix", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: String.self),
                    expiresAt: try row.decode(column: "expires_at", as: String?.self),
                    revokedAt: try row.decode(column: "revoked_at", as: String?.self)
                )
            }
        }
    }

    public func disableAccount(id: Int) async throws -> Bool {
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            try await sql.update("accounts").set("disabled_at", to: SQLBind(now)).where("id", .equal, id)
                .where("disabled_at", .is, SQLLiteral.null).returning("id").first() != nil
        }
    }

    public func revokeToken(id: Int) async throws -> Bool {
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            let row = try await sql.update("api_tokens").set("revoked_at", to: SQLBind(now)).where("id", .equal, id)
                .where("revoked_at", .is, SQLLiteral.null).returning("id").first()
            return row != nil
        }
    }
}
