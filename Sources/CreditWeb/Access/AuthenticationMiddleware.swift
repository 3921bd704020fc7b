import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The platform's cookies, with the attributes the issue asks for: HttpOnly, SameSite, Secure behind TLS.
struct SessionCookies: Sendable {
    static let session = "credit_session"
    static let csrf = "credit_csrf"
    /// Set the Secure attribute (the server is reached over HTTPS, usually through a proxy).
    var secure: Bool

    func session(_ token: String) -> Cookie {
        Cookie(name: Self.session, value: token, maxAge: Int(SignInRules.absoluteTimeout), path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func csrf(_ token: String) -> Cookie {
        Cookie(name: Self.csrf, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// A cookie that tells the browser to forget the session.
    func clearSession() -> Cookie {
        Cookie(name: Self.session, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}

/// Finds out who is asking: `Authorization: Bearer TOKEN` (API clients) or the session cookie (people).
///
/// No credentials: an anonymous request (routes open to everyone still answer). Credentials that are
/// not valid — a wrong, expired or revoked token, a forged or ended session — get 401 whatever the route,
/// so a client with broken credentials learns it at once instead of seeing public data; the refusal is
/// audited, and a dead session cookie is cleared.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CreditRequestContext
    let accounts: any AccountStore
    let auditor: Auditor
    let cookies: SessionCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw try await refuse(request, context, "Authorization 头应为 “Bearer 令牌” / the Authorization header must be 'Bearer TOKEN'")
            }
            guard let principal = try await accounts.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
                throw try await refuse(request, context, "令牌无效、已过期或已吊销 / the token is invalid, expired or revoked")
            }
            context.principal = principal
            context.authentication = .bearer
        } else if let token = request.cookies[SessionCookies.session]?.value, !token.isEmpty {
            guard let (principal, csrf) = try await accounts.session(token: token) else {
                throw try await refuse(
                    request,
                    context,
                    "会话无效或已过期，请重新登录 / the session is invalid or has expired; please sign in again",
                    code: "invalid_session",
                    headers: [.setCookie: cookies.clearSession().description]
                )
            }
            context.principal = principal
            context.authentication = .session(token: token)
            context.csrfToken = csrf
        }
        if let principal = context.principal {
            context.logger[metadataKey: "account.id"] = .stringConvertible(principal.accountID)
            context.logger[metadataKey: "account.role"] = .string(principal.role.rawValue)
        }
        return try await next(request, context)
    }

    func refuse(
        _ request: Request,
        _ context: Context,
        _ message: String,
        code: String = "invalid_token",
        headers: HTTPFields = [:]
    ) async throws -> APIError {
        try await auditor.record(.refused, request: request, context: context, route: request.uri.path, status: 401, outcome: code)
        return APIError(.unauthorized, code: code, message: message, headers: headers)
    }
}

/// Cross-site request forgery protection for the requests a browser could be tricked into sending with its ambient
/// credentials: every request on the pages, and API requests that carry a session cookie. A bearer token is never
/// sent by a browser on its own; an API request with no credentials at all has none to abuse, and is answered by the
/// route's access rule (401 when it needs a caller).
///
/// A state-changing request (anything but GET, HEAD and OPTIONS) must carry the expected token in the
/// form field `csrf` or the header `X-CSRF-Token`: the session's token for a signed-in person, otherwise
/// the value of the visitor's `credit_csrf` cookie (double submit, for the sign-in form). A refusal is 403
/// `csrf_failed`, audited, and changes nothing. Pages read the expected token from the context.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = CreditRequestContext
    let auditor: Auditor
    let cookies: SessionCookies
    static let header = HTTPField.Name("X-CSRF-Token")!
    static let field = "csrf"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.readBody(upTo: context.maxUploadSize)
            context.form = FormBody.parse(String(buffer: body))
            request.body = .init(buffer: body)
        }
        if context.authentication == .bearer || (context.authentication == nil && request.uri.path.hasPrefix("/api/")) {
            return try await next(request, context)
        }
        var newCookie: String?
        if context.csrfToken == nil {
            if let existing = request.cookies[SessionCookies.csrf]?.value, existing.utf8.count == 64 {
                context.csrfToken = existing
            } else if [.get, .head].contains(request.method), Self.isPage(request.uri.path) {
                newCookie = Self.randomToken()
                context.csrfToken = newCookie
            }
        }
        if ![.get, .head, .options].contains(request.method) {
            let presented = request.headers[Self.header] ?? context.form[Self.field]
            guard let expected = context.csrfToken, let presented, Self.constantTimeEqual(expected, presented) else {
                try await auditor.record(.refused, request: request, context: context, route: request.uri.path, status: 403, outcome: "csrf_failed")
                throw APIError(
                    .forbidden,
                    code: "csrf_failed",
                    message: "表单已过期或来源不明，请刷新页面后重试 / the form is stale or did not come from this site; reload the page and try again"
                )
            }
        }
        var response = try await next(request, context)
        if let newCookie { response.setCookie(cookies.csrf(newCookie)) }
        return response
    }

    /// Whether a path may be a page with a form (only those get a visitor's CSRF cookie; a probe, a metrics scrape, a
    /// static file or the API document never needs one).
    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/static/") || path == "/healthz" || path == "/metrics" || path.hasPrefix("/openapi."))
    }

    /// 32 random bytes in hexadecimal.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for _ in 0..<4 {
            var word = generator.next()
            for _ in 0..<8 {
                bytes.append(digits[Int(word & 0xF)])
                bytes.append(digits[Int((word >> 4) & 0xF)])
                word >>= 8
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compares without stopping at the first difference, so timing does not reveal the token.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// `application/x-www-form-urlencoded` bodies (and query strings), leniently: a field that does not decode
/// is left out, and the first of two fields with one name wins. A control character in a value is kept: a field is
/// never silently blanked (a correction form's validator names the problem; sign-in refuses such a login).
enum FormBody {
    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = try? QueryParameters.decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? (try? QueryParameters.decode(parts[1], allowingControlCharacters: true)) ?? "" : ""
        }
        return fields
    }
}

/// Takes the client's address from `X-Forwarded-For` when, and only when, the connection comes from a
/// trusted proxy: otherwise anyone could pick the address the rate limiter and audit log see.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = CreditRequestContext
    let trustedProxies: Set<String>
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.clientAddress, trustedProxies.contains(peer),
            let forwarded = request.headers[values: Self.forwardedFor].joined(separator: ",").split(separator: ",").last
        else { return try await next(request, context) }
        var context = context
        let address = forwarded.trimmingCharacters(in: .whitespaces)
        if !address.isEmpty, address.count <= 45 { context.clientAddress = address }
        return try await next(request, context)
    }
}
