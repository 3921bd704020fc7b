import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

extension ListingController {
    /// `/listings` (a department): the form to enter a subject on a list the department keeps, and its entries.
    @Sendable func listingsPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        try await renderListings(context, extra: [:])
    }

    /// `POST /listings`: the form entered as `POST /api/v1/listings` enters it.
    @Sendable func enterOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let input = ListingRequest(flat: context.form)
        do {
            let outcome = try await dependencies.listings.enter(
                try input.parse(),
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            let said = outcome.created ? "已列入，编号 \(outcome.listing.id!)。" : "该决定已列入过（编号 \(outcome.listing.id!)），未重复列入。"
            return try await renderListings(context, extra: ["done": said])
        } catch let error as ListError {
            return try await renderListings(context, extra: ["problems": [error.message]], status: Self.apiError(error).status)
        }
    }

    /// `POST /listings/{id}/end`: ends one of the department's entries early, or revokes it.
    @Sendable func endOnPage(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let outcome = context.form["outcome"].flatMap(Listing.Status.init(rawValue:)) ?? .listed
        do {
            let ended = try await dependencies.listings.end(
                id: try id(context),
                ListingPlan.Ending(outcome: outcome, reason: context.form["reason"] ?? "", on: dependencies.clock.today()),
                departmentCode: context.principal?.departmentCode ?? "",
                by: context.principal?.name
            )
            return try await renderListings(context, extra: ["done": "列入 \(ended.id!) 已\(ended.state(on: dependencies.clock.today()).label)。"])
        } catch let error as ListError {
            return try await renderListings(context, extra: ["problems": [error.message]], status: Self.apiError(error).status)
        }
    }

    func renderListings(_ context: CreditRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let today = dependencies.clock.today()
        let types = try await dependencies.listTypes.versions().inForce(on: today)
        let code = context.principal?.departmentCode ?? ""
        let department = try await dependencies.registry.fetchDepartments().first { $0.code == code }
        let kept = department.map { d in types.types.filter { $0.recordCategory == nil && $0.mayBeIssued(by: d) } } ?? []
        let items = try await dependencies.listings.listings(departmentCode: code, limit: 500)
        var ctx: [String: Any] = [
            "department": department?.name ?? code,
            "lists": kept.map { ["code": $0.code, "name": $0.name] },
            "hasLists": !kept.isEmpty,
            "items": items.map { l -> [String: Any] in
                [
                    "id": l.id ?? 0, "listName": types.type(l.list)?.name ?? l.list,
                    "subject": l.subjectName + " " + (l.subjectCode ?? l.subjectIDMasked ?? ""), "documentNumber": l.documentNumber,
                    "startsOn": l.startsOn.description, "endsOn": l.endsOn?.description ?? "以决定为准",
                    "state": l.state(on: today).label, "endable": l.status == .listed && l.state(on: today) != .expired,
                ]
            },
        ]
        ctx.merge(extra) { $1 }
        if (extra["problems"] as? [String])?.isEmpty == false { ctx["hasProblems"] = true }
        return pages.page("listings", title: "名单列入", context: ctx, viewer: context, status: status)
    }
}
