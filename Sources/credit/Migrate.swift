import ArgumentParser
import CreditCore
import CreditStore
import CreditWeb
import Foundation
import Hummingbird
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "更新数据库结构 / bring the schema up to date and exit.")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let logger = Log.make("credit")
        let url = try db.resolve()
        let database = try await CreditDatabase.open(url, logger: logger)
        let applied: [String]
        do {
            applied = try await database.migrate()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        print(applied.isEmpty ? "数据库结构已是最新 / schema is up to date" : applied.map { "applied: \($0)" }.joined(separator: "\n"))
    }
}
