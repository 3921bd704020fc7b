import ArgumentParser
import CreditCore
import CreditStore
import Foundation
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成演示城市 / generate a deterministic synthetic city (the same N and seed give the same data)."
    )

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Number of entities to generate.") var entities: Int
    @Option(help: "Seed of the generator.") var seed: UInt64 = 2019

    func validate() throws {
        guard (1...50_000_000).contains(entities) else { throw ValidationError("--entities must be between 1 and 50,000,000") }
    }

    func run() async throws {
        let logger = Log.make("credit")
        let database = try await db.open(logger: logger)
        let registry = SQLRegistryStore(database: database, keys: try db.keys(logger: Log.make("credit")))
        do {
            let existing = try await registry.countEntities()
            guard existing == 0 else {
                throw CleanExit.message(
                    "数据库中已有 \(existing) 户主体，演示数据只写入空库 / the database already holds \(existing) entities; the demo city is only generated into an empty database"
                )
            }
            let start = ContinuousClock.now
            let interactive = isatty(2) != 0
            try await DemoLoader(registry: registry).load(entities: entities, seed: seed) { done, total in
                let percent = done * 100 / total
                let elapsed = (ContinuousClock.now - start).components.seconds
                let line = "生成中 / generating: \(done)/\(total) (\(percent)%) \(elapsed)s"
                if interactive {
                    printError("\r" + line, terminator: "")
                } else if done == total || done % (max(total / 20, 1)) < 1000 {
                    printError(line)
                }
            }
            if interactive { printError("") }
            let elapsed = ContinuousClock.now - start
            print("已生成 \(entities) 户主体（种子 \(seed)），用时 \(elapsed) / generated \(entities) entities (seed \(seed)) in \(elapsed)")
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
