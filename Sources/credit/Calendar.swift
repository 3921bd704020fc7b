import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "工作日历 / the working-day calendar.",
        subcommands: [Load.self, Show.self]
    )

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "载入一年的节假日安排 / load a year's holiday arrangement.",
            discussion: """
                The file is either the State Council's notice as published (国务院办公厅关于YYYY年部分节假日安排的通知, \
                copied from gov.cn or Xinhua into a text file, UTF-8 or GB 18030) or a JSON file of one year (see docs/operations.md). \
                The year read is printed; an arrangement that makes a statutory holiday a working day is refused \
                unless --force is given. Loading counts again the 7-working-day clock of every record that runs into the year.
                """
        )

        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The notice's text, or a JSON file of one year.") var file: String
        @Flag(help: "Show what would be loaded, and store nothing.") var dryRun = false
        @Flag(help: "Load even if a statutory holiday is a working day in it.") var force = false

        func run() async throws {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw CleanExit.message("无法读取文件 \(file) / cannot read \(file)")
            }
            let reading = try Self.read(data, file: file)
            let year = reading.year
            for period in year.periods {
                let worked = period.workdays.isEmpty ? "" : "，调休上班 / worked: " + period.workdays.map(\.description).joined(separator: "、")
                print("\(period.name)\t\(period.from) – \(period.to)\(worked)")
            }
            for line in reading.contradictions { FileHandle.standardError.write(Data("注意 / note: \(line)\n".utf8)) }
            if !reading.contradictions.isEmpty, !force {
                throw ValidationError("未载入：请核对上述日期，确认无误可加 --force / not loaded: check the dates above, or load anyway with --force")
            }
            let days = reading.workingDays
            if dryRun {
                print("\(year.year) 年全年 \(days) 个工作日；未载入（--dry-run） / \(year.year): \(days) working days; nothing stored (--dry-run)")
                return
            }
            let result: CalendarLoadResult
            do {
                result = try await db.withStores(logger: Log.make("credit")) { stores in
                    try await stores.calendarStore.load(year, elsewhere: reading.elsewhere)
                }
            } catch let error as CalendarLoadError {
                throw ValidationError(error.description)
            }
            print("已载入 \(year.year) 年节假日安排，全年 \(days) 个工作日 / loaded \(year.year): \(days) working days")
            for other in result.amended {
                print("已将通知所列 \(other) 年的日子补入 \(other) 年的安排 / added the notice's days in \(other) to \(other)'s arrangement")
            }
            for other in result.notAmended {
                FileHandle.standardError.write(
                    Data("注意 / note: 平台没有 \(other) 年的安排，通知所列该年的日子未载入 / no arrangement for \(other): its days were left out\n".utf8)
                )
            }
            let recount = result.recount
            print(
                "重新计算报送期限 \(recount.counted) 条，变化 \(recount.changed) 条（迟报与否改变 \(recount.lateChanged) 条），仍为估算 \(recount.stillEstimated) 条"
                    + " / clocks counted again: \(recount.counted), changed: \(recount.changed) (late or on time changed: \(recount.lateChanged)),"
                    + " still estimates: \(recount.stillEstimated)"
            )
            print("运行中的服务一分钟内启用新日历 / a running server puts it in force within a minute")
        }

        /// A JSON year, or the notice's text, in UTF-8 or GB 18030, read as the `/calendar` page reads it.
        static func read(_ data: Data, file: String) throws -> HolidayLoad {
            let decoder = StreamingTextDecoder(.auto)
            let text = String(decoding: decoder.decode(Array(data)) + decoder.finish(), as: UTF8.self)
            let reading: HolidayLoad
            do {
                reading = try HolidayLoad.read(text)
            } catch {
                throw ValidationError("读不出节假日安排 / \(file) cannot be read as a holiday arrangement:\n\(error.description)")
            }
            for note in reading.notes { FileHandle.standardError.write(Data("注意 / note: \(note)\n".utf8)) }
            guard reading.problems.isEmpty else { throw ValidationError(reading.problems.joined(separator: "\n")) }
            return reading
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示已有年份 / list the years the calendar knows.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let calendar = try await db.withStores(logger: Log.make("credit")) { stores in
                stores.calendars.current
            }
            for year in calendar.years.keys.sorted() {
                print("\(year)\t\(calendar.workingDayCount(inYear: year)) 个工作日 / working days\t\(calendar.years[year]!.source)")
            }
            // This year and next, when missing: what deadlines are counted with meanwhile.
            let thisYear = SystemClock().today().year
            for year in calendar.missingYears(from: thisYear, through: thisYear + 1) {
                print(
                    "\(year)\t\(calendar.workingDayCount(inYear: year)) 个工作日 / working days\t"
                        + "未载入：按法定节假日估算，不含调休 / not loaded: estimated from the statutory holidays, no 调休"
                )
            }
        }
    }
}
