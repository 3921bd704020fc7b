import CreditCore

/// Who may call each route, written out by hand from the roles' duties (README, "Accounts and roles"; `interface.md`):
/// the expectation the permission matrix holds the router to. It is not read from the routes' declarations, so a
/// route declared with the wrong roles, or a route added without a line here, fails the test.
///
/// Columns: the anonymous public, then `admin`, `credit-office`, `department`, `inspector`, `approver`, `entity`,
/// `subscriber`. `✓` may call; `·` is refused (401 anonymous, 403 signed in).
enum PermissionTable {
    static let callers = ["anonymous", "admin", "credit-office", "department", "inspector", "approver", "entity", "subscriber"]

    static let matrix = """
        # route                                 anon admin office dept insp appr entity subs
        GET /healthz                               ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /metrics                               ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /openapi.json                          ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /openapi.yaml                          ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /static/{file}                         ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /                                      ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /search                                ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /entities/{code}                       ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /records                               ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /catalog                               ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /lists                                 ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /lists                                ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /listings                              ·    ·      ·    ✓    ·    ·      ·    ·
        POST /listings                             ·    ·      ·    ✓    ·    ·      ·    ·
        POST /listings/{id}/end                    ·    ·      ·    ✓    ·    ·      ·    ·
        GET /commitments                           ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /commitments                          ·    ·      ·    ·    ·    ·      ✓    ·
        POST /commitments/{id}/verification        ·    ·      ·    ✓    ·    ·      ·    ·
        POST /voluntary/{id}/review                ·    ·      ✓    ✓    ·    ·      ·    ·
        GET /reports                               ·    ·      ✓    ·    ·    ·      ✓    ·
        POST /reports                              ·    ·      ✓    ·    ·    ·      ✓    ·
        GET /reports/verify                        ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /reports/{number}                      ·    ·      ✓    ·    ·    ·      ✓    ·
        GET /repairs                               ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /repairs                              ·    ·      ·    ·    ·    ·      ✓    ·
        POST /repairs/{id}/decision                ·    ·      ·    ✓    ·    ·      ·    ·
        POST /repairs/{id}/steps                   ·    ·      ·    ✓    ·    ·      ✓    ·
        POST /objections                           ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /objections/{id}/decision             ·    ·      ·    ✓    ·    ·      ·    ·
        POST /objections/{id}/steps                ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /checks                                ·    ✓      ✓    ·    ·    ✓      ·    ·
        POST /checks                               ·    ✓      ✓    ·    ·    ✓      ·    ·
        GET /checks/{id}                           ·    ✓      ✓    ·    ·    ✓      ·    ·
        POST /checks/{id}/feedback                 ·    ✓      ✓    ·    ·    ✓      ·    ·
        GET /feedback                              ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /checks/verify                         ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /checks/verify                        ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /login                                 ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /login                                ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /logout                               ·    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /account                               ·    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /calendar                              ·    ✓      ✓    ·    ·    ·      ·    ·
        POST /calendar                             ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /unmatched                             ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /timeliness                            ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /audit                                 ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /department-records                    ·    ✓      ✓    ✓    ·    ·      ·    ·
        GET /department-records/{id}               ·    ✓      ✓    ✓    ·    ·      ·    ·
        GET /imports                               ·    ·      ·    ✓    ·    ·      ·    ·
        GET /rejections                            ·    ·      ·    ✓    ·    ·      ·    ·
        POST /rejections/{id}                      ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/entities                       ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/entities/{code}                ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /api/v1/entities                      ·    ·      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/departments                    ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/accounts/me                    ·    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/accounts                       ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/catalog                        ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        PUT /api/v1/catalog                        ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/lists                          ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        PUT /api/v1/lists                          ·    ✓      ✓    ·    ·    ·      ·    ·
        POST /api/v1/listings                      ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/listings                       ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/listings/{id}                  ·    ✓      ✓    ✓    ·    ·      ·    ·
        POST /api/v1/listings/{id}/end             ·    ·      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/measures                       ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/entities/{code}/listings       ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/check                          ·    ✓      ✓    ·    ·    ✓      ·    ·
        POST /api/v1/checks                        ·    ✓      ✓    ·    ·    ✓      ·    ·
        GET /api/v1/check/{id}                     ·    ✓      ✓    ·    ·    ✓      ·    ·
        POST /api/v1/subscriptions                 ·    ·      ·    ·    ·    ·      ·    ✓
        GET /api/v1/subscriptions                  ·    ·      ·    ·    ·    ·      ·    ✓
        DELETE /api/v1/subscriptions/{id}          ·    ·      ·    ·    ·    ·      ·    ✓
        GET /api/v1/subscriptions/{id}/deliveries  ·    ·      ·    ·    ·    ·      ·    ✓
        GET /api/v1/changes                        ·    ·      ·    ·    ·    ·      ·    ✓
        GET /api/v1/webhook-allow-list             ·    ✓      ✓    ·    ·    ·      ·    ·
        PUT /api/v1/webhook-allow-list             ·    ✓      ✓    ·    ·    ·      ·    ·
        POST /api/v1/check/{id}/feedback           ·    ✓      ✓    ·    ·    ✓      ·    ·
        GET /api/v1/feedback                       ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/feedback/overdue               ·    ✓      ✓    ·    ·    ·      ·    ·
        POST /api/v1/checks/verify                 ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /api/v1/repairs                       ·    ·      ·    ·    ·    ·      ✓    ·
        GET /api/v1/repairs                        ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/repairs/{id}                   ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /api/v1/repairs/{id}/decision         ·    ·      ·    ✓    ·    ·      ·    ·
        POST /api/v1/repairs/{id}/steps            ·    ·      ·    ✓    ·    ·      ✓    ·
        GET /api/v1/repairs/{id}/materials/{number} ·   ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/case-deadlines                 ·    ·      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/commitments/items              ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        PUT /api/v1/commitments/items              ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/commitments/eligibility        ·    ·      ·    ✓    ·    ✓      ·    ·
        POST /api/v1/commitments                   ·    ·      ·    ✓    ·    ·      ✓    ·
        GET /api/v1/commitments                    ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/commitments/{id}               ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /api/v1/commitments/{id}/verification ·    ·      ·    ✓    ·    ·      ·    ·
        POST /api/v1/voluntary                     ·    ·      ·    ·    ·    ·      ✓    ·
        POST /api/v1/reports                       ·    ·      ✓    ·    ·    ·      ✓    ·
        GET /api/v1/reports/{number}               ·    ·      ✓    ·    ·    ·      ✓    ·
        GET /api/v1/reports/{number}/verify        ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        POST /api/v1/reports/{number}/verify       ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/voluntary                      ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/voluntary/{id}                 ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /api/v1/voluntary/{id}/review         ·    ·      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/voluntary/{id}/materials/{number} · ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/case-deadlines/webhook         ·    ·      ·    ✓    ·    ·      ·    ·
        PUT /api/v1/case-deadlines/webhook         ·    ·      ·    ✓    ·    ·      ·    ·
        POST /api/v1/objections                    ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/objections                     ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/objections/{id}                ·    ·      ✓    ✓    ·    ·      ✓    ·
        POST /api/v1/objections/{id}/decision      ·    ·      ·    ✓    ·    ·      ·    ·
        POST /api/v1/objections/{id}/steps         ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/objections/{id}/materials/{number} · ·     ✓    ✓    ·    ·      ✓    ·
        POST /api/v1/records                       ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/records                        ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/records/{id}                   ·    ✓      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/records/{id}/repair-notice     ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/listings/{id}/repair-notice    ·    ·      ✓    ✓    ·    ·      ✓    ·
        GET /api/v1/entities/{code}/records        ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/open-data/records              ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/rejections                     ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/unmatched                      ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/departments/{code}/records     ·    ✓      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/departments/{code}/records/export ·  ✓    ✓    ✓    ·    ·      ·    ·
        GET /api/v1/departments/{code}/timeliness  ·    ✓      ✓    ✓    ·    ·      ·    ·
        POST /api/v1/imports                       ·    ·      ·    ✓    ·    ·      ·    ·
        PUT /api/v1/imports/{id}/file              ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/imports                        ·    ✓      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/imports/{id}                   ·    ✓      ✓    ✓    ·    ·      ·    ·
        GET /api/v1/column-mappings/{category}     ·    ·      ·    ✓    ·    ·      ·    ·
        PUT /api/v1/column-mappings/{category}     ·    ·      ·    ✓    ·    ·      ·    ·
        DELETE /api/v1/column-mappings/{category}  ·    ·      ·    ✓    ·    ·      ·    ·
        GET /api/v1/audit                          ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/audit/export                   ·    ✓      ✓    ·    ·    ·      ·    ·
        GET /api/v1/log/checkpoint                 ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/log/leaves/{index}/proof       ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        GET /api/v1/log/consistency                ✓    ✓      ✓    ✓    ✓    ✓      ✓    ✓
        """

    /// `"GET /path"` → the callers (names of ``callers``) who may call it.
    static let allowed: [String: Set<String>] = {
        var table: [String: Set<String>] = [:]
        for line in matrix.split(separator: "\n") where !line.hasPrefix("#") {
            let cells = line.split(separator: " ").map(String.init)
            precondition(cells.count == 2 + callers.count, "a row of the permission table has the wrong number of cells: \(line)")
            let route = cells[0] + " " + cells[1]
            precondition(table[route] == nil, "\(route) is twice in the permission table")
            table[route] = Set(zip(callers, cells.dropFirst(2)).filter { $0.1 == "✓" }.map(\.0))
        }
        return table
    }()
}
