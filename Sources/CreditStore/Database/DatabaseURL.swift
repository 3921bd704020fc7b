import Foundation

/// Where the platform's data lives: an SQLite file or a PostgreSQL server.
///
/// Parsed from `sqlite:PATH` (relative or absolute) or `postgres://user:password@host:port/database`.
/// ``description`` hides the password.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(host: String, port: Int, username: String, password: String?, database: String)

    /// Why a database URL was refused.
    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "无法识别的数据库地址“\(text)”：应为 sqlite:路径 或 postgres://用户:密码@主机:端口/数据库 / unrecognised database URL '\(text)': use sqlite:PATH or postgres://user:password@host:port/database"
        }
    }

    /// The default: `credit.sqlite` in the working directory.
    public static let defaultSQLite = DatabaseURL.sqlite(path: "credit.sqlite")

    public init(parsing text: String) throws(Invalid) {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw Invalid(text: text) }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let url = URLComponents(string: text),
            let host = url.host, !host.isEmpty
        else { throw Invalid(text: text) }
        let database = String(url.path.drop(while: { $0 == "/" }))
        self = .postgres(
            host: host,
            port: url.port ?? 5432,
            username: url.user ?? "postgres",
            password: url.password,
            database: database.isEmpty ? (url.user ?? "postgres") : database
        )
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let host, let port, let user, let password, let db): "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(db)"
        }
    }
}
