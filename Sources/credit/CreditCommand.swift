import ArgumentParser
import CreditCore
import CreditStore
import Foundation
import Logging

/// `credit`: the platform's one executable.
@main
struct CreditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit",
        abstract: "信用监管平台 / the credit-based supervision platform.",
        subcommands: [Serve.self, Migrate.self, Demo.self, Departments.self, Accounts.self, CalendarCommand.self, Verify.self, LogCommand.self]
    )
}

/// The `--database` option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "sqlite:PATH or postgres://user:password@host:port/database (default: $CREDIT_DATABASE, else sqlite:credit.sqlite)"
    )
    var database: String?

    /// The URL from the flag, else the environment, else the SQLite default.
    func resolve() throws -> DatabaseURL {
        if let text = database ?? ProcessInfo.processInfo.environment["CREDIT_DATABASE"], !text.isEmpty {
            do {
                return try DatabaseURL(parsing: text)
            } catch {
                throw ValidationError(error.description)
            }
        }
        return .defaultSQLite
    }

    /// The keys that protect personal data: `CREDIT_DATA_KEYS` and `CREDIT_INDEX_KEY` when set (production);
    /// otherwise a development key file beside the SQLite file (`PATH.keys.json`) or, for PostgreSQL, in the
    /// working directory (`credit-keys.json`), created on first use with a warning.
    func keys(logger: Logger) throws -> PersonalDataKeys {
        do {
            if let keys = try PersonalDataKeys(environment: ProcessInfo.processInfo.environment) { return keys }
        } catch {
            throw ValidationError(error.description)
        }
        let file: String
        switch try resolve() {
        case .sqlite(let path): file = path + ".keys.json"
        case .postgres: file = "credit-keys.json"
        }
        let (keys, created) = try PersonalDataKeys.loadOrCreate(file: URL(fileURLWithPath: file))
        if created {
            logger.warning(
                "created development keys for personal data; set CREDIT_DATA_KEYS and CREDIT_INDEX_KEY in production",
                metadata: ["file": .string(file)]
            )
        }
        return keys
    }

    /// The key that signs log checkpoints: `CREDIT_SIGNING_KEY` when set; otherwise a development key file
    /// beside the SQLite file (`PATH.signing.key`) or in the working directory (`credit-signing.key`).
    func signer(logger: Logger) throws -> CheckpointSigner {
        if let signer = try CheckpointSigner(environment: ProcessInfo.processInfo.environment) { return signer }
        let file: String
        switch try resolve() {
        case .sqlite(let path): file = path + ".signing.key"
        case .postgres: file = "credit-signing.key"
        }
        let (signer, created) = try CheckpointSigner.loadOrCreate(file: URL(fileURLWithPath: file))
        if created {
            logger.warning("created a development checkpoint signing key; set CREDIT_SIGNING_KEY in production", metadata: ["file": .string(file)])
        }
        return signer
    }

    /// Opens and migrates the database, runs `body`, and closes the database whatever happens.
    /// An ``AccountError`` from `body` becomes a validation error (its message, exit code 64).
    func withDatabase<T>(logger: Logger, _ body: (CreditDatabase) async throws -> T) async throws -> T {
        let database = try await open(logger: logger)
        do {
            let value = try await body(database)
            await database.close()
            return value
        } catch let error as AccountError {
            await database.close()
            throw ValidationError(error.message)
        } catch {
            await database.close()
            throw error
        }
    }

    /// Opens and migrates the database.
    func open(logger: Logger) async throws -> CreditDatabase {
        let url = try resolve()
        let db: CreditDatabase
        do {
            db = try await CreditDatabase.open(url, logger: logger)
        } catch {
            throw CleanExit.message("无法打开数据库 \(url) / cannot open the database \(url): \(error)")
        }
        do {
            try await db.migrate()
        } catch {
            await db.close()
            throw error
        }
        return db
    }
}

enum Log {
    /// Bootstraps swift-log once: structured lines on standard error, level from `CREDIT_LOG_LEVEL` (default info).
    static func make(_ label: String) -> Logger {
        bootstrap
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["CREDIT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }

    static let bootstrap: Void = LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
}

/// Prints to standard error (progress, messages) so standard output stays machine-readable.
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}
