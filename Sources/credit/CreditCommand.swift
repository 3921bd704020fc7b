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
        subcommands: [
            Serve.self, Migrate.self, Demo.self, Departments.self, Accounts.self, CalendarCommand.self, Verify.self, LogCommand.self,
            AuditCommand.self, KeysCommand.self, Import.self, CatalogCommand.self, CheckCommand.self,
        ]
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
        return try developmentSecret("keys.json", logger: logger, warning: "personal data", environment: "CREDIT_DATA_KEYS and CREDIT_INDEX_KEY") {
            try PersonalDataKeys.loadOrCreate(file: $0)
        }
    }

    /// The key that signs log checkpoints: `CREDIT_SIGNING_KEY` when set; otherwise a development key file
    /// beside the SQLite file (`PATH.signing.key`) or in the working directory (`credit-signing.key`).
    func signer(logger: Logger) throws -> CheckpointSigner {
        if let signer = try CheckpointSigner(environment: ProcessInfo.processInfo.environment) { return signer }
        return try developmentSecret("signing.key", logger: logger, warning: "checkpoint signing", environment: "CREDIT_SIGNING_KEY") {
            try CheckpointSigner.loadOrCreate(file: $0)
        }
    }

    /// A development secret kept in a file beside the SQLite database (`PATH.NAME`) or, for PostgreSQL, in the
    /// working directory (`credit-NAME`); created on first use with a warning naming the production setting.
    func developmentSecret<T>(
        _ name: String,
        logger: Logger,
        warning: String,
        environment: String,
        load: (URL) throws -> (T, Bool)
    ) throws -> T {
        let file = try developmentSecretFile(name)
        let (secret, created) = try load(URL(fileURLWithPath: file))
        if created {
            logger.warning("created a development key for \(warning); set \(environment) in production", metadata: ["file": .string(file)])
        }
        return secret
    }

    /// Where a development secret lives: beside the SQLite file, or in the working directory for PostgreSQL.
    func developmentSecretFile(_ name: String) throws -> String {
        switch try resolve() {
        case .sqlite(let path): path + "." + name
        case .postgres: "credit-" + name
        }
    }

    /// Opens and migrates the database, runs `body`, and closes the database whatever happens.
    /// A ``CreditError`` from `body` becomes a validation error (its message, exit code 64).
    func withDatabase<T>(logger: Logger, _ body: (CreditDatabase) async throws -> T) async throws -> T {
        let database = try await open(logger: logger)
        do {
            let value = try await body(database)
            await database.close()
            return value
        } catch let error as any CreditError {
            await database.close()
            throw ValidationError(error.message)
        } catch {
            await database.close()
            throw error
        }
    }

    /// Opens and migrates the database and the platform's stores over it (``CreditStores``), runs `body`, and closes
    /// the database whatever happens. A ``CreditError`` from `body` becomes a validation error.
    /// - Parameter signer: the key the log signs with; a throwaway one when the command signs nothing.
    func withStores<T>(
        logger: Logger,
        signer: CheckpointSigner = .ephemeral(),
        clock: any CreditClock = SystemClock(),
        _ body: (CreditStores) async throws -> T
    ) async throws -> T {
        let keys = try keys(logger: logger)
        return try await withDatabase(logger: logger) { database in
            try await body(try await CreditStores.open(database: database, keys: keys, signer: signer, clock: clock))
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
