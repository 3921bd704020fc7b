import CreditCore
import Foundation
import HTTPTypes
import Hummingbird

/// List entries over HTTP: a department enters a subject (`POST /api/v1/listings`), reads and ends its entries; the
/// measures catalogue; and the public disclosure of an entity's entries (persons masked).
struct ListingController: AreaRoutes {
    let dependencies: AppDependencies
    let pages: PageRenderer

    func addRoutes(api: SecuredRoutes, pages routes: SecuredRoutes) {
        api.post("listings", .roles([.department]), use: enter)
        api.get("listings", .roles([.department]), use: departmentListings)
        api.get("listings/{id}", .roles([.department, .creditOffice, .admin]), use: listing)
        api.post("listings/{id}/end", .roles([.department, .creditOffice]), use: end)
        api.get("measures", .everyone, use: measures)
        api.get("entities/{code}/listings", .everyone, use: entityListings)
        routes.get("listings", .roles([.department]), use: listingsPage)
        routes.post("listings", .roles([.department]), use: enterOnPage)
        routes.post("listings/{id}/end", .roles([.department]), use: endOnPage)
    }

    /// An entry as the API shows it, with its state today.
    struct ListingDTO: ResponseEncodable, Sendable {
        var id: Int?
        var recordId: Int?
        var list: String
        var listName: String?
        var kind: String?
        var department: String
        var subjectCode: String?
        var subjectIdNumber: String?
        var subjectName: String
        var documentNumber: String
        var reason: String
        var basis: String
        var startsOn: String
        var endsOn: String?
        var noticeServedOn: String?
        var industries: [String]?
        var status: String
        var endedOn: String?
        var endReason: String?
        var version: Int
        var via: String?
        /// An objection about it is open (异议处理中).
        var underObjection: Bool

        init(_ l: Listing, types: ListTypes, today: LocalDate, via: String? = nil) {
            let type = types.type(l.list)
            id = l.id
            recordId = l.recordID
            list = l.list
            listName = type?.name
            kind = type?.kind.rawValue
            department = l.departmentCode
            subjectCode = l.subjectCode
            subjectIdNumber = l.subjectIDMasked
            subjectName = l.subjectName
            documentNumber = l.documentNumber
            reason = l.reason
            basis = l.basis
            startsOn = l.startsOn.description
            endsOn = l.endsOn?.description
            noticeServedOn = l.noticeServedOn?.description
            industries = l.industries.isEmpty ? nil : l.industries
            status = l.state(on: today).rawValue
            endedOn = l.endedOn?.description
            endReason = l.endReason
            version = l.version
            self.via = via
            underObjection = l.underObjection
        }
    }

    struct ListingsDTO: ResponseEncodable, Sendable {
        var items: [ListingDTO]
    }

