import CreditCore
import Foundation
import Hummingbird

/// The credit office's page for the working-day calendar: the years the platform counts with, and next year's
/// arrangement loaded by pasting the State Council's notice (the same reader and checks as `credit calendar load`).
/// A year loaded here is in force at once, and the clocks that run into it are counted again.
struct CalendarController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api _: SecuredRoutes, pages routes: SecuredRoutes) {
        routes.get("calendar", .roles([.creditOffice, .admin]), use: show)
        routes.post("calendar", .roles([.creditOffice, .admin]), use: submit)
    }

    @Sendable func show(_ request: Request, context: CreditRequestContext) async throws -> Response {
        do {
            _ = try QueryParameters(request, allowed: [])
        } catch {
            return pages.page("error", title: "参数有误", context: ["status": "400", "message": error.message], viewer: context, status: .badRequest)
        }
        return render(context, extra: [:])
    }

    /// `action=preview` shows what the notice reads as; `action=load` stores it (refused when it makes a statutory
    /// holiday a working day, unless `force` is ticked).
    @Sendable func submit(_ request: Request, context: CreditRequestContext) async throws -> Response {
        let text = context.form["notice"] ?? ""
        let load = context.form["action"] == "load"
        let reading: HolidayLoad
        do {
            reading = try HolidayLoad.read(text)
        } catch {
            return render(context, extra: ["problems": error.problems, "notice": text], status: .badRequest)
        }
        let (year, problems, contradictions, days) = (reading.year, reading.problems, reading.contradictions, reading.workingDays)
        var shown: [String: Any] = [
            "notice": text, "parsedYear": year.year, "parsedDays": days, "notes": reading.notes, "contradictions": contradictions,
            "periods": year.periods.map { p -> [String: Any] in
                [
                    "name": p.name, "from": p.from.description, "to": p.to.description,
                    "workdays": p.workdays.map(\.description).joined(separator: "、"),
                ]
            },
        ]
        if !problems.isEmpty { return render(context, extra: shown.merging(["problems": problems]) { $1 }, status: .badRequest) }
        guard load else { return render(context, extra: shown) }
        if !contradictions.isEmpty, context.form["force"] != "on" {
            shown["problems"] = ["未载入：安排把法定节假日作为工作日，请核对；确认无误可勾选“仍然载入” / not loaded: a statutory holiday is a working day in it"]
            return render(context, extra: shown, status: .badRequest)
        }
        let result: CalendarLoadResult
        do {
            result = try await dependencies.calendarStore.load(year, elsewhere: reading.elsewhere)
        } catch let error as CalendarLoadError {
            // The days the notice fixes in the year before do not fit that year's arrangement: nothing was stored.
            shown["problems"] = error.problems
            return render(context, extra: shown, status: .badRequest)
        }
        let recount = result.recount
        // In force now, here; the estimates stored meanwhile are counted again with it.
        try await CalendarReloader(dependencies: dependencies, logger: context.logger).reloadIfChanged()
        return render(
            context,
            extra: [
                "loaded": "已载入 \(year.year) 年节假日安排（全年 \(days) 个工作日），即时生效"
                    + result.amended.map { "；通知所列 \($0) 年的日子已补入该年安排" }.joined()
                    + result.notAmended.map { "；平台没有 \($0) 年的安排，通知所列该年的日子未载入" }.joined()
                    + "；重新计算报送期限 \(recount.counted) 条，变化 \(recount.changed) 条（迟报与否改变 \(recount.lateChanged) 条）。"
            ]
        )
    }

    /// The notice a year's arrangement comes from, as its source names it first (the title with its number and
    /// date, up to the first "。"); what follows — where its text was checked — is the cell's tooltip.
    static func noticeName(_ source: String) -> String {
        source.firstIndex(of: "。").map { String(source[..<$0]) } ?? source
    }

    func render(_ context: CreditRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let calendar = dependencies.calendar
        let thisYear = dependencies.clock.today().year
        let known = calendar.years.keys.sorted()
        let years = ((known.first ?? thisYear)...max(known.last ?? thisYear, thisYear + 1)).map { year -> [String: Any] in
            let source = calendar.years[year]?.source ?? "未载入：按《全国年节及纪念日放假办法》规定的节日估算，不含调休"
            return [
                "year": year, "days": calendar.workingDayCount(inYear: year), "loaded": calendar.hasData(for: year),
                "notice": Self.noticeName(source), "source": source,
            ]
        }
        var values: [String: Any] = ["years": years]
        values.merge(extra) { $1 }
        for (list, flag) in [("problems", "hasProblems"), ("notes", "hasNotes"), ("contradictions", "hasContradictions")] {
            values[flag] = !((values[list] as? [String])?.isEmpty ?? true)
        }
        return pages.page("calendar", title: "工作日历", context: values, viewer: context, status: status)
    }
}
