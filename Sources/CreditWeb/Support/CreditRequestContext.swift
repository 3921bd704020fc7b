import Foundation
import Hummingbird
import Logging

/// The request context of every route: Hummingbird's core storage (identity will be added with accounts).
public struct CreditRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Requests larger than this are refused (413) before they reach a handler.
    public var maxUploadSize: Int { 1 * 1024 * 1024 }

    /// JSON with keys in a stable order, so that responses diff cleanly.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
