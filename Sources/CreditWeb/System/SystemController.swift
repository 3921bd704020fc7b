import CreditCore
import CreditStore
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Prometheus

/// `/healthz`, `/metrics`, `/openapi.json`, `/openapi.yaml`, and the static files.
struct SystemController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api _: SecuredRoutes, pages routes: SecuredRoutes) {
        routes.get("healthz", .everyone, use: health)
        routes.get("metrics", .everyone, use: metrics)
        routes.get("openapi.json", .everyone) { _, _ in try Self.openAPI(contentType: "application/json") }
        routes.get("openapi.yaml", .everyone) { _, _ in try Self.openAPI(contentType: "application/yaml") }
        routes.get("static/{file}", .everyone, use: staticFile)
    }

    struct Health: ResponseEncodable {
        var status: String
        var database: String
        var engine: String
        /// Years from this one to next year that have no holiday data: the credit office must load them.
        var calendarMissingYears: [Int]
    }

    /// Checks the database and the calendar and records both in their gauges.
    func refreshGauges() async -> (databaseUp: Bool, missingYears: [Int]) {
        let up = await dependencies.database.ping()
        let thisYear = dependencies.clock.today().year
        let missing = dependencies.calendar.missingYears(from: thisYear, through: thisYear + 1)
        Gauge(label: "credit_database_up").record(up ? 1 : 0)
        Gauge(label: "credit_calendar_next_year_missing").record(missing.contains(thisYear + 1) ? 1 : 0)
        return (up, missing)
    }

    @Sendable func health(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let (up, missing) = await refreshGauges()
        let body = Health(
            status: up ? "ok" : "unavailable",
            database: up ? "ok" : "unreachable",
            engine: dependencies.database.engine.rawValue,
            calendarMissingYears: missing
        )
        var response = try body.response(from: request, context: context)
        response.status = up ? .ok : .serviceUnavailable
        return response
    }

    @Sendable func metrics(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = await refreshGauges()
        var buffer: [UInt8] = []
        CreditMetrics.registry.emit(into: &buffer)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer))
        )
    }

    static func openAPI(contentType: String) throws -> Response {
        // The document is assembled as JSON; JSON is also valid YAML 1.2, so the same text serves both names.
        guard case .success(let data) = OpenAPIDocument.json else {
            throw APIError(.internalServerError, code: "internal_error", message: "OpenAPI 文档不完整 / the OpenAPI document is broken")
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let staticTypes = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]

    @Sendable func staticFile(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        let parts = name.split(separator: ".")
        guard parts.count == 2, parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), let type = Self.staticTypes[String(parts[1])],
            let url = Bundle.module.url(forResource: String(parts[0]), withExtension: String(parts[1]), subdirectory: "Resources/static")
        else { throw HTTPError(.notFound) }
        let data = try Data(contentsOf: url)
        return Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