    /// The API status of a list error.
    static func apiError(_ error: ListError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "not_list_issuer": .forbidden
            case "subject_not_found", "listing_not_found": .notFound
            case "listing_exists": .conflict
            default: .badRequest
            }
        return APIError(status, code: error.code, message: error.message)
    }

    /// `POST /api/v1/listings` (the issuing department): 201 with the entry; 200 when the same decision was sent before.
    @Sendable func enter(_ request: Request, context: CreditRequestContext) async throws -> EditedResponse<ListingDTO> {
        _ = try QueryParameters(request, allowed: [])
        guard let department = context.principal?.departmentCode else {
            throw APIError(.forbidden, code: "forbidden", message: "只有部门账户可以列入 / only department accounts enter listings")
        }
        let body = try await request.readBody(upTo: 64 << 10)
        guard let input = try? JSONDecoder().decode(ListingRequest.self, from: Data(body.readableBytesView)) else {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message:
                    "请求体应为列入决定 JSON（list、subjectCode 或 subjectIdNumber 与 subjectName、documentNumber、reason、basis、startsOn、noticeServedOn） / the body must be a listing"
            )
        }
        do {
            let outcome = try await dependencies.listings.enter(try input.parse(), departmentCode: department, by: context.principal?.name)
            let types = try await dependencies.listTypes.versions().inForce(on: dependencies.clock.today())
            return EditedResponse(
                status: outcome.created ? .created : .ok,
                response: ListingDTO(outcome.listing, types: types, today: dependencies.clock.today())
            )
        } catch let error as ListError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/listings` (a department): the entries it made, newest first.
    @Sendable func departmentListings(_ request: Request, context: CreditRequestContext) async throws -> ListingsDTO {
        _ = try QueryParameters(request, allowed: [])
        guard let department = context.principal?.departmentCode else { return ListingsDTO(items: []) }
        let today = dependencies.clock.today()
        let types = try await dependencies.listTypes.versions().inForce(on: today)
        return ListingsDTO(
            items: try await dependencies.listings.listings(departmentCode: department, limit: 500).map {
                ListingDTO($0, types: types, today: today)
            }
        )
    }

    func id(_ context: CreditRequestContext) throws -> Int {
        guard let text = context.parameters.get("id"), let id = Int(text), id > 0 else {
            throw APIError(.notFound, code: "listing_not_found", message: "列入编号应为正整数 / a listing id is a positive number")
        }
        return id
    }

    /// `GET /api/v1/listings/{id}`: the entry and every version of it.
    @Sendable func listing(_ request: Request, context: CreditRequestContext) async throws -> ListingsDTO {
        _ = try QueryParameters(request, allowed: [])
        let id = try id(context)
        let today = dependencies.clock.today()
        let types = try await dependencies.listTypes.versions().inForce(on: today)
        let versions = try await dependencies.listings.versions(id: id)
        guard let current = versions.last else { throw APIError(.notFound, code: "listing_not_found", message: "没有编号为 \(id) 的列入 / no listing \(id)") }
        if context.principal?.role == .department, context.principal?.departmentCode != current.departmentCode {
            throw APIError(.notFound, code: "listing_not_found", message: "没有编号为 \(id) 的列入 / no listing \(id)")
        }
        return ListingsDTO(items: versions.reversed().map { ListingDTO($0, types: types, today: today) })
    }

    struct EndInput: Decodable {
        var outcome: String?
        var reason: String?
        var on: String?
    }

    /// `POST /api/v1/listings/{id}/end` (its department, or the credit office): `{"outcome": "removed" | "revoked", "reason", "on"?}`.
    @Sendable func end(_ request: Request, context: CreditRequestContext) async throws -> ListingDTO {
        _ = try QueryParameters(request, allowed: [])
        let id = try id(context)
        let body = try await request.readBody(upTo: 16 << 10)
        guard let input = try? JSONDecoder().decode(EndInput.self, from: Data(body.readableBytesView)) else {
            throw APIError(
                .badRequest,
                code: "invalid_json",
                message: "请求体应为 {\"outcome\", \"reason\", \"on\"?} / the body must be {\"outcome\", \"reason\"}"
            )
        }
        guard let outcome = input.outcome.flatMap(Listing.Status.init(rawValue:)), outcome != .listed else {
            throw APIError(.badRequest, code: "invalid_field", message: "outcome 应为 removed 或 revoked / outcome is removed or revoked")
        }
        let today = dependencies.clock.today()
        var day = today
        if let text = input.on {
            guard let d = LocalDate(text) else { throw APIError.invalidParameter("on", "应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD") }
            day = d
        }
        let department = context.principal?.role == .department ? context.principal?.departmentCode : nil
        do {
            let ended = try await dependencies.listings.end(
                id: id,
                ListingPlan.Ending(outcome: outcome, reason: input.reason ?? "", on: day),
                departmentCode: department,
                by: context.principal?.name
            )
            return ListingDTO(ended, types: try await dependencies.listTypes.versions().inForce(on: today), today: today)
        } catch let error as ListError {
            throw Self.apiError(error)
        }
    }

    /// `GET /api/v1/measures`: the scenarios and the measures catalogue in force.
    struct MeasuresDTO: ResponseEncodable, Sendable {
        var version: String
        var scenarios: [Scenario]
        var items: [Measure]
    }

    @Sendable func measures(_ request: Request, context: CreditRequestContext) async throws -> MeasuresDTO {
        _ = try QueryParameters(request, allowed: [])
        let types = try await dependencies.listTypes.versions().inForce(on: dependencies.clock.today())
        return MeasuresDTO(version: types.version, scenarios: types.scenarioList, items: types.measureList)
    }

    /// An entity's entries in force today on lists disclosed to the public, its own and those reaching it through a
    /// person holding a role in it (persons masked).
    static func disclosed(_ links: SubjectLinks, types: ListTypes, today: LocalDate) -> [ListingDTO] {
        func shown(_ l: Listing) -> Bool { l.isActive(on: today) && types.type(l.list)?.disclosure == .public }
        var items = links.listings.filter(shown).map { ListingDTO($0, types: types, today: today) }
        for link in links.links {
            for l in link.listings where shown(l) && types.type(l.list)?.extendsTo.contains(where: { $0.role == link.role }) == true {
                items.append(ListingDTO(l, types: types, today: today, via: link.role.rawValue))
            }
        }
        return items
    }

    /// `GET /api/v1/entities/{code}/listings` (public).
    @Sendable func entityListings(_ request: Request, context: CreditRequestContext) async throws -> ListingsDTO {
        _ = try QueryParameters(request, allowed: [])
        let code: CreditCode
        do { code = try CreditCode(validating: context.parameters.get("code") ?? "") } catch { throw APIError.invalidCreditCode(error) }
        let today = dependencies.clock.today()
        let links = try await dependencies.listings.links(for: .entity(code), on: today)
        guard links.subject != nil else { throw APIError.notFound("主体", "the entity") }
        let types = try await dependencies.listTypes.versions().inForce(on: today)
        return ListingsDTO(items: Self.disclosed(links, types: types, today: today))
    }
}
