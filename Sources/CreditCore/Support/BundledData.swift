import Foundation

/// Reads the data files shipped in this module's `Resources` folder.
enum BundledData {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "bundled data file \(name) is missing" }
    }

    static func url(named name: String, extension ext: String = "json", subdirectory: String? = nil) throws -> URL {
        let dir = subdirectory.map { "Resources/\($0)" } ?? "Resources"
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: dir) else {
            throw Missing(name: "\(dir)/\(name).\(ext)")
        }
        return url
    }

    static func decode<T: Decodable>(_ type: T.Type, named name: String, subdirectory: String? = nil) throws -> T {
        let data = try Data(contentsOf: url(named: name, subdirectory: subdirectory))
        return try JSONDecoder().decode(T.self, from: data)
    }
}
