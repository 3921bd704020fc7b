import CreditCore
import CreditStore
import Hummingbird
import Logging
import ServiceLifecycle

/// `GET /api/v1/log/checkpoint`: the latest signed checkpoint of the tamper-evident log.
struct LogController {
    let dependencies: AppDependencies

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("log/checkpoint", .everyone, use: checkpoint)
    }

    @Sendable func checkpoint(_ request: Request, context: CreditRequestContext) async throws -> Checkpoint {
        _ = try QueryParameters(request, allowed: [])
        guard let c = try await TamperEvidentLog(database: dependencies.database).latestCheckpoint() else {
            throw APIError(.notFound, code: "no_checkpoint", message: "尚未签发检查点 / no checkpoint has been signed yet")
        }
        return c
    }
}

/// Signs a checkpoint when the server starts and then on a schedule (every 10 minutes), while the log grows.
struct CheckpointService: Service {
    let log: TamperEvidentLog
    let dependencies: AppDependencies
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let checkpoint = try await log.signCheckpoint(signer: dependencies.signer, clock: dependencies.clock)
                    logger.info("checkpoint", metadata: ["log.size": .stringConvertible(checkpoint.size), "log.root": .string(checkpoint.rootHash)])
                } catch {
                    logger.error("could not sign a checkpoint", metadata: ["error": .string(String(describing: type(of: error)))])
                }
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return  // cancelled by a graceful shutdown: a normal end, not a failure
                }
            }
        }
    }
}

/// A checkpoint is served as it is encoded (`keyId`, BASE64 signature and public key).
extension Checkpoint: ResponseEncodable {}
