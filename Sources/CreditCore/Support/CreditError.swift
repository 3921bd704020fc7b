/// An error a person can act on: a stable snake_case `code` that clients test, and a `message` in Chinese and
/// English. Each area has its own type (``AccountError``, ``CatalogueError``, ``RecordError``, ``AuditError`` …), so a
/// catch names the area it expects; the command line and the API map any of them the same way.
public protocol CreditError: Error, CustomStringConvertible, Sendable {
    var code: String { get }
    var message: String { get }
}

extension CreditError {
    public var description: String { message }
}

/// The error type of one area, named by the area's main type: `AreaError<Catalogue>` is ``CatalogueError``. Distinct
/// types per area, one definition.
public struct AreaError<Area>: CreditError, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
