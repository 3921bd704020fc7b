import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "个人信息加密密钥 / the keys that protect personal data.",
        discussion: """
            Rotation in production: put a new key first in CREDIT_DATA_KEYS (id=BASE64,old=BASE64), restart, then run \
            `credit keys reencrypt`; when it reports 0 values left, the old key may be removed. CREDIT_INDEX_KEY never changes. \
            With the development key file, `credit keys rotate` does the first step.
            """,
        subcommands: [Rotate.self, Reencrypt.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "在开发密钥文件中启用新密钥 / add a new active key to the development key file (old keys stay)."
        )
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard ProcessInfo.processInfo.environment["CREDIT_DATA_KEYS"] == nil else {
                throw ValidationError(
                    "密钥来自环境变量：请在 CREDIT_DATA_KEYS 最前面加入新密钥 / keys come from the environment: put the new key first in CREDIT_DATA_KEYS"
                )
            }
            let logger = Log.make("credit")
            _ = try db.keys(logger: logger)  // creates the file when there is none
            let file = try db.developmentSecretFile("keys.json")
            let id = try PersonalDataKeys.rotate(file: URL(fileURLWithPath: file))
            print("新密钥 \(id) 已启用；请运行 credit keys reencrypt / key \(id) is now active; run `credit keys reencrypt`")
        }
    }

    struct Reencrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "用当前密钥重新加密全部个人信息 / re-seal every stored personal value under the active key.",
            discussion: "Safe to interrupt and run again: each batch is its own transaction, and a value is only replaced by itself re-sealed."
        )
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let logger = Log.make("credit")
            let keys = try db.keys(logger: logger)
            let count = try await db.withDatabase(logger: logger) { database in
                try await PersonalDataReencryption(database: database, keys: keys).run { column, done in
                    printError("  \(column): \(done) re-sealed")
                }
            }
            print("已用密钥 \(keys.activeKeyID) 重新加密 \(count) 个值 / re-sealed \(count) values under key \(keys.activeKeyID)")
        }
    }
}
