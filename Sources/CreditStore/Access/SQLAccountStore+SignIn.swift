import CreditCore
import Crypto
import Foundation
import HummingbirdBcrypt
import HummingbirdOTP
import NIOPosix
import SQLKit

/// People signing in: passwords (bcrypt), TOTP, lock-out and server-side sessions.
///
/// A session cookie is `crs_` + 64 hexadecimal characters; like API tokens, only its SHA-256 is stored,
/// so several server processes share sessions and a restart signs no one out.
extension SQLAccountStore {
    static let sessionPrefix = "crs_"

    /// 32 random bytes in hexadecimal.
    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// bcrypt runs on NIO's blocking thread pool, not on the threads that serve requests.
    func bcryptHash(_ password: String) async throws -> String {
        let cost = passwordCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func bcryptVerify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    public func setPassword(accountID: Int, login: String, password: String) async throws {
        let login = try SignInRules.checkLogin(login)
        try SignInRules.checkPassword(password, login: login)
        let hash = try await bcryptHash(password)
        let taken = AccountError(code: "login_taken", message: "登录名 \(login) 已被使用 / the login name \(login) is taken")
        do {
            try await db.transaction { sql in
                guard try await sql.select().column("id").from("accounts").where("id", .equal, accountID).first() != nil else {
                    throw AccountError(code: "unknown_account", message: "账户 \(accountID) 不存在 / account \(accountID) does not exist")
                }
                if try await sql.select().column("id").from("accounts").where("login", .equal, login).where("id", .notEqual, accountID).first()
                    != nil
                {
                    throw taken
                }
                try await sql.update("accounts").set("login", to: SQLBind(login)).set("password_hash", to: SQLBind(hash))
                    .set("failed_logins", to: SQLBind(0)).set("locked_until", to: SQLLiteral.null).where("id", .equal, accountID).run()
            }
        } catch  where CreditDatabase.isUniqueViolation(error) {
            throw taken  // given to another account meanwhile (PostgreSQL: by a change not committed when this one looked)
        }
    }

    public func enableTOTP(accountID: Int) async throws -> String {
        guard let keys else {
            throw AccountError(code: "no_keys", message: "未配置加密密钥，无法启用动态口令 / no encryption keys are configured, so TOTP cannot be enabled")
        }
        // 20 characters from a 32-letter alphabet: 100 bits, and printable, as HummingbirdOTP keys on the text.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let secret = String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let sealed = try keys.seal(secret)
        let login = try await db.transaction { sql in
            guard
                let row = try await sql.update("accounts").set("totp_secret_enc", to: SQLBind(sealed)).where("id", .equal, accountID)
                    .returning("login").first()
            else {
                throw AccountError(code: "unknown_account", message: "账户 \(accountID) 不存在 / account \(accountID) does not exist")
            }
            return try row.decode(column: "login", as: String?.self)
        }
        return TOTP(secret: secret).createAuthenticatorURL(label: login ?? "account-\(accountID)", issuer: "credit-platform")
    }

    /// A hash that no password matches, checked when the login name is unknown so that the answer takes
    /// as long as for a known one (no enumeration of login names by timing).
    static let decoyHash = Bcrypt.hash(randomHex(), cost: 12)

    public func logIn(login: String, password: String, totp: String?) async throws -> LoginOutcome {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        let now = clock.now()
        let row = try await db.read { sql in
            try await sql.raw(
                """
                SELECT id, name, role, department_code, entity_code, password_hash, totp_secret_enc, failed_logins, locked_until
                FROM accounts WHERE login = \(bind: login) AND disabled_at IS NULL
                """
            ).first()
        }
        guard let row, let hash = try row.decode(column: "password_hash", as: String?.self),
            let role = Role(rawValue: try row.decode(column: "role", as: String.self))
        else {
            _ = try await bcryptVerify(password, hash: Self.decoyHash)
            return .invalidCredentials
        }
        let id = try row.decode(column: "id", as: Int.self)
        if let locked = try row.decode(column: "locked_until", as: String?.self), locked > Timestamp.string(now),
            let until = Self.instant(locked)
        {
            return .locked(until: until)
        }
        // The attempt is counted before the password is checked, in one statement: guesses sent at once each take
        // their own number (read, check, then write would count them all as the first). The attempts beyond the
        // limit are not checked at all.
        guard let attempt = try await countAttempt(id, now: now) else { return try await lock(id, now: now) }
        guard attempt <= SignInRules.maximumFailures else { return try await lock(id, now: now) }
        var outcome: LoginOutcome = .invalidCredentials
        if try await bcryptVerify(password, hash: hash) {
            outcome = .signedIn(
                Principal(
                    accountID: id,
                    name: try row.decode(column: "name", as: String.self),
                    role: role,
                    departmentCode: try row.decode(column: "department_code", as: String?.self),
                    entityCode: try row.decode(column: "entity_code", as: String?.self)
                )
            )
            if let sealed = try row.decode(column: "totp_secret_enc", as: String?.self) {
                guard let keys else {
                    throw AccountError(code: "no_keys", message: "未配置加密密钥，无法校验动态口令 / no encryption keys are configured to check TOTP")
                }
                let code = (totp ?? "").filter { !$0.isWhitespace }
                if code.isEmpty {
                    outcome = .totpRequired
                } else if !Self.totpMatches(code, secret: try keys.open(sealed), at: now) {
                    outcome = .invalidCredentials
                }
            }
        }
        if outcome.isSuccess {
            try await db.transaction { sql in
                try await sql.update("accounts").set("failed_logins", to: SQLBind(0)).set("locked_until", to: SQLLiteral.null)
                    .where("id", .equal, id).run()
            }
            return outcome
        }
        return attempt >= SignInRules.maximumFailures ? try await lock(id, now: now) : outcome
    }

    /// Counts an attempt to sign in to an account that is not locked at `now`; its number among the failures in a row
    /// (this one included), or nil when the account is locked.
    func countAttempt(_ id: Int, now: Date) async throws -> Int? {
        try await db.transaction { sql in
            try await sql.raw(
                """
                UPDATE accounts SET failed_logins = failed_logins + 1
                WHERE id = \(bind: id) AND (locked_until IS NULL OR locked_until <= \(bind: Timestamp.string(now)))
                RETURNING failed_logins
                """
            ).first()?.decode(column: "failed_logins", as: Int.self)
        }
    }

    /// Locks the account from `now` for ``SignInRules/lockout`` unless it is locked already (by an attempt made at
    /// the same time), and answers until when it is locked.
    func lock(_ id: Int, now: Date) async throws -> LoginOutcome {
        let until = now.addingTimeInterval(SignInRules.lockout)
        let stored = try await db.transaction { sql in
            try await sql.raw(
                """
                UPDATE accounts SET failed_logins = 0, locked_until = \(bind: Timestamp.string(until))
                WHERE id = \(bind: id) AND (locked_until IS NULL OR locked_until <= \(bind: Timestamp.string(now)))
                """
            ).run()
            return try await sql.raw("SELECT locked_until FROM accounts WHERE id = \(bind: id)").first()?
                .decode(column: "locked_until", as: String?.self)
        }
        return .locked(until: stored.flatMap(Self.instant) ?? until)
    }

    static func instant(_ timestamp: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp)
    }

