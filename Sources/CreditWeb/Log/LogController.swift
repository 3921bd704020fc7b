import CreditCore
import Hummingbird
import Logging
import ServiceLifecycle

/// `GET /api/v1/log/checkpoint`: the latest signed checkpoint of the tamper-evident log.
struct LogController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api routes: SecuredRoutes, pages _: SecuredRoutes) {
        routes.get("log/checkpoint", .everyone, use: checkpoint)
        routes.get("log/leaves/{index}/proof", .everyone, use: inclusion)
        routes.get("log/consistency", .everyone, use: consistency)
    }

    struct InclusionDTO: ResponseEncodable, Sendable {
        var leafIndex: Int
        var treeSize: Int
        var leafHash: String
        var rootHash: String
        var hashes: [String]
    }

    struct ConsistencyDTO: ResponseEncodable, Sendable {
        var from: Int
        var to: Int
        var fromRootHash: String
        var toRootHash: String
        var hashes: [String]
    }

    /// The tree size asked for, or the latest checkpoint's (the size clients usually hold a signature for).
    func size(_ params: QueryParameters, name: String, leaves: Int) async throws -> Int {
        let latest = try await dependencies.log.latestCheckpoint()?.size ?? leaves
        let size = try params.integer(name, default: latest, range: 0...Int.max)
        guard size >= 1, size <= leaves else {
            throw APIError.invalidParameter(
                name,
                "日志现有 \(leaves) 个条目，树大小应为 1 到 \(leaves) / the log has \(leaves) entries; a tree size is 1 to \(leaves)"
            )
        }
        return size
    }

    /// `GET /api/v1/log/leaves/{index}/proof?size=N`: the audit path of leaf `index` (0-based: entry `seq` is
    /// leaf `seq - 1`) in the tree of the first N leaves (default: the latest checkpoint's size).
    @Sendable func inclusion(_ request: Request, context: CreditRequestContext) async throws -> InclusionDTO {
        let params = try QueryParameters(request, allowed: ["size"])
        guard let index = context.parameters.get("index").flatMap(Int.init), index >= 0 else {
            throw APIError.invalidParameter("index", "应为从 0 开始的条目序号 / must be a leaf index from 0")
        }
        let size = try await size(params, name: "size", leaves: try await dependencies.log.size())
        guard let proof = try await dependencies.log.inclusionProof(index: index, size: size) else {
            throw APIError(.notFound, code: "not_found", message: "大小为 \(size) 的树中没有条目 \(index) / leaf \(index) is not in the tree of size \(size)")
        }
        return InclusionDTO(
            leafIndex: proof.leafIndex,
            treeSize: proof.treeSize,
            leafHash: proof.leafHash,
            rootHash: proof.rootHash,
            hashes: proof.hashes
        )
    }

    /// `GET /api/v1/log/consistency?from=M&to=N`: proof that the tree of N leaves extends the tree of M
    /// (`to` defaults to the latest checkpoint's size).
    @Sendable func consistency(_ request: Request, context: CreditRequestContext) async throws -> ConsistencyDTO {
        let params = try QueryParameters(request, allowed: ["from", "to"])
        let to = try await size(params, name: "to", leaves: try await dependencies.log.size())
        guard params["from"] != nil else { throw APIError.invalidParameter("from", "必须给出 / is required") }
        let from = try params.integer("from", default: 1, range: 1...to)
        let proof = try await dependencies.log.consistencyProof(from: from, to: to)
        return ConsistencyDTO(
            from: proof.from,
            to: proof.to,
            fromRootHash: proof.fromRootHash,
            toRootHash: proof.toRootHash,
            hashes: proof.hashes
        )
    }

    @Sendable func checkpoint(_ request: Request, context: CreditRequestContext) async throws -> Checkpoint {
        _ = try QueryParameters(request, allowed: [])
        guard let c = try await dependencies.log.latestCheckpoint() else {
            throw APIError(.notFound, code: "no_checkpoint", message: "尚未签发检查点 / no checkpoint has been signed yet")
        }
        return c
    }
}

/// Signs a checkpoint when the server starts and then on a schedule (every 10 minutes), while the log grows.
struct CheckpointService: Service {
    let log: any CreditLog
    let clock: any CreditClock
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let checkpoint = try await log.signCheckpoint()
                    logger.info("checkpoint", metadata: ["log.size": .stringConvertible(checkpoint.size), "log.root": .string(checkpoint.rootHash)])
                } catch {
                    logger.error("could not sign a checkpoint", metadata: ["error": .string(String(describing: type(of: error)))])
                }
                do {
                    try await clock.sleep(for: interval)
                } catch {
                    return  // cancelled by a graceful shutdown: a normal end, not a failure
                }
            }
        }
    }
}

/// A checkpoint is served as it is encoded (`keyId`, BASE64 signature and public key).
extension Checkpoint: ResponseEncodable {}
