import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "核验防篡改日志 / recompute the tamper-evident log: prints ok and exits 0 when intact; otherwise names the first entry that does not match and exits 1."
    )

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let logger = Log.make("credit")
        let publicKey = try db.signer(logger: logger).publicKey
        let result = try await db.withStores(logger: logger) { stores in
            try await stores.log.verify(publicKey: publicKey)
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

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "防篡改日志 / the tamper-evident log.",
        subcommands: [SignCheckpoint.self]
    )

    struct SignCheckpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "立即签发检查点 / sign a checkpoint now and print it as JSON."
        )
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let logger = Log.make("credit")
            let signer = try db.signer(logger: logger)
            let checkpoint = try await db.withStores(logger: logger, signer: signer) { stores in
                try await stores.log.signCheckpoint()
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(checkpoint), as: UTF8.self))
        }
    }
}
