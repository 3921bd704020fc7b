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

/// The only way routes are added: each names its ``Access``, which is recorded in the ``AccessTable``
/// and checked before the handler runs. An anonymous caller of a closed route gets 401; a signed-in
/// caller without the role gets 403.
struct SecuredRoutes {
    let router: Router<CreditRequestContext>
    let table: AccessTable
    /// Path prefix without slashes, e.g. "api/v1".
    var prefix: String = ""

    func group(_ prefix: String) -> SecuredRoutes {
        SecuredRoutes(router: router, table: table, prefix: [self.prefix, prefix].filter { !$0.isEmpty }.joined(separator: "/"))
    }

    @discardableResult
    func get<Output: ResponseGenerator>(
        _ path: String,
        _ access: Access,
        use handler: @escaping @Sendable (Request, CreditRequestContext) async throws -> Output
    ) -> SecuredRoutes {
        on(.get, path, access, use: handler)
    }

    @discardableResult
    func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ access: Access,
        use handler: @escaping @Sendable (Request, CreditRequestContext) async throws -> Output
    ) -> SecuredRoutes {
        let full =
            "/"
            + [prefix, path].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }.filter { !$0.isEmpty }
            .joined(separator: "/")
        table.record(method, full, access)
        router.on(RouterPath(full), method: method) { request, context -> Output in
            guard access.allows(context.principal) else {
                throw context.principal == nil
                    ? APIError(.unauthorized, code: "unauthenticated", message: "请先登录或提供 API 令牌 / sign in or send an API token")
                    : APIError(.forbidden, code: "forbidden", message: "当前账户无权访问此功能 / this account may not use this")
            }
            return try await handler(request, context)
        }
        return self
    }
}
