import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// What several areas' routes share: a JSON body read whole, an item only its subject, its department and the credit
/// office may read, and a stored material served as a download.
enum Requests {
    /// The largest JSON body these routes read: a case's files in base64 and the rest.
    static let bodyLimit = 64 << 20

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, shape: String) async throws -> T {
        let body = try await request.readBody(upTo: bodyLimit)
        guard let value = try? JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) else {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为 JSON：\(shape) / the body must be JSON: \(shape)")
        }
        return value
    }

    /// A case's or a submission's material `{number}` as a download — its checked type, never shown inline, never run as a page — or
    /// `material_not_found`.
    static func attachment(
        _ context: CreditRequestContext,
        _ read: (Int) async throws -> (CaseMaterial, Data)?
    ) async throws -> Response {
        guard let number = context.parameters.get("number").flatMap({ Int($0) }), let (material, bytes) = try await read(number) else {
            throw APIError(.notFound, code: "material_not_found", message: "没有这份材料 / no such material")
        }
        let encoded = material.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "material"
        return Response(
            status: .ok,
            headers: [
                .contentType: material.mediaType,
                .contentDisposition: "attachment; filename=\"material-\(material.number)\"; filename*=UTF-8''\(encoded)",
                .contentSecurityPolicy: "default-src 'none'; sandbox",
                HTTPField.Name("X-Content-SHA256")!: material.sha256,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// The item `{id}` names, for its subject's own entity account, its deciding department and the credit office;
    /// for anyone else, as for an id that does not exist, `notFound`.
    static func readable<Item>(
        _ request: Request,
        _ context: CreditRequestContext,
        otherwise notFound: APIError,
        fetch: (Int) async throws -> Item?,
        owners: (Item) -> (subjectCode: String?, departmentCode: String)
    ) async throws -> Item {
        _ = try QueryParameters(request, allowed: [])
        guard let id = context.parameters.get("id").flatMap({ Int($0) }), id > 0, let item = try await fetch(id) else { throw notFound }
        let (subject, department) = owners(item)
        switch context.principal?.role {
        case .entity where subject == nil || subject != context.principal?.entityCode: throw notFound
        case .department where department != context.principal?.departmentCode: throw notFound
        default: return item
        }
    }
}
