import CreditCore
import CreditStore
import Foundation
import Testing

/// What every ``VoluntaryStore`` promises: a submission is checked (kind, text, attachments by content) and waits for
/// the named department or the credit office; a rejection says why; an acceptance puts it in the entity's file as a
/// `voluntary` record marked self-declared with its reviewer; a submission is reviewed once.
public enum VoluntaryConformance {
    static var market: String { ListingConformance.market }
    static var tax: String { ListingConformance.tax }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "an entity declares an honour with its certificate; another department may not review it; the market regulator accepts it into the file, self-declared"
        ) { world in
            let code = try await world.seed(1)[0].entity.code.rawValue
            let voluntary = world.stores.voluntary
            let certificate = MaterialUpload(name: "荣誉证书.pdf", content: CaseDeadlineConformance.pdf.base64EncodedString())
            func input(
                kind: String? = "honour",
                title: String? = "守合同重信用企业",
                department: String? = market,
                _ materials: [MaterialUpload] = []
            )
                -> VoluntaryInput
            {
                VoluntaryInput(kind: kind, title: title, content: "2025 年度济南市守合同重信用企业", department: department, materials: materials)
            }
            await expectError("invalid_field") { _ = try await voluntary.submit(input(kind: "prize"), subjectCode: code, by: "经办人") }
            await expectError("missing_field") { _ = try await voluntary.submit(input(title: " "), subjectCode: code, by: "经办人") }
            await expectError("department_not_found") { _ = try await voluntary.submit(input(department: "x"), subjectCode: code, by: "经办人") }
            let program = MaterialUpload(name: "证书.pdf", content: Data([0x4D, 0x5A, 0x90, 0x00]).base64EncodedString())
            await expectError("material_content_mismatch") { _ = try await voluntary.submit(input([program]), subjectCode: code, by: "经办人") }
            #expect(try await voluntary.submissions(subjectCode: code, departmentCode: nil, limit: 10).isEmpty, "nothing written by a refusal")

            let submitted = try await voluntary.submit(input([certificate]), subjectCode: code, by: "经办人")
            #expect(submitted.status == .pending && submitted.materials.map(\.sha256) == [CaseDeadlineConformance.pdfSHA256])
            #expect(try await voluntary.material(id: submitted.id, number: 1)?.1 == CaseDeadlineConformance.pdf)
            #expect(try await voluntary.submissions(subjectCode: nil, departmentCode: market, limit: 10).map(\.id) == [submitted.id])
            await expectError("not_reviewing_department") {
                _ = try await voluntary.review(id: submitted.id, accept: true, reason: nil, reviewer: tax, by: "税务")
            }
            await expectError("reason_required") {
                _ = try await voluntary.review(id: submitted.id, accept: false, reason: " ", reviewer: market, by: "审核员")
            }
            let accepted = try await voluntary.review(id: submitted.id, accept: true, reason: "经核对荣誉文件属实", reviewer: market, by: "审核员")
            #expect(accepted.status == .accepted && accepted.reviewedBy == "审核员" && accepted.reviewedOn == world.clock.today())
            let recordID = try #require(accepted.recordId)
            let record = try #require(try await world.stores.records.fetchRecord(id: recordID))
            #expect(record.category == "voluntary" && record.subjectCode == code)
            #expect(record.content["basis"]?.contains("自主申报，经审核员") == true && record.content["content"]?.contains("【荣誉表彰】守合同重信用企业") == true)
            #expect(try await world.stores.records.subjectRecords(subjectCode: code, limit: 10).map(\.id) == [record.id], "in its own file")
            await expectError("already_reviewed") {
                _ = try await voluntary.review(id: submitted.id, accept: false, reason: "x", reviewer: nil, by: "信用办")
            }
            // The credit office may review what a department has not.
            let second = try await voluntary.submit(input(kind: "welfare", title: "社区助老志愿服务"), subjectCode: code, by: "经办人")
            let rejected = try await voluntary.review(id: second.id, accept: false, reason: "未附服务证明", reviewer: nil, by: "信用办")
            #expect(rejected.status == .rejected && rejected.reason == "未附服务证明" && rejected.recordId == nil)
        }
    ]
}
