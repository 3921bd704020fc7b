import ArgumentParser
import CreditCore
import CreditDemo
import CreditStore
import CreditWeb
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "运行平台 / run the platform (HTTP server).")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Seed a small demo city (2,000 entities and three years of its departments' records) when the database is empty.")
    var demo = false
    @Option(help: "Requests a minute allowed to each anonymous client address (0: no limit).") var anonymousRate = 600
    @Flag(help: "Mark session cookies Secure: use when the platform is reached over HTTPS (usually through a proxy).")
    var secureCookies = false
    @Option(help: "Address of a reverse proxy whose X-Forwarded-For header is trusted (repeatable).") var trustedProxy: [String] = []
    @Option(help: "Seconds between deliveries of list changes and deadline reminders to their webhooks (0: none).") var webhookInterval = 5
    @Option(
        help: """
            The name this server runs uploads under (default: the machine's name). Started again under the same name, \
            it fails the uploads it was running; another server's are left alone (any server fails those untouched for \
            10 minutes). Give each server its own when several on one machine share a database.
            """
    )
    var instance = AppConfiguration.defaultInstance

    func run() async throws {
        let logger = Log.make("credit")
        let database = try await db.open(logger: logger)
        do {
            let keys = try db.keys(logger: logger)
            let signer = try db.signer(logger: logger)
            let dependencies = try await AppDependencies.standard(
                database: database,
                keys: keys,
                signer: signer,
                logger: logger
            )
            let interrupted = try await dependencies.imports.failInterrupted(restarting: instance)
            if interrupted > 0 {
                logger.warning(
                    "import jobs interrupted by the last stop marked failed (their stored batches stay)",
                    metadata: ["jobs": "\(interrupted)"]
                )
            }
            let orphans = UploadFiles.removeOrphans()
            if orphans > 0 {
                logger.warning("removed temporary upload files left by stopped servers", metadata: ["files": "\(orphans)"])
            }
            if demo, try await dependencies.registry.countEntities() == 0 {
                logger.info("seeding the demo city", metadata: ["entities": "2000"])
                try await DemoLoader(registry: dependencies.registry).load(entities: 2000, seed: 2019) { _, _ in }
                let records = try await DemoCityRecords.store(database: database, keys: keys, signer: signer, entities: 2000, seed: 2019)
                logger.info("seeded the demo city's credit records", metadata: ["records": "\(records)"])
            }
            let app = try await buildApplication(
                configuration: AppConfiguration(
                    host: host,
                    port: port,
                    anonymousRequestsPerMinute: anonymousRate > 0 ? anonymousRate : nil,
                    secureCookies: secureCookies,
                    trustedProxies: Set(trustedProxy),
                    instance: instance,
                    webhookInterval: webhookInterval > 0 ? .seconds(webhookInterval) : nil
                ),
                dependencies: dependencies,
                logger: logger
            )
            logger.info("listening", metadata: ["address": "http://\(host):\(port)", "database": .string(database.url.description)])
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
