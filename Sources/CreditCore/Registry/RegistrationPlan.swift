/// What a batch of registrations does to the registry, decided from what the registry holds (``Current`` by credit
/// code, persons by identity number → their stored ids): each registration's outcome, the new versions (a changed
/// registered fact), the roles that start, and the stored entities whose legal representative's role ends. The
/// result is what storing the registrations one by one, in order, would leave. The store reads the snapshot and
/// writes the plan; it decides nothing.
public struct RegistrationPlan: Sendable {
    /// The registered facts of an entity that a registration may change; equal facts mean "unchanged".
    public struct Facts: Sendable, Equatable {
        public var name: String
        public var kind: String
        public var status: String
        public var region: String
        public var division: String
        public var established: String
        public var repID: Int

        public init(_ e: Entity, repID: Int) {
            (name, kind, status, region, division, established) =
                (e.name, e.kind.rawValue, e.status.rawValue, e.regionCode, e.industryDivision, e.establishedOn.description)
            self.repID = repID
        }

        public init(name: String, kind: String, status: String, region: String, division: String, established: String, repID: Int) {
            (self.name, self.kind, self.status, self.region, self.division, self.established, self.repID) =
                (name, kind, status, region, division, established, repID)
        }
    }

    /// A role held (not ended) while the batch is worked out: stored before, or one of the batch's new roles.
    public struct OpenRole: Sendable {
        public var role: PersonRole
        public var personID: Int
        /// Its index among the batch's new roles; nil when it was stored before.
        public var new: Int?

        public init(role: PersonRole, personID: Int, new: Int? = nil) {
            (self.role, self.personID, self.new) = (role, personID, new)
        }
    }

    /// An entity as the batch leaves it.
    public struct Current: Sendable {
        /// Its row id; nil for an entity the batch registers.
        public var id: Int?
        public var facts: Facts
        /// The last registration's entity that changed it (what the `entities` row is written from); nil for a stored
        /// entity the batch leaves as it was.
        public var entity: Entity?
        public var version: Int
        /// The name in SQLite's name index before the batch (stored entities).
        public var storedName: String?
        public var open: [OpenRole]

        public init(id: Int? = nil, facts: Facts, entity: Entity? = nil, version: Int, storedName: String? = nil, open: [OpenRole]) {
            (self.id, self.facts, self.entity, self.version, self.storedName, self.open) = (id, facts, entity, version, storedName, open)
        }
    }

    public struct NewRole: Sendable {
        public var code: String
        public var personID: Int
        public var role: PersonRole
        public var startsOn: LocalDate
        public var endsOn: LocalDate?

        public init(code: String, personID: Int, role: PersonRole, startsOn: LocalDate, endsOn: LocalDate? = nil) {
            (self.code, self.personID, self.role, self.startsOn, self.endsOn) = (code, personID, role, startsOn, endsOn)
        }
    }

    public struct NewVersion: Sendable {
        public var code: String
        public var entity: Entity
        public var repID: Int
        public var version: Int
        public var reason: String?

        public init(code: String, entity: Entity, repID: Int, version: Int, reason: String?) {
            (self.code, self.entity, self.repID, self.version, self.reason) = (code, entity, repID, version, reason)
        }
    }

    public var outcomes: [RegistrationOutcome] = []
    public var versions: [NewVersion] = []
    public var roles: [NewRole] = []
    /// Stored entities (by row id) whose legal representative's open role ends today.
    public var endedRepresentatives: [Int] = []
    /// Every entity the batch names, as it leaves them.
    public var entities: [String: Current] = [:]

    /// A person the batch names whose stored id the snapshot lacks.
    public struct UnknownPerson: Error, CustomStringConvertible {
        public var description: String { "a person the registrations name has no stored id" }
    }

    static func person(_ ids: [String: Int], _ number: String) throws -> Int {
        guard let id = ids[number] else { throw UnknownPerson() }
        return id
    }

    /// - Parameters:
    ///   - stored: the stored entities among the batch's codes, with their open roles.
    ///   - personIDs: stored ids by identity number, of every person the batch names.
    ///   - today: the day roles that start now start, and ended roles end.
    public static func make(
        _ registrations: [EntityRegistration],
        stored: [String: Current],
        personIDs: [String: Int],
        today: LocalDate
    ) throws -> RegistrationPlan {
        var entities = stored
        var outcomes: [RegistrationOutcome] = []
        var versions: [NewVersion] = []
        var roles: [NewRole] = []
        var endedRepresentatives: [Int] = []  // stored entities whose legal representatives change
        for registration in registrations {
            let e = registration.entity
            let code = e.code.rawValue
            let repID = try Self.person(personIDs, e.legalRepresentative.idNumber.rawValue)
            let facts = Facts(e, repID: repID)
            var outcome: RegistrationOutcome
            var current: Current
            if let known = entities[code] {
                current = known
                if current.facts == facts {
                    outcome = .unchanged
                } else {
                    outcome = .updated
                    let newRepresentative = current.facts.repID != repID
                    current.facts = facts
                    current.entity = e
                    current.version += 1
                    versions.append(NewVersion(code: code, entity: e, repID: repID, version: current.version, reason: registration.reason))
                    if newRepresentative {
                        for held in current.open where held.role == .legalRepresentative {
                            if let index = held.new { roles[index].endsOn = today } else if let id = current.id { endedRepresentatives.append(id) }
                        }
                        current.open.removeAll { $0.role == .legalRepresentative }
                        current.open.append(OpenRole(role: .legalRepresentative, personID: repID, new: roles.count))
                        roles.append(NewRole(code: code, personID: repID, role: .legalRepresentative, startsOn: today))
                    }
                }
            } else {
                outcome = .accepted
                versions.append(NewVersion(code: code, entity: e, repID: repID, version: 1, reason: registration.reason))
                current = Current(
                    facts: facts,
                    entity: e,
                    version: 1,
                    open: [OpenRole(role: .legalRepresentative, personID: repID, new: roles.count)]
                )
                roles.append(NewRole(code: code, personID: repID, role: .legalRepresentative, startsOn: e.establishedOn))
            }
            // The further roles it names that the entity does not hold yet (as it held them before this row).
            let held = current.open
            for (role, person) in registration.roles {
                let personID = try Self.person(personIDs, person.idNumber.rawValue)
                guard !held.contains(where: { $0.role == role && $0.personID == personID }) else { continue }
                current.open.append(OpenRole(role: role, personID: personID, new: roles.count))
                roles.append(NewRole(code: code, personID: personID, role: role, startsOn: today))
                if outcome == .unchanged { outcome = .updated }
            }
            entities[code] = current
            outcomes.append(outcome)
        }
        var plan = RegistrationPlan()
        (plan.outcomes, plan.versions, plan.roles, plan.endedRepresentatives, plan.entities) =
            (outcomes, versions, roles, endedRepresentatives, entities)
        return plan
    }
}
