import CreditCore
import Foundation
import Testing

/// The notices' texts as published (Xinhua, 国务院公报 via Wikisource), in `Tests/Fixtures/holiday-notices` (the
/// command-line test loads one too); the 2024 one with ASCII punctuation, as many reprints have it.
enum Notices {
    static func text(_ year: Int) throws -> String {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: folder.appendingPathComponent("Fixtures/holiday-notices/\(year).txt"), encoding: .utf8)
    }
}

@Suite("The State Council's holiday notice, read from its text")
struct HolidayNoticeTests {
    @Test(
        "each notice of 2023–2026 reads as the arrangement shipped for its year: the same days off and days worked",
        arguments: [2023, 2024, 2025, 2026]
    )
    func shippedYears(_ year: Int) throws {
        let parsed = try HolidayNotice.parse(try Notices.text(year))
        let shipped = try #require(WorkingDayCalendar.bundledYears.first { $0.year == year })
        #expect(parsed.year.year == year)
        #expect(parsed.year.validationProblems().isEmpty)
        #expect(parsed.year.daysOff == shipped.daysOff, "\(parsed.year.daysOff.symmetricDifference(shipped.daysOff).sorted())")
        #expect(parsed.year.makeUpWorkdays == shipped.makeUpWorkdays)
        #expect(parsed.year.periods.map(\.name) == shipped.periods.map(\.name))
        #expect(
            WorkingDayCalendar(years: [parsed.year]).workingDayCount(inYear: year)
                == WorkingDayCalendar(years: [shipped]).workingDayCount(inYear: year)
        )
    }

    @Test("a day off in lieu (补休) extends its holiday; a merged 中秋节、国庆节 is one period; the document number is kept")
    func olderNotice() throws {
        let parsed = try HolidayNotice.parse(try Notices.text(2017))
        let periods = parsed.year.periods
        #expect(periods.count == 6)
        #expect(periods[0].name == "元旦" && periods[0].from.description == "2017-01-01" && periods[0].to.description == "2017-01-02")
        #expect(periods[3].name == "劳动节" && periods[3].from == periods[3].to)
        #expect(periods[5].name == "中秋节、国庆节" && periods[5].to.description == "2017-10-08")
        #expect(periods[5].workdays.map(\.description) == ["2017-09-30"])
        #expect(parsed.year.source.contains("国办发明电〔2016〕17号"))
        #expect(parsed.notes.isEmpty)
    }

    @Test("days the notice names in the year before are kept apart, as a period of that year, and said so")
    func crossYear() throws {
        let parsed = try HolidayNotice.parse(try Notices.text(2023))
        #expect(parsed.year.periods[0].from.description == "2023-01-01" && parsed.year.periods[0].to.description == "2023-01-02")
        #expect(parsed.elsewhere.count == 1 && parsed.elsewhere[0].name == "元旦（2023年通知）")
        #expect(parsed.elsewhere[0].from.description == "2022-12-31" && parsed.elsewhere[0].to.description == "2022-12-31")
        #expect(parsed.notes.count == 1 && parsed.notes[0].contains("2022"))
        // A make-up working day in December of the year before (as the 2019 notice had) goes with it.
        let text = "国务院办公厅关于2019年部分节假日安排的通知\n一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。"
        let y2019 = try HolidayNotice.parse(text)
        #expect(y2019.year.periods[0].workdays.isEmpty && y2019.year.validationProblems().isEmpty)
        #expect(y2019.year.periods[0].from.description == "2019-01-01" && y2019.year.periods[0].to.description == "2019-01-01")
        let december = try #require(y2019.elsewhere.first)
        #expect(december.from.description == "2018-12-30" && december.to.description == "2018-12-31")
        #expect(december.workdays.map(\.description) == ["2018-12-29"])
    }

    @Test("a text that is not a notice, or an item without its dates, is refused with the reason")
    func refused() {
        #expect(throws: HolidayNotice.ParseError.self) { try HolidayNotice.parse("这是一份会议纪要。") }
        // A year no date can have (a typing slip, with a range that names real years): refused, not a crash.
        #expect(throws: HolidayNotice.ParseError.self) {
            try HolidayNotice.parse("国务院办公厅关于0000年部分节假日安排的通知\n一、元旦：2018年12月30日至2019年1月1日放假。")
        }
        #expect(throws: HolidayNotice.ParseError.self) { try HolidayNotice.parse("国务院办公厅关于2027年部分节假日安排的通知\n各省：请遵照执行。") }
        do {
            _ = try HolidayNotice.parse("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假。\n二、春节：另行通知。")
            Issue.record("an item without dates was read")
        } catch {
            #expect(error.problems.count == 1 && error.problems[0].contains("春节"))
        }
    }
}
