import CreditCore
import Foundation
import Hummingbird

/// Writes the audit log for the web layer: who (the principal), what (route and subject), when (the
/// store's clock), from where (address, request id) and why (the caller's `purpose`).
struct Auditor: Sendable {
    let trail: any AuditTrail

    /// The purpose a caller declared: the `purpose` query parameter or form field, trimmed, at most 200 characters.
    static func purpose(_ request: Request, _ context: CreditRequestContext) -> String? {
        let fromQuery = FormBody.parse(request.uri.query ?? "")[QueryParameters.purpose]
        let text = (fromQuery ?? context.form[QueryParameters.purpose])?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let text, !text.isEmpty, !text.containsControlCharacter else { return nil }
        return String(text.prefix(200))
    }

    func record(
        _ action: AuditAction,
        request: Request,
        context: CreditRequestContext,
        route: String,
        subject: String? = nil,
        status: Int,
        outcome: String,
        principal: Principal? = nil
    ) async throws {
        try await trail.record(
            AuditEvent(
                action: action,
                principal: principal ?? context.principal,
                method: request.method.rawValue,
                route: route,
                // What the caller sent (a login name, a path's code) may hold a control character: kept, shown as �.
                subject: subject?.replacingControlCharacters,
                status: status,
                outcome: outcome,
                address: context.clientAddress,
                requestID: context.id,
                purpose: Self.purpose(request, context)
            )
        )
    }
}
