import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "审计日志 / the audit log.",
        subcommands: [Prune.self]
    )

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "删除超过保存期限的审计记录 / remove audit events older than the retention period (at least 5 years).",
            discussion: "The database itself refuses to delete an event younger than five years, whatever this command is told."
        )
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Years to keep audit events (at least 5).") var retentionYears = 5

        func validate() throws {
            do {
                try AuditRetention.check(years: retentionYears)
            } catch {
                throw ValidationError(error.message)
            }
        }

        func run() async throws {
            let removed = try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.audit.prune(retentionYears: retentionYears)
            }
            print("已删除 \(removed) 条超过 \(retentionYears) 年的审计记录 / removed \(removed) audit events older than \(retentionYears) years")
        }
    }
}
