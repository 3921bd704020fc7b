import Foundation

/// The OpenAPI document served at `/openapi.json`, assembled from `Resources/openapi/`: `base.json` (the document's
/// head and the shared components) and one fragment per area (`Registry.json`, `Records.json` …), each with the
/// area's `paths` and `components.schemas`. A new area adds its fragment file; nothing else changes.
enum OpenAPIDocument {
    /// Why the fragments cannot make one document: a fragment that is not JSON, or two that name the same path or schema.
    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    /// The assembled document as JSON (keys sorted, so the same fragments give the same bytes).
    static let json: Result<Data, Broken> = Result { try assemble() }.mapError { $0 as? Broken ?? Broken(description: "\($0)") }

    static func assemble() throws -> Data {
        guard let folder = Bundle.module.url(forResource: "openapi", withExtension: nil, subdirectory: "Resources") else {
            throw Broken(description: "Resources/openapi is missing")
        }
        let urls = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        guard let base = urls.first(where: { $0.lastPathComponent == "base.json" }) else { throw Broken(description: "openapi/base.json is missing") }
        var document = try object(base)
        var paths = document["paths"] as? [String: Any] ?? [:]
        var components = document["components"] as? [String: Any] ?? [:]
        var schemas = components["schemas"] as? [String: Any] ?? [:]
        for url in urls.filter({ $0 != base }).sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let fragment = try object(url)
            for (path, item) in fragment["paths"] as? [String: Any] ?? [:] {
                guard paths.updateValue(item, forKey: path) == nil else { throw Broken(description: "\(path) is in two fragments") }
            }
            for (name, schema) in (fragment["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] {
                guard schemas.updateValue(schema, forKey: name) == nil else { throw Broken(description: "schema \(name) is in two fragments") }
            }
        }
        components["schemas"] = schemas
        document["paths"] = paths
        document["components"] = components
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    static func object(_ url: URL) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw Broken(description: "\(url.lastPathComponent) is not a JSON object")
        }
        return object
    }
}
