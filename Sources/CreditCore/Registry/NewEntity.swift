/// An entity registered for the first time, with the persons first seen with it and its roles: what a bulk load (the
/// demo city, a benchmark) stores through ``RegistryStore/registerNew(_:)``.
public struct NewEntity: Sendable, Hashable {
    public var entity: Entity
    /// Persons whose first appearance is this entity; register them before the entity.
    public var newPersons: [Person]
    /// Roles of persons in this entity (the legal representative's included).
    public var roles: [RoleAssignment]

    public init(entity: Entity, newPersons: [Person], roles: [RoleAssignment]) {
        self.entity = entity
        self.newPersons = newPersons
        self.roles = roles
    }
}
