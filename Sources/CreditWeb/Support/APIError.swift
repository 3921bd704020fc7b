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

    /// 404 naming what was not found, in Chinese and in English (`notFound("记录", "the record")`).
    static func notFound(_ chinese: String, _ english: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "未找到\(chinese) / \(english) not found")
    }

    static func invalidCreditCode(_ problem: IdentifierProblem) -> APIError {
        APIError(.badRequest, code: "invalid_credit_code", message: "统一社会信用代码无效：\(problem.message)")
    }

    /// 413 `request_too_large` for a request body larger than `limit` bytes (when known), with a way forward.
    static func tooLarge(limit: Int?) -> APIError {
        let size = limit.map { $0 >= 1 << 20 ? "\($0 >> 20) MiB" : "\($0 >> 10) KiB" }
        return APIError(
            .contentTooLarge,
            code: "request_too_large",
            message: size.map {
                "请求体超过上限 \($0)；请分成较小的批次，大批量请用文件导入 / the request body is larger than \($0): send smaller batches, or import a file"
            } ?? "请求体过大 / request body too large"
        )
    }

    static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message: "参数 \(name) 无效：\(reason)")
    }

    /// 503 `database_unavailable` with `Retry-After: 30`: the database could not be reached or could not serve the
    /// request (``CreditDatabase/isUnavailable(_:)``); nothing of it was stored, and it may be sent again.
    static var databaseUnavailable: APIError {
        APIError(
            .serviceUnavailable,
            code: "database_unavailable",
            message: "数据库暂时无法访问，本次请求未做任何更改，请稍后重试 / the database cannot be reached just now; nothing was changed, please try again shortly",
            headers: [.retryAfter: "30"]
        )
    }

    /// 400 `control_character`: a text of the request (named in Chinese and English) holds a control character.
    static func controlCharacter(zh: String, en: String) -> APIError {
        APIError(
            .badRequest,
            code: "control_character",
            message: "\(zh)含有控制字符（如 U+0000），未做任何更改 / \(en) holds a control character (such as U+0000); nothing was changed"
        )
    }
}

extension Request {
    /// The whole body, at most `limit` bytes; a larger one is 413 `request_too_large` naming the limit (the driver
    /// reports it as an error of its own, or as a bare 413 when the body came in one piece).
    func readBody(upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: limit)
        }
    }
}
