import Foundation

/// What kind of access an audit event records.
public enum AuditAction: String, Sendable, Codable, CaseIterable, Hashable {
    /// A read of data that is not public.
    case read
    /// A request that changes data.
    case change
    /// A request refused for want of authentication or permission (401, 403), or a failed CSRF check.
    case refused
    case signIn = "sign-in"
    case signInFailed = "sign-in-failed"
    case signOut = "sign-out"

    public var label: String {
        switch self {
        case .read: "查阅"
        case .change: "变更"
        case .refused: "拒绝"
        case .signIn: "登录"
        case .signInFailed: "登录失败"
        case .signOut: "退出"
        }
    }
}

/// One line of the audit log: who, what, when, from where and why.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Assigned by the store, in the order events were recorded.
    public var id: Int?
    /// RFC 3339 instant in UTC, assigned by the store from its clock.
    public var at: String?
    public var action: AuditAction
    public var accountID: Int?
    public var accountName: String?
    public var role: String?
    public var departmentCode: String?
    public var method: String
    /// The route as declared (`/api/v1/entities/{code}`), never the query string, which may hold personal data.
    public var route: String
    /// The subject concerned: a credit code, or a record or account id.
    public var subject: String?
    public var status: Int
    /// `ok`, or the error code the caller received.
    public var outcome: String
    /// The caller's address (only in the audit log; never in the request log).
    public var address: String?
    public var requestID: String
    /// Why the caller asked, as the caller declared it.
    public var purpose: String?

    public init(
        action: AuditAction,
        principal: Principal?,
        method: String,
        route: String,
        subject: String? = nil,
        status: Int,
        outcome: String,
        address: String?,
        requestID: String,
        purpose: String? = nil
    ) {
        self.action = action
        self.accountID = principal?.accountID
        self.accountName = principal?.name
        self.role = principal?.role.rawValue
        self.departmentCode = principal?.departmentCode
        self.method = method
        self.route = route
        self.subject = subject
        self.status = status
        self.outcome = outcome
        self.address = address
        self.requestID = requestID
        self.purpose = purpose
    }
}

/// A search of the audit log; every filter is optional.
public struct AuditQuery: Sendable, Hashable {
    /// First and last day (Asia/Shanghai), inclusive.
    public var from: LocalDate?
    public var to: LocalDate?
    public var accountID: Int?
    public var subject: String?
    public var action: AuditAction?

    public init(from: LocalDate? = nil, to: LocalDate? = nil, accountID: Int? = nil, subject: String? = nil, action: AuditAction? = nil) {
        self.from = from
        self.to = to
        self.accountID = accountID
        self.subject = subject
        self.action = action
    }
}

/// The append-only audit log; implemented by `CreditStore`.
public protocol AuditTrail: Sendable {
    /// Appends an event and returns its id.
    @discardableResult
    func record(_ event: AuditEvent) async throws -> Int
    /// Events matching a query, newest first, and how many match in all.
    func search(_ query: AuditQuery, page: Int, size: Int) async throws -> (items: [AuditEvent], total: Int)
    /// Events matching a query in recording order, after an id: for exports, page by page.
    func events(_ query: AuditQuery, after id: Int, limit: Int) async throws -> [AuditEvent]
    /// Removes events older than the retention period and returns how many; refuses a period under five years.
    func prune(retentionYears: Int) async throws -> Int
}

/// The retention rule: audit events are kept at least five years (个人信息保护法 and the local rules of
/// `domain-rules.md` §11); a city may keep them longer, never shorter.
public enum AuditRetention {
    public static let minimumYears = 5

    public static func check(years: Int) throws(AuditError) {
        guard years >= minimumYears, years <= 100 else {
            throw AuditError(
                code: "retention_too_short",
                message: "审计日志至少保存 \(minimumYears) 年 / audit events are kept for at least \(minimumYears) years"
            )
        }
    }
}
