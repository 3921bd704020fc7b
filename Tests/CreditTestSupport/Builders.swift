import CreditCore

/// Builders of the values tests submit, so that a penalty is written in one place.
public enum Builders {
    /// A market regulator's penalty about a company: a fine under the food-safety law, `general` and under the ordinary
    /// procedure unless told.
    public static func penalty(
        _ code: String = "91350100M000100Y43",
        number: String,
        decidedOn: String = "2026-11-20",
        severity: String = "general",
        kinds: String = "罚款",
        content: String = "罚款人民币五千元",
        basis: String = "《中华人民共和国食品安全法》第一百二十六条",
        name: String = "某公司",
        procedure: String = "ordinary"
    ) -> RecordSubmission {
        RecordSubmission(
            category: "penalty",
            fields: [
                "subjectCode": code, "subjectName": name, "documentNumber": number, "decidedOn": decidedOn, "content": content,
                "basis": basis, "severity": severity, "punishmentKinds": kinds, "procedure": procedure,
            ]
        )
    }

    /// The window the shipped catalogue and rules give a record of `category` decided on `decided`, received on
    /// `received` (the same day unless told), by a tax bureau unless told.
    public static func window(
        _ category: String,
        decided: String,
        received: String? = nil,
        severity: Severity? = nil,
        kinds: [String] = [],
        procedure: Procedure? = nil,
        aboutPerson: Bool = false,
        department: String = "济南市税务局"
    ) -> Result<PublicationWindow, PublicationWindow.NotPublished> {
        PublicationWindow.compute(
            category: try! Catalogue.bundled().category(category)!,
            severity: severity,
            punishmentKinds: kinds,
            procedure: procedure,
            aboutPerson: aboutPerson,
            revoked: false,
            departmentName: department,
            decidedOn: LocalDate(decided)!,
            receivedOn: LocalDate(received ?? decided)!,
            rules: .shipped
        )
    }
}
