import CreditCore
import CreditTestSupport
import Testing

/// What a department's row becomes after validation: trimmed values, severities read from their Chinese texts, and
/// length limits counted in characters (not bytes) for Chinese document numbers.
@Suite("Record validation")
struct RecordValidatorTests {
    let catalogue: Catalogue
    let today = LocalDate("2026-11-26")!

    init() throws { catalogue = try Catalogue.bundled() }

    func penalty(number: String, severity: String = "general", name: String = "某公司") -> RecordSubmission {
        Builders.penalty(number: number, severity: severity, name: name)
    }

    @Test("spaces, tabs, a Windows line ending and the ideographic space around a value are trimmed; inner ones are kept")
    func trimming() throws {
        let outcome = RecordValidator.validate(
            penalty(number: "\u{3000}济市监罚〔2026〕1号\r\n", name: " \t某 公司\u{3000}"),
            catalogue: catalogue,
            today: today
        )
        let record = try outcome.get()
        #expect(record.documentNumber == "济市监罚〔2026〕1号")
        #expect(record.subjectName == "某 公司")
    }

    @Test(
        "severity is read from its code, its Chinese label, or the label with 失信",
        arguments: [
            ("general", Severity.general), ("一般", .general), ("严重", .serious), ("严重失信", .serious), (" 轻微 ", .minor),
        ]
    )
    func severityTexts(_ text: String, _ expected: Severity) throws {
        #expect(
            try RecordValidator.validate(penalty(number: "济市监罚〔2026〕2号", severity: text), catalogue: catalogue, today: today).get().severity
                == expected
        )
    }

    @Test("an unknown severity is refused with its value")
    func unknownSeverity() {
        guard
            case .failure(let problems) = RecordValidator.validate(
                penalty(number: "济市监罚〔2026〕3号", severity: "很严重"),
                catalogue: catalogue,
                today: today
            )
        else {
            Issue.record("accepted an unknown severity")
            return
        }
        #expect(problems.problems.map(\.code) == ["invalid_severity"])
        #expect(problems.problems.first?.value == "很严重")
    }

    @Test(
        "a control character in a field is that field's problem; tabs and line breaks inside a text are text",
        arguments: ["\u{0}", "\u{1}", "\u{1B}", "\u{7F}"]
    )
    func controlCharacters(_ control: String) throws {
        let inner = try RecordValidator.validate(penalty(number: "济市监罚〔2026〕4号", name: "某\t公司\n分部"), catalogue: catalogue, today: today).get()
        #expect(inner.subjectName == "某\t公司\n分部")
        guard
            case .failure(let problems) = RecordValidator.validate(
                penalty(number: "济市监罚〔2026〕\(control)5号", name: "某\(control)公司"),
                catalogue: catalogue,
                today: today
            )
        else {
            Issue.record("accepted a control character")
            return
        }
        #expect(Set(problems.problems.map(\.field)) == ["subjectName", "documentNumber"])
        #expect(problems.problems.allSatisfy { $0.code == "control_character" && $0.value == nil })
        #expect(("名\(control)称" as String).replacingControlCharacters == "名\u{FFFD}称")
        #expect("名\t称\r\n".replacingControlCharacters == "名\t称\r\n")
        #expect(("名\(control)称\t" as String).removingControlCharacters == "名称\t")
        #expect(("名\(control)称" as String).showingControlCharacters.unicodeScalars.map(\.value)[1] >= 0x2400)
    }

    @Test("U+FFFD (�) in a field or a change reason is that field's problem; its neighbours in UTF-8 are text")
    func replacementCharacters() throws {
        #expect("某\u{FFFD}公司".containsReplacementCharacter && "\u{FFFD}".containsReplacementCharacter && "公司\u{FFFD}".containsReplacementCharacter)
        // U+FFFC, U+FFBD and U+FF45 share the first bytes of U+FFFD (EF BF BC, EF BE BD, EF BD 85); 罚 is E7 BD 9A.
        #expect(!"某\u{FFFC}\u{FFBD}ｅ罚公司".containsReplacementCharacter && !"".containsReplacementCharacter)
        var sent = penalty(number: "济市监罚〔2026〕6号", name: "某\u{FFFD}公司")
        sent.changeReason = "更正\u{FFFD}"
        guard case .failure(let problems) = RecordValidator.validate(sent, catalogue: catalogue, today: today) else {
            Issue.record("accepted U+FFFD")
            return
        }
        #expect(problems.problems.map(\.field).sorted() == ["changeReason", "subjectName"])
        #expect(problems.problems.allSatisfy { $0.code == "replacement_character" && $0.message.contains("U+FFFD") })
    }

    @Test("a document number may be 100 characters long, though 300 bytes in UTF-8; 101 characters are refused")
    func documentNumberLength() {
        let hundred = String(repeating: "罚", count: 100)
        #expect((try? RecordValidator.validate(penalty(number: hundred), catalogue: catalogue, today: today).get()) != nil)
        guard case .failure(let problems) = RecordValidator.validate(penalty(number: hundred + "罚"), catalogue: catalogue, today: today) else {
            Issue.record("accepted a document number of 101 characters")
            return
        }
        #expect(problems.problems.map(\.code) == ["too_long"])
    }

    @Test("a person's row whose 证件号码 is a credit code, or that also names a credit code, is refused naming the field")
    func personWithACreditCode() {
        func problems(_ fields: [String: String]) -> [String] {
            var submission = penalty(number: "济市监罚〔2026〕7号")
            submission.fields["subjectCode"] = nil
            submission.fields["subjectKind"] = "自然人"
            submission.fields.merge(fields) { $1 }
            switch RecordValidator.validate(submission, catalogue: catalogue, today: today, input: .file) {
            case .success: return []
            case .failure(let p): return p.problems.map { "\($0.field):\($0.code)" }
            }
        }
        // A company's credit code where the person's identity number belongs.
        #expect(problems(["subjectIdNumber": "91350100M000100Y43"]) == ["subjectIdNumber:invalid_id_number"])
        #expect(
            problems(["subjectIdNumber": "11010519491231002X", "subjectCode": "91350100M000100Y43"]) == [
                "subjectCode:subject_ambiguous", "subjectIdNumber:subject_ambiguous",
            ]
        )
        #expect(problems(["subjectIdNumber": "11010519491231002X"]).isEmpty)
    }
}

