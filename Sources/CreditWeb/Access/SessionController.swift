import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in and out on the pages: `GET /login`, `POST /login`, `POST /logout`, and `GET /account`.
struct SessionController: AreaRoutes {
    let accounts: any AccountStore
    let pages: PageRenderer
    let auditor: Auditor
    let cookies: SessionCookies
    let clock: any CreditClock

    func addRoutes(api _: SecuredRoutes, pages routes: SecuredRoutes) {
        routes.get("login", .everyone, use: form)
        routes.post("login", .everyone, audit: .byHandler, use: logIn)
        routes.post("logout", .signedIn, audit: .byHandler, use: logOut)
        routes.get("account", .signedIn, use: account)
    }

    /// Only a path on this site may follow sign-in (no `//host` or `\\host`: no open redirect).
    static func safeNext(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), text.count <= 500, !text.containsControlCharacter
        else { return "/" }
        return text
    }

    @Sendable func form(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: ["next", "ended"])
        if context.principal != nil { return .redirect(to: Self.safeNext(params["next"]), type: .found) }
        var ctx: [String: Any] = ["next": Self.safeNext(params["next"])]
        if params["ended"] != nil { ctx["notice"] = "您已安全退出。" }
        return pages.page("login", title: "登录", context: ctx, viewer: context)
    }

    @Sendable func logIn(_ request: Request, context: CreditRequestContext) async throws -> Response {
        // A login name never holds a control character: such a one is wrong, as an unknown name is (on both engines).
        let typed = (context.form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let login = typed.containsControlCharacter ? "" : typed
        let next = Self.safeNext(context.form["next"])
        let outcome = try await accounts.logIn(login: login, password: context.form["password"] ?? "", totp: context.form["totp"])
        let route = "/login"
        func refused(_ status: HTTPResponse.Status, _ code: String, _ problem: String) async throws -> Response {
            try await auditor.record(
                .signInFailed,
                request: request,
                context: context,
                route: route,
                subject: String(login.prefix(64)),
                status: Int(status.code),
                outcome: code
            )
            let ctx: [String: Any] = ["problem": problem, "login": String(login.prefix(64)), "next": next]
            return pages.page("login", title: "登录", context: ctx, viewer: context, status: status)
        }
        switch outcome {
        case .signedIn(let principal):
            let (token, _) = try await accounts.startSession(accountID: principal.accountID)
            try await auditor.record(
                .signIn,
                request: request,
                context: context,
                route: route,
                subject: login,
                status: 303,
                outcome: "ok",
                principal: principal
            )
            var response = Response.redirect(to: next, type: .normal)
            response.setCookie(cookies.session(token))
            return response
        case .invalidCredentials:
            return try await refused(.unauthorized, "invalid_credentials", "登录名、密码或动态口令不正确。/ Wrong login name, password or code.")
        case .totpRequired:
            return try await refused(.unauthorized, "totp_required", "此账户已启用动态口令，请输入 6 位动态口令。/ This account needs its 6-digit code.")
        case .locked(let until):
            let seconds = Int(until.timeIntervalSince1970.rounded(.up)) + 8 * 3600  // Asia/Shanghai
            let local = String(format: "%02d:%02d", seconds / 3600 % 24, seconds / 60 % 60)
            var response = try await refused(
                .tooManyRequests,
                "account_locked",
                "登录失败次数过多，账户已锁定至 \(local)（北京时间）。/ Too many failed attempts: the account is locked until \(local) (UTC+8)."
            )
            response.headers[.retryAfter] = String(max(1, Int(until.timeIntervalSince(clock.now()).rounded(.up))))
            return response
        }
    }

    @Sendable func logOut(_ request: Request, context: CreditRequestContext) async throws -> Response {
        if case .session(let token) = context.authentication {
            _ = try await accounts.endSession(token: token)
        }
        try await auditor.record(.signOut, request: request, context: context, route: "/logout", status: 303, outcome: "ok")
        var response = Response.redirect(to: "/login?ended=1", type: .normal)
        response.setCookie(cookies.clearSession())
        return response
    }

    @Sendable func account(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        guard let p = context.principal else { throw APIError(.unauthorized, code: "unauthenticated", message: "请先登录 / sign in first") }
        let ctx: [String: Any] = [
            "name": p.name, "role": p.role.label, "roleCode": p.role.rawValue, "departmentCode": p.departmentCode ?? false,
            "entityCode": p.entityCode ?? false, "idleMinutes": Int(SignInRules.idleTimeout / 60),
            "absoluteHours": Int(SignInRules.absoluteTimeout / 3600),
        ]
        return pages.page("account", title: "我的账户", context: ctx, viewer: context)
    }
}
