import CreditCore
import Foundation
import Hummingbird
import Logging

/// The request context of every route: Hummingbird's core storage and who is asking.
public struct CreditRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, or nil for an anonymous visitor. Set by ``BearerTokenMiddleware``.
    public var principal: Principal?

    /// The peer's IP address (nil in in-process tests). Used to rate-limit anonymous callers; never logged.
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
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
