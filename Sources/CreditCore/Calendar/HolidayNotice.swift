import Foundation

/// Reads the State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) as published, so that the credit
/// office loads next year's arrangement from the text it copies from gov.cn or Xinhua rather than typing dates into
/// JSON.
///
/// The notice lists one item per holiday: "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，
/// 共9天。2月14日（周六）、2月28日（周六）上班。" — days off (a range, or one day), the weekend days worked (上班), and
/// in older notices days off in lieu (补休). Full-width and ASCII punctuation are both read; what is in parentheses
/// (weekdays, lunar dates) is ignored. Days of another year (元旦 running from 31 December) are left out of the
/// year and named in ``Parsed/notes``.
///
/// ```swift
/// let parsed = try HolidayNotice.parse(text)   // parsed.year: a HolidayYear, checked like a JSON file
/// ```
public enum HolidayNotice {
    /// The year read from a notice, and what was left out of it.
    public struct Parsed: Sendable {
        public var year: HolidayYear
        /// What the notice fixes in the year before or after (元旦 from 30 December, with 29 December worked), as
        /// periods of that year named “元旦（YYYY年通知）”: to be added to that year's arrangement.
        public var elsewhere: [HolidayYear.Period]
        /// Dates the notice names in another year, in Chinese and English.
        public var notes: [String]
    }

    /// A text that is not a holiday notice, or an item in it whose dates cannot be read.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    static let holidayNames = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]

