import CreditCore
import Foundation
import Hummingbird
import Logging

/// The request context of every route: Hummingbird's core storage and who is asking.
public struct CreditRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, or nil for an anonymous visitor. Set by ``BearerTokenMiddleware``.
    public var principal: Principal?

    /// The peer's IP address (nil in in-process tests), or the forwarded one when the peer is a trusted proxy.
    /// Used to rate-limit anonymous callers and recorded in the audit log; never in the request log.
    public var clientAddress: String?
    /// How the principal was authenticated.
    public var authentication: Authentication?
    /// The token a form must send back (`csrf` field or `X-CSRF-Token` header): the session's, or the
    /// anonymous visitor's `credit_csrf` cookie. Set by ``CSRFMiddleware``.
    public var csrfToken: String?
    /// The fields of an `application/x-www-form-urlencoded` body, read once by ``CSRFMiddleware``.
    public var form: [String: String] = [:]

    public enum Authentication: Sendable, Hashable {
        case bearer
        /// A session cookie; `token` is the cookie's value (needed to end the session).
        case session(token: String)
    }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Whether the caller may see what a department holds: a department's accounts see their own department's only;
    /// the other roles a route admits, any department's.
    public func sees(department code: String) -> Bool { principal?.role != .department || principal?.departmentCode == code }

    /// Requests larger than this are refused (413) before they reach a handler.
    public var maxUploadSize: Int { 1 * 1024 * 1024 }

    /// JSON with keys in a stable order, so that responses diff cleanly.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
