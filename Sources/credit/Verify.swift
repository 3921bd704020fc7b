import ArgumentParser
import CreditStore
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "核验防篡改日志 / recompute the tamper-evident log: prints ok and exits 0 when intact; otherwise names the first entry that does not match and exits 1."
    )

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let result = try await db.withDatabase(logger: Log.make("credit")) { database in
            try await TamperEvidentLog(database: database).verify()
        }
        if result.ok {
            print("ok")
            printError("\(result.size) entries, root \(result.rootHash)")
        } else {
            print(result.firstMismatch ?? "mismatch")
            throw ExitCode(1)
        }
    }
}
