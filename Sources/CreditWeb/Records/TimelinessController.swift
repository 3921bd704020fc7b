import CreditCore
import Foundation
import Hummingbird

/// The 7-working-day clock, reported: per department and category, how many records decided in a period
/// arrived on time, how many late, and the average delay in working days.
struct TimelinessController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.get("departments/{code}/timeliness", .roles([.creditOffice, .admin, .department]), use: department)
        routes.get("timeliness", .roles([.creditOffice, .admin]), use: page)
    }

    struct Figures: Encodable, Sendable {
        var records: Int
        var late: Int
        var onTimeRate: Double
        var averageDelayWorkingDays: Double
        /// Records whose due date runs into a year with no holiday arrangement loaded, counted with the law's
        /// holidays: their figures may change when the year is loaded.
        var estimated: Int
        /// Decisions revoked in the period whose withdrawal is timed (3 working days), and how many were withdrawn late.
        var withdrawals: Int
        var withdrawalsLate: Int

        /// The row's figures, rounded for reading (rate to 0.001, but 1 only when none is late and 0 only when all
        /// are; delay to 0.01 working days).
        init(_ row: TimelinessRow) {
            records = row.records
            late = row.late
            onTimeRate = Double(row.onTimePermille) / 1000
            averageDelayWorkingDays = (row.averageDelay * 100).rounded() / 100
            estimated = row.estimated
            withdrawals = row.withdrawals
            withdrawalsLate = row.withdrawalsLate
        }
    }

    struct CategoryDTO: Encodable, Sendable {
        var category: String
        var categoryName: String
        var figures: Figures
    }

    struct DepartmentDTO: ResponseEncodable, Sendable {
        var code: String
        var name: String
        var from: String
        var to: String
        var total: Figures
        var categories: [CategoryDTO]
    }

    /// The period asked for: `from` and `to` (inclusive); by default the last 365 days.
    func period(_ params: QueryParameters) throws(APIError) -> (LocalDate, LocalDate) {
        let today = dependencies.clock.today()
        func date(_ name: String, _ fallback: LocalDate) throws(APIError) -> LocalDate {
            guard let text = params[name], !text.isEmpty else { return fallback }
            guard let d = LocalDate(text) else { throw APIError.invalidParameter(name, "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            return d
        }
        let to = try date("to", today)
        let from = try date("from", to.adding(days: -364))
        guard from <= to else { throw APIError.invalidParameter("to", "结束日期早于开始日期 / the end date is before the start date") }
        return (from, to)
    }

    @Sendable func department(_ request: Request, context: CreditRequestContext) async throws -> DepartmentDTO {
        let params = try QueryParameters(request, allowed: ["from", "to"])
        let code = (context.parameters.get("code") ?? "").uppercased()
        // A department sees its own figures only; for another code it gets 404, as for an unknown one.
        guard context.sees(department: code),
            let name = try await dependencies.registry.fetchDepartments().first(where: { $0.code == code })?.name
        else { throw APIError.notFound("部门", "the department") }
        let (from, to) = try period(params)
        let rows = try await dependencies.records.timeliness(departmentCode: code, from: from, to: to)
        return DepartmentDTO(
            code: code,
            name: name,
            from: from.description,
            to: to.description,
            total: Figures(TimelinessRow.total(of: rows, departmentCode: code, departmentName: name)),
            categories: rows.map {
                CategoryDTO(
                    category: $0.category,
                    categoryName: dependencies.catalogue.category($0.category)?.name ?? $0.category,
                    figures: Figures($0)
                )
            }
        )
    }

    /// Years as consecutive spans: 2013–2022、2027.
    static func spans(_ years: [Int]) -> String {
        var spans: [(Int, Int)] = []
        for year in years.sorted() {
            if let last = spans.last, last.1 + 1 == year { spans[spans.count - 1].1 = year } else { spans.append((year, year)) }
        }
        return spans.map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)–\($0.1)" }.joined(separator: "、")
    }

    @Sendable func page(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let params = try QueryParameters(request, allowed: ["from", "to"])
        let (from, to): (LocalDate, LocalDate)
        do {
            (from, to) = try period(params)
        } catch {
            return pages.page("error", title: "参数有误", context: ["status": "400", "message": error.message], viewer: context, status: .badRequest)
        }
        let rows = try await dependencies.records.timeliness(departmentCode: nil, from: from, to: to)
        let items = rows.map { r -> [String: Any] in
            let f = Figures(r)
            return [
                "department": r.departmentName, "category": dependencies.catalogue.category(r.category)?.name ?? r.category,
                "records": r.records.grouped,
                "late": r.late.grouped, "anyLate": r.late > 0,
                "lateLink":
                    "/department-records?department=\(r.departmentCode)&category=\(QueryParameters.encode(r.category))&late=true&from=\(from)&to=\(to)",
                "rate": String(format: "%.1f%%", Double(r.onTimePermille) / 10),
                "delay": String(format: "%.2f", f.averageDelayWorkingDays), "warn": r.onTimePermille < 900, "estimated": r.estimated,
                "withdrawals": r.withdrawals, "withdrawalsLate": r.withdrawalsLate, "anyWithdrawalLate": r.withdrawalsLate > 0,
            ]
        }
        let estimated = rows.reduce(0) { $0 + $1.estimated }
        return pages.page(
            "timeliness",
            title: "报送及时性",
            context: [
                "items": items, "from": from.description, "to": to.description, "empty": items.isEmpty, "estimated": estimated,
                "anyEstimated": estimated > 0,
                // The years a clock of the period may run into (to next year, for a record not yet due) that have none.
                "missingYears": Self.spans(
                    dependencies.calendar.missingYears(from: from.year, through: max(to.year, dependencies.clock.today().year) + 1)
                ),
            ],
            viewer: context
        )
    }
}