    /// Reads a notice's text.
    /// - Throws: ``ParseError`` naming every item that could not be read; nothing is returned then.
    public static func parse(_ text: String) throws(ParseError) -> Parsed {
        let text = normalized(text)
        guard let yearMatch = text.firstMatch(of: regex(#"(?:关于|现将)(\d{4})年"#)), let year = Int(yearMatch.output[1].substring ?? "")
        else {
            throw ParseError(problems: ["找不到年份：不是“国务院办公厅关于某年部分节假日安排的通知” / no year found: not a State Council holiday notice"])
        }
        guard HolidayYear.plausibleYears.contains(year) else {
            throw ParseError(problems: ["年份 \(year) 不合理 / \(year) is not a plausible year"])
        }
        let names = holidayNames.joined(separator: "|")
        let markers = text.matches(of: regex(#"[一二三四五六七八九十]、((?:\#(names))(?:、(?:\#(names)))*):"#))
        guard !markers.isEmpty else {
            throw ParseError(problems: ["找不到各节日的安排（如“一、元旦：”） / no holiday items found (such as “一、元旦：”)"])
        }
        var periods: [HolidayYear.Period] = []
        var elsewhere: [HolidayYear.Period] = []
        var problems: [String] = []
        var notes: [String] = []
        for (index, marker) in markers.enumerated() {
            let name = String(marker.output[1].substring ?? "")
            let end = index + 1 < markers.count ? markers[index + 1].range.lowerBound : text.endIndex
            var body = String(text[marker.range.upperBound..<end])
            if let tail = body.range(of: "节假日期间") ?? body.range(of: "鼓励") { body = String(body[..<tail.lowerBound]) }
            body = body.replacing(regex(#"\([^)]*\)"#), with: "")
            // Clauses: the first with a date gives the days off; then the days worked and the days off in lieu.
            let clauses = body.split(whereSeparator: { $0 == "." || $0 == "," }).map(String.init).filter { !datesIn($0, year: year).isEmpty }
            guard let first = clauses.first, let (from, to) = daysOff(in: first, year: year) else {
                problems.append("“\(name)”：找不到放假日期 / \(name): no days off found in “\(body.prefix(60))”")
                continue
            }
            var period = HolidayYear.Period(name: name, from: from, to: to)
            var workedElsewhere: [LocalDate] = []
            for sentence in clauses.dropFirst() {
                let dates = datesIn(sentence, year: year)
                let inYear = dates.filter { $0.year == year }
                if sentence.contains("上班") {
                    period.workdays += inYear
                    workedElsewhere += dates.filter { $0.year != year }
                } else if sentence.contains("补休") || sentence.contains("放假") {
                    // Days off in lieu, as “1月2日（星期一）补休”: the period runs to the last of them.
                    period.to = ([period.to] + inYear).max()!
                }
            }
            // Days off in the year before or after: a period of that year, with the days worked there.
            for other in Set([from.year, to.year]).subtracting([year]).sorted() {
                let start = max(from, LocalDate(year: other, month: 1, day: 1)!)
                let end = min(to, LocalDate(year: other, month: 12, day: 31)!)
                elsewhere.append(
                    HolidayYear.Period(
                        name: "\(name)（\(year)年通知）",
                        from: start,
                        to: end,
                        workdays: workedElsewhere.filter { $0.year == other }
                    )
                )
                notes.append("“\(name)”：\(start) 至 \(end) 在 \(other) 年，补入该年的安排 / \(name): \(start)–\(end) belong to \(other)'s arrangement")
            }
            for date in workedElsewhere where !elsewhere.contains(where: { $0.from.year == date.year }) {
                notes.append("“\(name)”：\(date) 不在 \(year) 年，未载入 / \(name): \(date) is not in \(year) and was left out")
            }
            period.from = max(period.from, LocalDate(year: year, month: 1, day: 1)!)
            period.to = min(period.to, LocalDate(year: year, month: 12, day: 31)!)
            periods.append(period)
        }
        guard problems.isEmpty else { throw ParseError(problems: problems) }
        let number = text.firstMatch(of: regex(#"国办发明电〔\d{4}〕\d+号"#)).map { String(text[$0.range]) }
        let source = "国务院办公厅关于\(year)年部分节假日安排的通知" + (number.map { "（\($0)）" } ?? "") + "，由通知文本读入 / read from the notice's text"
        return Parsed(year: HolidayYear(year: year, source: source, periods: periods), elsewhere: elsewhere, notes: notes)
    }

    /// The first sentence's days off: “M月D日至[M月]D日” (either end may name its year) or one day “M月D日”.
    static func daysOff(in sentence: String, year: Int) -> (LocalDate, LocalDate)? {
        if let range = sentence.firstMatch(of: regex(#"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日至(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"#)) {
            let o = range.output
            func number(_ i: Int) -> Int? { o[i].substring.flatMap { Int($0) } }
            guard let fromMonth = number(2), let fromDay = number(3), let toDay = number(6) else { return nil }
            let fromYear = number(1) ?? year
            guard let from = LocalDate(year: fromYear, month: fromMonth, day: fromDay),
                let to = LocalDate(year: number(4) ?? (number(1) == nil ? year : fromYear), month: number(5) ?? fromMonth, day: toDay),
                from <= to
            else { return nil }
            return (from, to)
        }
        guard let day = datesIn(sentence, year: year).first else { return nil }
        return (day, day)
    }

    /// Every “[YYYY年]M月D日” in a sentence.
    static func datesIn(_ sentence: String, year: Int) -> [LocalDate] {
        sentence.matches(of: regex(#"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"#)).compactMap { match in
            let o = match.output
            guard let month = o[2].substring.flatMap({ Int($0) }), let day = o[3].substring.flatMap({ Int($0) }) else { return nil }
            return LocalDate(year: o[1].substring.flatMap { Int($0) } ?? year, month: month, day: day)
        }
    }

    /// Full-width punctuation as ASCII, so that texts copied from either kind of page read alike.
    static func normalized(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "：": out.append(":")
            case "（": out.append("(")
            case "）": out.append(")")
            case "，": out.append(",")
            case "。": out.append(".")
            case "\u{3000}": out.append(" ")
            default: out.append(c)
            }
        }
        return out
    }

    private static func regex(_ pattern: String) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern)
        } catch {
            preconditionFailure("pattern \(pattern) does not compile: \(error)")
        }
    }
}