@Suite("A stored record's standing with the public")
struct PublicStateTests {
    static func record(status: RecordStatus = .active, window: (String, String)?) -> StoredRecord {
        StoredRecord(
            id: 1,
            departmentCode: "X",
            departmentName: "某局",
            category: "penalty",
            documentNumber: "1号",
            version: 1,
            status: status,
            subjectCode: nil,
            subjectIDMasked: nil,
            subjectName: "某公司",
            matched: true,
            decidedOn: LocalDate("2026-11-20")!,
            receivedAt: "2026-11-21T02:00:00.000Z",
            timeliness: Timeliness(workingDays: 7, dueBy: LocalDate("2026-12-01")!, late: false, delayWorkingDays: 0),
            severity: .general,
            content: [:],
            catalogueVersion: "v",
            publication: window.map {
                PublicationWindow(ruleSet: "r", from: LocalDate($0.0)!, earliestEnd: LocalDate($0.0)!, until: LocalDate($0.1)!)
            },
            notPublished: window == nil ? "minor-not-published" : nil
        )
    }

    @Test("pending before its window, public on its first and last days, ended after; revoked and unpublished never public")
    func states() {
        let published = Self.record(window: ("2026-11-21", "2027-11-19"))
        #expect(published.publicState(on: LocalDate("2026-11-20")!) == .pending(from: LocalDate("2026-11-21")!))
        #expect(published.publicState(on: LocalDate("2026-11-21")!) == .public && published.isPublic(on: LocalDate("2026-11-21")!))
        #expect(published.publicState(on: LocalDate("2027-11-19")!) == .public)
        #expect(published.publicState(on: LocalDate("2027-11-20")!) == .ended && !published.isPublic(on: LocalDate("2027-11-20")!))
        let revoked = Self.record(status: .revoked, window: ("2026-11-21", "2027-11-19"))
        #expect(revoked.publicState(on: LocalDate("2026-12-01")!) == .revoked && !revoked.isPublic(on: LocalDate("2026-12-01")!))
        #expect(Self.record(window: nil).publicState(on: LocalDate("2026-12-01")!) == .notPublished)
    }
}

@Suite("Catalogue versions")
struct CatalogueVersionsTests {
    @Test("every category any version has had, once each, sorted — a category a later version dropped included")
    func everyCategoryCode() throws {
        let shipped = try Catalogue.bundled()
        var local = shipped
        local.version = "local"
        local.effectiveFrom = LocalDate("2026-12-01")!
        local.categories.removeAll { $0.code == "voluntary" }
        var honour = shipped.category("reward")!
        honour.code = "local-honour"
        local.categories.append(honour)
        let codes = CatalogueVersions([shipped, local]).everyCategoryCode
        #expect(codes == (shipped.categories.map(\.code) + ["local-honour"]).sorted())
        #expect(codes.contains("voluntary"))
    }
}
