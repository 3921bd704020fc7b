import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error the API reports to its caller: a stable snake_case code, a sentence a person understands,
/// and an HTTP status. Rendered as `{"error": {"code", "message"}}` (see `interface.md`).
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Headers the answer carries, such as a `Set-Cookie` that clears a dead session.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Self.jsonResponse(status: status, code: code, message: message)
        response.headers.append(contentsOf: headers)
        return response
    }

    static func jsonResponse(status: HTTPResponse.Status, code: String, message: String) -> Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
            }
            var error: Inner
        }
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message)))) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    // MARK: Common errors

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "未找到\(what) / \(what) not found")
    }

    static func invalidCreditCode(_ problem: IdentifierProblem) -> APIError {
        APIError(.badRequest, code: "invalid_credit_code", message: "统一社会信用代码无效：\(problem.message)")
    }

    static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message: "参数 \(name) 无效：\(reason)")
    }
}
