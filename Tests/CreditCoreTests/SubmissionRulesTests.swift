import CreditCore
import Testing

@Suite("What becomes of a submitted record")
struct SubmissionRulesTests {
    static let may11 = LocalDate("2026-05-11")!
    static let stored = SubmissionRules.Stored(
        id: 7,
        version: 2,
        hash: "abc",
        firstReceivedOn: LocalDate("2026-05-08")!,
        importID: "job-1",
        importPosition: 12
    )

    @Test("a document not stored is new, counted from today")
    func new() {
        #expect(
            SubmissionRules.disposition(documentNumber: "1号", hash: "abc", stored: nil, importID: nil, receivedOn: Self.may11)
                == .new(receivedOn: Self.may11)
        )
    }

    @Test("the same content again changes nothing; other content is the next version, still counted from the first receipt")
    func versions() {
        #expect(
            SubmissionRules.disposition(documentNumber: "1号", hash: "abc", stored: Self.stored, importID: nil, receivedOn: Self.may11)
                == .unchanged(id: 7)
        )
        #expect(
            SubmissionRules.disposition(documentNumber: "1号", hash: "def", stored: Self.stored, importID: "job-2", receivedOn: Self.may11)
                == .newVersion(id: 7, version: 3, receivedOn: LocalDate("2026-05-08")!)
        )
    }

    @Test("a line of a file whose document an earlier line of the same file stored is refused, naming that line")
    func duplicateInFile() {
        let disposition = SubmissionRules.disposition(
            documentNumber: "1号",
            hash: "abc",
            stored: Self.stored,
            importID: "job-1",
            receivedOn: Self.may11
        )
        #expect(disposition == .refused(SubmissionRules.duplicateInFile("1号", line: 12)))
        #expect(SubmissionRules.duplicateInFile("1号", line: 12).code == "duplicate_in_file")
        #expect(SubmissionRules.duplicateInBatch("1号", first: 0).message.contains("本批第 1 条"))
    }
}
