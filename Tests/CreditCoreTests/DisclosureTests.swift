import CreditCore
import CreditTestSupport
import Testing

/// 国办发〔2019〕35号 puts levies, payments and compensation online within 7 working days; about natural persons the
/// catalogue keeps them among government (《政府信息公开条例》Art. 15: personal privacy is not disclosed).
@Suite("Who sees levies, payments and compensation")
struct DisclosureTests {
    static let catalogue = try! Catalogue.bundled()

    static func window(_ category: String, aboutPerson: Bool) -> Result<PublicationWindow, PublicationWindow.NotPublished> {
        Builders.window(category, decided: "2026-09-01", received: "2026-09-03", aboutPerson: aboutPerson)
    }

    @Test(
        "about an entity: public for 36 months from the decision; about a person: shared among government only",
        arguments: ["levy", "payment", "compensation"]
    )
    func entityPublicPersonShared(_ category: String) throws {
        let window = try Self.window(category, aboutPerson: false).get()
        #expect(window.from == LocalDate("2026-09-03") && window.until == LocalDate("2029-09-01"))
        #expect(throws: PublicationWindow.NotPublished.personNotPublic) { try Self.window(category, aboutPerson: true).get() }
        #expect(Self.catalogue.category(category)?.note?.contains("国办发〔2019〕35号") == true)
    }

    @Test("other public categories are public about persons too; authorised ones about no one")
    func others() throws {
        #expect(try Self.window("license", aboutPerson: true).get().until == LocalDate("2029-09-01"))
        #expect(throws: PublicationWindow.NotPublished.categoryNotPublic) { try Self.window("complaint", aboutPerson: false).get() }
    }
}
