import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Who may call each route, keyed `"GET /api/v1/entities"`: filled while the routes are added, read by
/// the permission-matrix test, which fails for any route of the router that is missing here.
public final class AccessTable: Sendable {
    private let storage = Mutex<[String: Access]>([:])

    public init() {}

    func record(_ method: HTTPRequest.Method, _ path: String, _ access: Access) {
        storage.withLock { $0["\(method.rawValue) \(path)"] = access }
    }

    /// Every declared route and its access.
    public var entries: [String: Access] { storage.withLock { $0 } }

    /// The access declared for a route, or nil when the route was added without one.
    public func access(method: HTTPRequest.Method, path: String) -> Access? { storage.withLock { $0["\(method.rawValue) \(path)"] } }
}

/// How a route is audited.
enum RouteAudit: Sendable {
    /// Refusals, every change, and every read by a route not open to everyone.
    case automatic
    /// As automatic, and the caller must declare a `purpose` (400 `purpose_required` without one):
    /// for authorised queries of data that is not public.
    case purposeRequired
    /// The handler writes its own events (sign-in and sign-out); refusals are still recorded here.
    case byHandler
}

/// The only way routes are added: each names its ``Access``, which is recorded in the ``AccessTable``
/// and checked before the handler runs, and is audited as its ``RouteAudit`` says. An anonymous caller
/// of a closed route gets 401; a signed-in caller without the role gets 403; both are audited.
struct SecuredRoutes {
    let router: Router<CreditRequestContext>
    let table: AccessTable
    let auditor: Auditor
    /// Path prefix without slashes, e.g. "api/v1".
    var prefix: String = ""

    func group(_ prefix: String) -> SecuredRoutes {
        SecuredRoutes(
            router: router,
            table: table,
            auditor: auditor,
            prefix: [self.prefix, prefix].filter { !$0.isEmpty }.joined(separator: "/")
        )
    }

    @discardableResult
    func get<Output: ResponseGenerator>(
        _ path: String,
        _ access: Access,
        audit: RouteAudit = .automatic,
        use handler: @escaping @Sendable (Request, CreditRequestContext) async throws -> Output
    ) -> SecuredRoutes {
        on(.get, path, access, audit: audit, use: handler)
    }

    @discardableResult
    func post<Output: ResponseGenerator>(
        _ path: String,
        _ access: Access,
        audit: RouteAudit = .automatic,
        use handler: @escaping @Sendable (Request, CreditRequestContext) async throws -> Output
    ) -> SecuredRoutes {
        on(.post, path, access, audit: audit, use: handler)
    }

    @discardableResult
    func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ access: Access,
        audit: RouteAudit = .automatic,
        use handler: @escaping @Sendable (Request, CreditRequestContext) async throws -> Output
    ) -> SecuredRoutes {
        let full =
            "/"
            + [prefix, path].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }.filter { !$0.isEmpty }
            .joined(separator: "/")
        table.record(method, full, access)
        let auditor = self.auditor
        let audited = audit != .byHandler && (access != .everyone || ![.get, .head].contains(method))
        router.on(RouterPath(full), method: method) { request, context -> Response in
            let subject = context.parameters.get("code") ?? context.parameters.get("id")
            func record(_ action: AuditAction, _ status: HTTPResponse.Status, _ outcome: String) async throws {
                try await auditor.record(
                    action,
                    request: request,
                    context: context,
                    route: full,
                    subject: subject,
                    status: Int(status.code),
                    outcome: outcome
                )
            }
            guard access.allows(context.principal) else {
                let error =
                    context.principal == nil
                    ? APIError(.unauthorized, code: "unauthenticated", message: "请先登录或提供 API 令牌 / sign in or send an API token")
                    : APIError(.forbidden, code: "forbidden", message: "当前账户无权访问此功能 / this account may not use this")
                try await record(.refused, error.status, error.code)
                throw error
            }
            guard audited else { return try await handler(request, context).response(from: request, context: context) }
            let action: AuditAction = [.get, .head].contains(method) ? .read : .change
            do {
                if audit == .purposeRequired, Auditor.purpose(request, context) == nil {
                    if Auditor.declaredPurpose(request, context) != nil {
                        throw APIError.controlCharacter(zh: "查询事由（purpose）", en: "the purpose")
                    }
                    throw APIError(
                        .badRequest,
                        code: "purpose_required",
                        message: "请说明查询事由（purpose 参数） / say why you ask: the purpose parameter is required"
                    )
                }
                let response = try await handler(request, context).response(from: request, context: context)
                try await record(action, response.status, "ok")
                return response
            } catch let error as APIError {
                try await record(action, error.status, error.code)
                throw error
            }
        }
        return self
    }
}
