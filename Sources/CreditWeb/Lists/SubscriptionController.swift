import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// Linked systems' subscriptions to list changes: subscribe (to lists, entities, or both; with a webhook under an
/// address the credit office allows), read the feed with a cursor, see the delivery log.
struct SubscriptionController: AreaRoutes {
    let dependencies: AppDependencies

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("subscriptions", .roles([.subscriber]), use: create)
        api.get("subscriptions", .roles([.subscriber]), use: list)
        api.on(.delete, "subscriptions/{id}", .roles([.subscriber]), use: delete)
        api.get("subscriptions/{id}/deliveries", .roles([.subscriber]), use: deliveries)
        api.get("changes", .roles([.subscriber]), use: changes)
        api.get("webhook-allow-list", .roles([.creditOffice, .admin]), use: allowList)
        api.on(.put, "webhook-allow-list", .roles([.creditOffice, .admin]), use: setAllowList)
    }

    struct Items<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
        var items: [Item]
    }

    static func apiError(_ error: ListError) -> APIError {
        APIError(error.code == "subscription_not_found" ? .notFound : .badRequest, code: error.code, message: error.message)
    }

    /// `POST /api/v1/subscriptions`: `{"lists"?, "subjects"?, "webhook"?}` → 201 with the subscription.
    @Sendable func create(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<Subscription> {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 1 << 20)
        guard let input = try? JSONDecoder().decode(SubscriptionRequest.self, from: Data(body.readableBytesView)) else {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为 {\"lists\"?, \"subjects\"?, \"webhook\"?} / the body must be a subscription"
            )
        }
        let types = try await dependencies.listTypes.versions().inForce(on: dependencies.clock.today())
        do {
            let valid = try input.validated(types: types, allowList: try await dependencies.subscriptions.allowList())
            let created = try await dependencies.subscriptions.create(
                accountID: context.principal!.accountID,
                lists: valid.lists,
                subjects: valid.subjects,
                webhook: valid.webhook
            )
            return EditedResponse(status: .created, response: created)
        } catch let error as ListError {
            throw Self.apiError(error)
        }
    }

    @Sendable func list(_ request: Request, context: CreditRequestContext) async throws -> Items<Subscription> {
        _ = try QueryParameters(request, allowed: [])
        return Items(items: try await dependencies.subscriptions.subscriptions(accountID: context.principal!.accountID))
    }

    func id(_ context: CreditRequestContext) throws -> Int {
        guard let id = context.parameters.get("id").flatMap(Int.init), id > 0 else {
            throw APIError(.notFound, code: "subscription_not_found", message: "订阅编号应为正整数 / a subscription id is a positive number")
        }
        return id
    }

    @Sendable func delete(_ request: Request, context: CreditRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        do { try await dependencies.subscriptions.delete(id: try id(context), accountID: context.principal!.accountID) } catch let error as ListError
        {
            throw Self.apiError(error)
        }
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, context: CreditRequestContext) async throws -> Items<WebhookDelivery> {
        _ = try QueryParameters(request, allowed: [])
        let id = try id(context)
        guard try await dependencies.subscriptions.subscriptions(accountID: context.principal!.accountID).contains(where: { $0.id == id }) else {
            throw APIError(.notFound, code: "subscription_not_found", message: "没有编号为 \(id) 的订阅 / no subscription \(id)")
        }
        return Items(items: try await dependencies.subscriptions.deliveries(subscriptionID: id, limit: 100))
    }

    /// `GET /api/v1/changes?after=CURSOR`: the changes the caller's subscriptions cover, in order; `next` is the cursor
    /// to ask after next (it moves past changes no subscription covers, so a quiet feed still advances).
    @Sendable func changes(_ request: Request, context: CreditRequestContext) async throws -> ChangePage {
        let params = try QueryParameters(request, allowed: ["after", "limit"])
        var after = 0
        if let text = params["after"], !text.isEmpty {
            guard let n = Int(text), n >= 0 else { throw APIError.invalidParameter("after", "应为上次返回的 next / must be the next of the last page") }
            after = n
        }
        var limit = 500
        if let text = params["limit"], !text.isEmpty {
            guard let n = Int(text), (1...1000).contains(n) else { throw APIError.invalidParameter("limit", "应为 1 到 1000 / must be 1 to 1000") }
            limit = n
        }
        let mine = try await dependencies.subscriptions.subscriptions(accountID: context.principal!.accountID)
        let page = try await dependencies.subscriptions.changes(after: after, limit: limit)
        return ChangePage(items: page.items.filter { change in mine.contains { $0.matches(change) } }, next: page.next)
    }

    struct AllowList: ResponseEncodable, Decodable, Sendable {
        var prefixes: [String]
    }

    @Sendable func allowList(_ request: Request, context: CreditRequestContext) async throws -> AllowList {
        _ = try QueryParameters(request, allowed: [])
        return AllowList(prefixes: try await dependencies.subscriptions.allowList())
    }

    /// `PUT /api/v1/webhook-allow-list` (the credit office): `{"prefixes": ["https://approval.example.gov.cn/", …]}`.
    @Sendable func setAllowList(_ request: Request, context: CreditRequestContext) async throws -> AllowList {
        _ = try QueryParameters(request, allowed: [])
        let body = try await request.readBody(upTo: 64 << 10)
        guard let input = try? JSONDecoder().decode(AllowList.self, from: Data(body.readableBytesView)) else {
            throw APIError(.badRequest, code: "invalid_json", message: "请求体应为 {\"prefixes\": [ … ]} / the body must be {\"prefixes\": [ … ]}")
        }
        for prefix in input.prefixes {
            let lower = prefix.lowercased()
            // A whole origin and path start: "https://host/" (a bare host would let "https://host.evil.example" pass).
            guard prefix.count <= 300, lower.hasPrefix("https://") || lower.hasPrefix("http://"), URL(string: prefix)?.host != nil,
                prefix.dropFirst(lower.hasPrefix("https://") ? 8 : 7).contains("/")
            else {
                throw APIError(
                    .badRequest,
                    code: "invalid_prefix",
                    message: "允许的地址应为 http(s)://主机/ 开头的网址前缀 / each prefix is an http(s) URL up to at least the first /"
                )
            }
        }
        try await dependencies.subscriptions.setAllowList(input.prefixes, by: context.principal?.name)
        return AllowList(prefixes: try await dependencies.subscriptions.allowList())
    }
}

extension Subscription: ResponseEncodable {}
extension ChangePage: ResponseEncodable {}
