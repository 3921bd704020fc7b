import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Maps every error to a response in one place: JSON under `/api`, an HTML page elsewhere.
/// An error that is not an ``APIError`` or an `HTTPError` becomes a 500 with no details.
struct ErrorMappingMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isAPI = request.uri.path.hasPrefix("/api/")
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = isAPI ? Self.json(error) : pages.errorPage(status: error.status, message: error.message)
            response.headers.append(contentsOf: error.headers)
            return response
        } catch let error as HTTPError {
            let mapped = Self.map(error)
            return isAPI ? Self.json(mapped) : pages.errorPage(status: mapped.status, message: mapped.message)
        } catch let error as NIOTooManyBytesError {
            // A body over its route's limit (the driver's error, which would otherwise be a 500).
            let mapped = APIError.tooLarge(limit: error.maxBytes)
            return isAPI ? Self.json(mapped) : pages.errorPage(status: mapped.status, message: mapped.message)
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": .string(String(describing: type(of: error)))])
            let internalError = APIError(
                .internalServerError,
                code: "internal_error",
                message: "服务器内部错误，请稍后重试 / internal error, please try again later"
            )
            return isAPI ? Self.json(internalError) : pages.errorPage(status: internalError.status, message: internalError.message)
        }
    }

    static func json(_ error: APIError) -> Response { APIError.jsonResponse(status: error.status, code: error.code, message: error.message) }

    static func map(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: return APIError(.notFound, code: "not_found", message: "没有这个地址 / no such resource")
        case .methodNotAllowed: return APIError(.methodNotAllowed, code: "method_not_allowed", message: "不支持该请求方法 / method not allowed")
        case .contentTooLarge: return .tooLarge(limit: nil)
        default:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return APIError(error.status, code: code.isEmpty ? "http_error" : code, message: error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Logs one line per request with its id, method, path (never the query: it may hold personal data),
/// status and duration; adds `X-Request-Id` and security headers to the response.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        response.headers[.init("X-Request-Id")!] = context.id
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
        }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "http.method": .string(request.method.rawValue), "http.path": .string(request.uri.path),
                "http.status": .stringConvertible(response.status.code), "duration_ms": .string(String(format: "%.2f", ms)),
            ]
        )
        return response
    }
}
