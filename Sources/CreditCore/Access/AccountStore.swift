import Foundation

/// An account as the credit office sees it.
public struct Account: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var role: Role
    public var departmentCode: String?
    public var entityCode: String?
    public var createdAt: String
    public var disabledAt: String?

    public init(
        id: Int,
        name: String,
        role: Role,
        departmentCode: String?,
        entityCode: String?,
        createdAt: String,
        disabledAt: String?
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.departmentCode = departmentCode
        self.entityCode = entityCode
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// An API token's public facts: never the token itself, which is shown once and stored only as a hash.
public struct TokenInfo: Sendable, Hashable {
    public var id: Int
    public var accountID: Int
    /// The first characters of the token, so a person can tell tokens apart.
    public var prefix: String
    public var createdAt: String
    public var expiresAt: String?
    public var revokedAt: String?

    public init(id: Int, accountID: Int, prefix: String, createdAt: String, expiresAt: String?, revokedAt: String?) {
        self.id = id
        self.accountID = accountID
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// A request to create an account that was refused, with the reason in Chinese and English.
public typealias AccountError = AreaError<Account>

/// Accounts and their API tokens; implemented by `CreditStore`.
public protocol AccountStore: Sendable {
    /// Creates an account. A department or inspector account names a registered department; an entity
    /// account names a registered entity; other roles name neither.
    /// - Throws: ``AccountError`` when the binding is missing, superfluous or unknown.
    func createAccount(name: String, role: Role, departmentCode: String?, entityCode: String?) async throws -> Account
    /// Issues a new random token for an account and returns it in clear: the only time it is ever shown.
    func issueToken(accountID: Int, expiresAt: Date?) async throws -> (token: String, info: TokenInfo)
    /// The account behind a token, when the token exists, is not revoked or expired, and its account is enabled.
    func authenticate(token: String) async throws -> Principal?
    func fetchAccounts() async throws -> [Account]
    func fetchTokens(accountID: Int) async throws -> [TokenInfo]
    /// Revokes a token; returns false when there is no such token.
    func revokeToken(id: Int) async throws -> Bool
    /// Disables an account: none of its tokens authenticates any more. Returns false when there is no such
    /// enabled account. Nothing is deleted.
    func disableAccount(id: Int) async throws -> Bool

    // MARK: People signing in on the pages

    /// Gives an account a login name and a password, replacing any earlier password; clears a lock-out.
    /// - Throws: ``AccountError`` when the login name or password breaks ``SignInRules`` or the login name is taken.
    func setPassword(accountID: Int, login: String, password: String) async throws
    /// Turns on a second factor (TOTP, RFC 6238) and returns the secret as an `otpauth://` address, shown once.
    func enableTOTP(accountID: Int) async throws -> String
    /// Checks a login name, password and (when the account has one) TOTP code. Every refusal counts
    /// towards the lock-out; a success resets the count.
    func logIn(login: String, password: String, totp: String?) async throws -> LoginOutcome
    /// Starts a server-side session for a signed-in account: returns its cookie value and CSRF token.
    func startSession(accountID: Int) async throws -> (token: String, csrfToken: String)
    /// The account and CSRF token of a live session (not ended, not expired, not idle too long, account enabled).
    func session(token: String) async throws -> (principal: Principal, csrfToken: String)?
    /// Ends a session on the server; returns false when it was not live.
    func endSession(token: String) async throws -> Bool
}

/// The answer to a sign-in attempt.
public enum LoginOutcome: Sendable, Hashable {
    case signedIn(Principal)
    /// Wrong login name, password or TOTP code: the same answer for each, so the page does not tell which.
    case invalidCredentials
    /// The password was right but the account needs a TOTP code and none was given.
    case totpRequired
    /// Too many failures in a row: no attempt is checked before this instant.
    case locked(until: Date)
}

/// The rules for people signing in, in one place.
public enum SignInRules {
    /// Failures in a row that lock an account.
    public static let maximumFailures = 5
    /// How long a lock-out lasts.
    public static let lockout: TimeInterval = 15 * 60
    /// A session ends after this long without a request…
    public static let idleTimeout: TimeInterval = 30 * 60
    /// …and in any case this long after sign-in.
    public static let absoluteTimeout: TimeInterval = 12 * 3600

    /// Login names: 3 to 64 lower-case letters, digits, `.`, `_`, `-` or `@`.
    public static func checkLogin(_ login: String) throws(AccountError) -> String {
        let login = login.trimmingASCIIWhitespace()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
        guard (3...64).contains(login.count), login.allSatisfy(allowed.contains) else {
            throw AccountError(
                code: "invalid_login",
                message: "登录名应为 3 到 64 个小写字母、数字或 . _ - @ / a login name is 3 to 64 lower-case letters, digits, '.', '_', '-' or '@'"
            )
        }
        return login
    }

    /// Passwords: 12 to 72 bytes (bcrypt reads no further), not the login name.
    public static func checkPassword(_ password: String, login: String) throws(AccountError) {
        guard password.utf8.count >= 12, password.utf8.count <= 72 else {
            throw AccountError(code: "weak_password", message: "密码长度应为 12 到 72 个字节 / a password is 12 to 72 bytes long")
        }
        guard password.lowercased() != login.lowercased() else {
            throw AccountError(code: "weak_password", message: "密码不能与登录名相同 / the password must differ from the login name")
        }
    }
}
