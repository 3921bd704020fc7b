import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Resolves `Authorization: Bearer TOKEN` into the context's principal.
///
/// No header: an anonymous request (routes open to everyone still answer). A header that is not a
/// valid, unexpired, unrevoked token of an enabled account: 401 `invalid_token`, whatever the route,
/// so that a client with a broken token learns it at once instead of seeing public data.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = CreditRequestContext
    let accounts: any AccountStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(
                .unauthorized,
                code: "invalid_token",
                message: "Authorization 头应为 “Bearer 令牌” / the Authorization header must be 'Bearer TOKEN'"
            )
        }
        guard let principal = try await accounts.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(
                .unauthorized,
                code: "invalid_token",
                message: "令牌无效、已过期或已吊销 / the token is invalid, expired or revoked"
            )
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "account.id"] = .stringConvertible(principal.accountID)
        context.logger[metadataKey: "account.role"] = .string(principal.role.rawValue)
        return try await next(request, context)
    }
}