    /// The code of the current 30-second step, or of the one before or after (clocks drift).
    static func totpMatches(_ code: String, secret: String, at now: Date) -> Bool {
        let totp = TOTP(secret: secret)
        return [-30.0, 0, 30].contains { offset in
            String(format: "%06d", totp.compute(date: now.addingTimeInterval(offset))) == code
        }
    }

    public func startSession(accountID: Int) async throws -> (token: String, csrfToken: String) {
        let token = Self.sessionPrefix + Self.randomHex()
        let csrf = Self.randomHex()
        let now = clock.now()
        try await db.transaction { sql in
            try await sql.insert(into: "sessions").columns("token_hash", "account_id", "csrf_token", "created_at", "last_seen_at", "expires_at")
                .values(
                    SQLBind(Self.hash(token)),
                    SQLBind(accountID),
                    SQLBind(csrf),
                    SQLBind(Timestamp.string(now)),
                    SQLBind(Timestamp.string(now)),
                    SQLBind(Timestamp.string(now.addingTimeInterval(SignInRules.absoluteTimeout)))
                ).run()
        }
        return (token, csrf)
    }

    public func session(token: String) async throws -> (principal: Principal, csrfToken: String)? {
        guard token.hasPrefix(Self.sessionPrefix), token.utf8.count == Self.sessionPrefix.count + 64 else { return nil }
        let hash = Self.hash(token)
        let now = clock.now()
        let idleSince = Timestamp.string(now.addingTimeInterval(-SignInRules.idleTimeout))
        let found = try await db.read { sql in
            try await sql.raw(
                """
                SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, a.id, a.name, a.role, a.department_code, a.entity_code
                FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE s.token_hash = \(bind: hash) AND s.ended_at IS NULL AND s.expires_at > \(bind: Timestamp.string(now))
                AND s.last_seen_at > \(bind: idleSince) AND a.disabled_at IS NULL
                """
            ).first()
        }
        guard let row = found, let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
        // Record activity at most once a minute: a write per page view would be wasted work.
        if try row.decode(column: "last_seen_at", as: String.self) < Timestamp.string(now.addingTimeInterval(-60)) {
            let sessionID = try row.decode(column: "session_id", as: Int.self)
            try await db.transaction { sql in
                try await sql.update("sessions").set("last_seen_at", to: SQLBind(Timestamp.string(now))).where("id", .equal, sessionID).run()
            }
        }
        let principal = Principal(
            accountID: try row.decode(column: "id", as: Int.self),
            name: try row.decode(column: "name", as: String.self),
            role: role,
            departmentCode: try row.decode(column: "department_code", as: String?.self),
            entityCode: try row.decode(column: "entity_code", as: String?.self)
        )
        return (principal, try row.decode(column: "csrf_token", as: String.self))
    }

    public func endSession(token: String) async throws -> Bool {
        let hash = Self.hash(token)
        let now = Timestamp.string(clock.now())
        return try await db.transaction { sql in
            try await sql.update("sessions").set("ended_at", to: SQLBind(now)).where("token_hash", .equal, hash)
                .where("ended_at", .is, SQLLiteral.null).returning("id").first() != nil
        }
    }
}

extension LoginOutcome {
    var isSuccess: Bool {
        if case .signedIn = self { return true }
        return false
    }
}
