import CreditCore
import Foundation
import Hummingbird

/// Writes the audit log for the web layer: who (the principal), what (route and subject), when (the
/// store's clock), from where (address, request id) and why (the caller's `purpose`).
struct Auditor: Sendable {
    let trail: any AuditTrail

    /// The purpose a caller declared, as sent: the `purpose` query parameter or form field, trimmed; nil when none.
    static func declaredPurpose(_ request: Request, _ context: CreditRequestContext) -> String? {
        let fromQuery = FormBody.parse(request.uri.query ?? "")[QueryParameters.purpose]
        let text = (fromQuery ?? context.form[QueryParameters.purpose])?.trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false ? text : nil
    }

    /// The purpose to record: the declared one, at most 200 characters; nil when none, or when it holds a control
    /// character (not a purpose anyone wrote).
    static func purpose(_ request: Request, _ context: CreditRequestContext) -> String? {
        declaredPurpose(request, context).flatMap { $0.containsControlCharacter ? nil : String($0.prefix(200)) }
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
                subject: subject,
                status: status,
                outcome: outcome,
                address: context.clientAddress,
                requestID: context.id,
                purpose: Self.purpose(request, context)
            )
        )
    }
}
