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
public struct AccountError: Error, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

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
}
