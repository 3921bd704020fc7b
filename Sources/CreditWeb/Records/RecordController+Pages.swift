import CreditCore
import Foundation
import Hummingbird

extension RecordController {
    /// Rows shown on the unmatched page; the API gives up to 1,000 a call.
    static let unmatchedPageRows = 500

    /// The pages over records: `/unmatched`, the credit office's queue of records about credit
    /// codes the registry does not know (the same list as `GET /api/v1/unmatched`).
    func addPages(to routes: SecuredRoutes, pages: PageRenderer) {
        addDepartmentPages(to: routes, pages: pages)
        routes.get(
            "unmatched",
            .roles([.creditOffice, .admin]),
            use: { request, context in
                try await unmatchedPage(request, context: context, pages: pages)
            }
        )
    }

    func unmatchedPage(_ request: Request, context: CreditRequestContext, pages: PageRenderer) async throws -> Response {
        do {
            _ = try QueryParameters(request, allowed: [])  // the page takes none: an unknown one is refused, as on every page
        } catch {
            return pages.page("error", title: "参数有误", context: ["status": "400", "message": error.message], viewer: context, status: .badRequest)
        }
        let limit = Self.unmatchedPageRows
        let records = try await dependencies.records.unmatched(limit: limit + 1)
        let items = records.prefix(limit).map { r -> [String: Any] in
            [
                "code": r.subjectCode ?? "", "name": r.subjectName, "category": dependencies.catalogue.category(r.category)?.name ?? r.category,
                "documentNumber": r.documentNumber, "department": r.departmentName, "decidedOn": r.decidedOn.description,
                "receivedAt": BeijingTime.minute(r.receivedAt),
            ]
        }
        return pages.page(
            "unmatched",
            title: "未匹配主体的记录",
            context: ["items": items, "empty": items.isEmpty, "count": items.count, "more": records.count > limit],
            viewer: context
        )
    }

}
