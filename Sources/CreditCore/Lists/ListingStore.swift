import Foundation

/// What entering a listing did: `created`, or `unchanged` when the same decision was sent again (nothing duplicated).
public struct ListingOutcome: Sendable, Hashable {
    public var listing: Listing
    public var created: Bool

    public init(listing: Listing, created: Bool) {
        self.listing = listing
        self.created = created
    }
}

/// The list entries: entered by the issuing department, ended early or revoked, every version kept and logged.
/// Implemented by `CreditStore`.
public protocol ListingStore: Sendable {
    /// Enters a subject on a list for a department (``ListingPlan/entry(_:snapshot:)`` decides).
    /// - Throws: ``ListError``; `listing_exists` when the department already entered this decision differently.
    func enter(_ request: ParsedListing, departmentCode: String, by: String?) async throws -> ListingOutcome
    /// Ends an entry early (`removed`) or revokes it, as a new version; only its department (or, with nil, the
    /// credit office) may.
    /// - Throws: ``ListError`` `listing_not_found`, `not_list_issuer`, `listing_already_ended`.
    func end(id: Int, _ ending: ListingPlan.Ending, departmentCode: String?, by: String?) async throws -> Listing
    /// An entry as it stands now.
    func listing(id: Int) async throws -> Listing?
    /// Every version of an entry, oldest first.
    func versions(id: Int) async throws -> [Listing]
    /// What a check of `subject` reads: the subject, its entries (records of a record-fed list included) and those
    /// of the parties linked to it through a role open on `day`.
    func links(for subject: CheckSubject, on day: LocalDate) async throws -> SubjectLinks
    /// The same for many subjects, in order (a store may read them together).
    func links(for subjects: [CheckSubject], on day: LocalDate) async throws -> [SubjectLinks]
    /// Entries a department entered, newest first.
    func listings(departmentCode: String, limit: Int) async throws -> [Listing]
}
