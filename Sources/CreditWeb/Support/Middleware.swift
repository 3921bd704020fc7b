import CreditStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Maps every error to a response in one place: JSON under `/api`, an HTML page elsewhere.
/// An error that is not an ``APIError`` or an `HTTPError` becomes a 500 with no details.
struct ErrorMappingMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = Self.apiError(error, logger: context.logger)
            // A page that needs a signed-in person offers to sign in and come back (the address is this site's own).
            let signIn =
                mapped.status == .unauthorized && [.get, .head].contains(request.method)
                ? request.uri.path + (request.uri.query.map { "?" + $0 } ?? "") : nil
            var response =
                request.uri.path.hasPrefix("/api/")
                ? Self.json(mapped) : pages.errorPage(status: mapped.status, message: mapped.message, signIn: signIn)
            response.headers.append(contentsOf: mapped.headers)
            return response
        }
    }

    /// What an error is answered as.
    static func apiError(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as HTTPError: return map(error)
        // A body over its route's limit (the driver's error, which would otherwise be a 500).
        case let error as NIOTooManyBytesError: return .tooLarge(limit: error.maxBytes)
        case _ where CreditDatabase.refusedText(error): return .controlCharacter(zh: "提交的文字", en: "the text sent")
        case _ where CreditDatabase.isUnavailable(error):
            logger.warning("database unavailable", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return .databaseUnavailable
        default:
            logger.error("unhandled error", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return APIError(.internalServerError, code: "internal_error", message: "服务器内部错误，请稍后重试 / internal error, please try again later")
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

/// HEAD is answered by the GET's route (the router's `autoGenerateHeadEndpoints`) with the GET's headers and an
/// empty body, and Hummingbird then gives it `Content-Length: 0` — even where the GET streams a body whose length no
/// one knows yet (the open-data export), a false length RFC 9110 §8.6 forbids. This middleware, the first in the
/// chain, marks such an answer; ``HeadFramingResponder`` around the router takes the mark and the false length off,
/// so the HEAD says what the GET would (NIO frames it as chunked, and sends no body after a HEAD).
struct StreamedHeadMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if request.method == .head, response.body.contentLength == nil, response.headers[.contentLength] == nil {
            response.headers[.streamedHead] = "1"
        }
        return response
    }
}

/// The router's responder, with the mark of ``StreamedHeadMiddleware`` and the length it stands for taken off.
struct HeadFramingResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        var response = try await inner.respond(to: request, context: context)
        if response.headers[.streamedHead] != nil {
            response.headers[.streamedHead] = nil
            response.headers[.contentLength] = nil
        }
        return response
    }
}

extension HTTPField.Name {
    /// Internal to the server: never sent (``HeadFramingResponder`` removes it).
    fileprivate static let streamedHead = HTTPField.Name("x-credit-streamed-head")!
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
        context.logger.info(
            "request",
            metadata: [
                "http.method": .string(request.method.rawValue), "http.path": .string(request.uri.path),
                "http.status": .stringConvertible(response.status.code), "duration_ms": .string(Self.milliseconds(elapsed)),
            ]
        )
        return response
    }

    /// A duration in milliseconds with two decimals ("18.68"), without `String(format:)`.
    static func milliseconds(_ d: Duration) -> String {
        let hundredths = d.components.seconds * 100_000 + d.components.attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}

/// The methods each address is served for, filled in once every route is added (the middleware that reads it is
/// added before them, so that it answers ahead of sign-in, CSRF and the rate limit). Asked on every request, so the
/// shapes are kept by their number of components, with each one's methods sorted, and the common answer (one shape
/// matches) allocates nothing beyond the split path.
final class RouteMethods: Sendable {
    struct Shape: Sendable {
        var elements: [RouterPath.Element]
        /// Where a `**` stands, if anywhere: the shape matches any path at least this long.
        var recursiveAt: Int?
        var methods: [HTTPRequest.Method]
    }

    private struct Table: Sendable {
        var byCount: [Int: [Shape]] = [:]
        var recursive: [Shape] = []
    }

    private let table = Mutex(Table())

    func load(_ routes: [(path: RouterPath, method: HTTPRequest.Method)]) {
        var methods: [String: (path: RouterPath, methods: [HTTPRequest.Method])] = [:]
        for route in routes {
            methods[route.path.description, default: (route.path, [])].methods.append(route.method)
            // The router answers HEAD wherever GET is (generated when it is built, after this table).
            if route.method == .get { methods[route.path.description]?.methods.append(.head) }
        }
        var loaded = Table()
        for (path, served) in methods.values.sorted(by: { $0.path.description < $1.path.description }) {
            let elements = Array(path.components)
            let shape = Shape(
                elements: elements,
                recursiveAt: elements.firstIndex { $0.description == "**" },
                methods: Set(served).sorted { $0.rawValue < $1.rawValue }
            )
            if shape.recursiveAt != nil { loaded.recursive.append(shape) } else { loaded.byCount[elements.count, default: []].append(shape) }
        }
        table.withLock { $0 = loaded }
    }

    /// The methods served at a path, in the order `Allow` lists them; empty when no route has its shape.
    func allowed(at path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return table.withLock { table in
            var found: [HTTPRequest.Method]?
            func add(_ shape: Shape) {
                guard Self.matches(shape, parts) else { return }
                if let first = found {
                    found = Set(first + shape.methods).sorted { $0.rawValue < $1.rawValue }
                } else {
                    found = shape.methods
                }
            }
            for shape in table.byCount[parts.count] ?? [] { add(shape) }
            for shape in table.recursive { add(shape) }
            return found ?? []
        }
    }

    static func matches(_ shape: Shape, _ parts: [Substring]) -> Bool {
        for (i, element) in shape.elements.enumerated() {
            if i == shape.recursiveAt { return true }
            guard i < parts.count, element ~= parts[i] else { return false }
        }
        return shape.elements.count == parts.count
    }
}

/// Answers 405 with `Allow` when a request's path is served, but not for its method (a `TRACE` or a `DELETE` on
/// `/api/v1/records`), before anything else looks at the request: such a request reaches no handler, so neither a
/// token nor a CSRF token is asked of it. Any other unknown address stays 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = routes.allowed(at: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return try await next(request, context) }
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        throw APIError(
            .methodNotAllowed,
            code: "method_not_allowed",
            message: "该地址不支持 \(request.method.rawValue) 请求，可用：\(allow) / \(request.method.rawValue) is not allowed here; allowed: \(allow)",
            headers: [.allow: allow]
        )
    }
}
