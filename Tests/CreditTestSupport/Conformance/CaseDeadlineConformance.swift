import CreditCore
import CreditStore
import Foundation
import Testing

/// What the case clocks promise across ``RepairStore``, ``ObjectionStore`` and ``CaseDeadlineStore``, with the
/// shipped rules, the 2026 holiday notice (国庆节 10-01 to 10-07, 调休 Saturday 10-10 a working day) and an injected
/// clock: material is checked by content and kept with its hash, the department asks for more once, extends once with
/// a named approval, a rejection may be reviewed once, and the overdue view counts on the calendar.
public enum CaseDeadlineConformance {
    static var market: String { ListingConformance.market }

    /// A PDF's first bytes, and their SHA-256 worked out with `sha256sum`.
    static let pdf = Data("%PDF-1.7\n% 缴款凭证\n".utf8)
    static let pdfSHA256 = "d847a0f87376021c75eec5694e3ff731ed0c09392c69c4dd61b6542fb875d353"
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("IHDR".utf8))
    static let pngSHA256 = "559f777dcb48901fad778a8998dc4b03ecd717a5d7b6309be091b6f440d63062"

    static func upload(_ name: String, _ bytes: Data) -> MaterialUpload { MaterialUpload(name: name, content: bytes.base64EncodedString()) }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "a repair accepted 2026-09-30 is due on the 调休 Saturday 2026-10-10 and overdue on Monday 2026-10-12; more material once, one extension, one review"
        ) { world in
            world.clock.set(LocalDate("2026-09-30")!)
            let code = try await world.seed(1)[0].entity.code.rawValue
            let items = TestDatabase.items(
                [Builders.penalty(code, number: "济市监罚〔2026〕601号", decidedOn: "2026-06-01")],
                catalogue: world.stores.catalogues.inForce(on: world.clock.today()),
                today: world.clock.today()
            )
            let recordID = try #require(try await world.stores.records.submit(departmentCode: market, items: items, source: "api").first?.id)
            let repairs = world.stores.repairs
            func application(_ materials: [MaterialUpload]) -> RepairApplication {
                RepairApplication(items: [.init(recordId: recordID)], commitment: .init(accepted: true), materials: materials)
            }
            // A program renamed to .pdf, a type not accepted: refused, nothing written.
            let program = Data([0x4D, 0x5A, 0x90, 0x00])
            await expectError("material_content_mismatch") {
                _ = try await repairs.apply(entityCode: code, application([upload("缴款凭证.pdf", program)]), by: nil)
            }
            await expectError("material_type_not_allowed") {
                _ = try await repairs.apply(entityCode: code, application([upload("setup.exe", program)]), by: nil)
            }
            #expect(try await repairs.cases(entityCode: code, departmentCode: nil, limit: 10).isEmpty)

            let accepted = try await repairs.apply(entityCode: code, application([upload("缴款凭证.pdf", pdf)]), by: "申请人")
            #expect(accepted.dueBy == LocalDate("2026-10-10"), "10-08, 10-09 and the 调休 Saturday 10-10")
            #expect(accepted.materials.map(\.sha256) == [pdfSHA256] && accepted.materials.first?.mediaType == "application/pdf")
            let stored = try #require(try await repairs.material(caseID: accepted.id, number: 1))
            #expect(stored.1 == pdf && stored.0.name == "缴款凭证.pdf")

            let deadlines = world.stores.deadlines
            func view(_ day: String) async throws -> DeadlineSummary {
                DeadlineSummary(try await deadlines.deadlines(departmentCode: market), on: LocalDate(day)!)
            }
            let friday = try await view("2026-10-09")
            #expect(friday.dueToday.isEmpty && friday.overdue.isEmpty)
            #expect(try await view("2026-10-10").dueToday.map(\.id) == [accepted.id], "due on the 调休 Saturday")
            #expect(try await view("2026-10-10").overdue.isEmpty)
            let monday = try await view("2026-10-12")
            #expect(monday.overdue.map(\.id) == [accepted.id], "overdue on the first working day after its deadline")
            #expect(monday.departments.first { $0.code == market }?.overdue == 1)

            world.clock.set(LocalDate("2026-10-12")!)
            #expect(try await deadlines.remind(monday.reminders).map(\.level) == [.overdue])
            #expect(try await deadlines.remind(monday.reminders).isEmpty, "one reminder per case and day")
            #expect(try await deadlines.reminders(departmentCode: market, limit: 10).map(\.deadline.id) == [accepted.id])

            let asked = try await repairs.step(
                id: accepted.id,
                RepairStep(action: .requestMaterial, reason: "缺整改完成证明"),
                actor: .department(market),
                by: "审核员"
            )
            #expect(asked.status == .awaitingMaterial)
            #expect(try await view("2026-10-12").overdue.isEmpty, "the clock waits for the applicant")
            await expectError("material_already_requested") {
                _ = try await repairs.step(id: accepted.id, RepairStep(action: .requestMaterial, reason: "再补"), actor: .department(market), by: nil)
            }
            await expectError("forbidden") {
                _ = try await repairs.step(id: accepted.id, RepairStep(action: .extend, reason: "x", approvedBy: "y"), actor: .entity(code), by: nil)
            }
            world.clock.set(LocalDate("2026-10-13")!)
            let supplied = try await repairs.step(
                id: accepted.id,
                RepairStep(action: .supply, reason: "整改完成证明", materials: [upload("整改证明.png", png)]),
                actor: .entity(code),
                by: "申请人"
            )
            #expect(supplied.status == .accepted && supplied.dueBy == LocalDate("2026-10-16"), "3 working days from the day it was supplied")
            #expect(supplied.materials.map(\.sha256) == [pdfSHA256, pngSHA256])
            await expectError("approval_required") {
                _ = try await repairs.step(id: accepted.id, RepairStep(action: .extend, reason: "需现场核查"), actor: .department(market), by: nil)
            }
            let extended = try await repairs.step(
                id: accepted.id,
                RepairStep(action: .extend, reason: "需现场核查", approvedBy: "分管局长"),
                actor: .department(market),
                by: "审核员"
            )
            #expect(extended.dueBy == LocalDate("2026-10-21") && extended.extensionApprovedBy == "分管局长")
            await expectError("already_extended") {
                _ = try await repairs.step(
                    id: accepted.id,
                    RepairStep(action: .extend, reason: "x", approvedBy: "y"),
                    actor: .department(market),
                    by: nil
                )
            }
            world.clock.set(LocalDate("2026-10-14")!)
            _ = try await repairs.decide(id: accepted.id, RepairDecision(outcome: .rejected, reason: "整改未完成"), departmentCode: market, by: nil)
            let figures = try await view("2026-10-14").departments.first { $0.code == market }
            #expect(figures?.answered == 1 && figures?.answeredOnTime == 1 && figures?.onTimePercent == 100)

            let reviewed = try await repairs.step(id: accepted.id, RepairStep(action: .review, reason: "整改已于10月13日完成"), actor: .entity(code), by: nil)
            #expect(reviewed.status == .accepted && reviewed.reviewed && reviewed.dueBy == LocalDate("2026-10-19"))
            _ = try await repairs.decide(id: accepted.id, RepairDecision(outcome: .rejected, reason: "维持"), departmentCode: market, by: nil)
            await expectError("review_used") {
                _ = try await repairs.step(id: accepted.id, RepairStep(action: .review, reason: "再次复核"), actor: .entity(code), by: nil)
            }
            let steps = try #require(try await repairs.repairCase(id: accepted.id)).events.map(\.action)
            #expect(steps.count == 7, "applied, asked, supplied, extended, rejected, review, rejected — every step kept: \(steps)")
        },
        PortBehaviour("an upheld objection may be reviewed once: the mark returns at once and a new clock runs; an extension names its approval") {
            world in
            let code = try await world.seed(1)[0].entity.code.rawValue
            let today = world.clock.today()
            let items = TestDatabase.items(
                [Builders.penalty(code, number: "济市监罚〔2026〕复1号", decidedOn: "2026-11-20")],
                catalogue: world.stores.catalogues.inForce(on: today),
                today: today
            )
            let recordID = try #require(try await world.stores.records.submit(departmentCode: market, items: items, source: "api").first?.id)
            let objections = world.stores.objections
            let filed = try await objections.file(
                ObjectionFiling(recordId: recordID, grounds: "金额有误", materials: [upload("复议决定书.pdf", pdf)]),
                filerKind: .entity,
                filer: code,
                by: nil
            )
            #expect(filed.materials.map(\.sha256) == [pdfSHA256])
            await expectError("forbidden") {
                _ = try await objections.step(
                    id: filed.id,
                    ObjectionStep(action: .extend, reason: "x", approvedBy: "y"),
                    departmentCode: nil,
                    filer: code,
                    by: nil
                )
            }
            let extended = try await objections.step(
                id: filed.id,
                ObjectionStep(action: .extend, reason: "需调取卷宗", approvedBy: "科长"),
                departmentCode: market,
                filer: market,
                by: nil
            )
            #expect(extended.dueBy == world.stores.calendars.current.adding(workingDays: 3, to: filed.dueBy))
            _ = try await objections.decide(id: filed.id, .upheld, reason: "金额无误", departmentCode: market, by: nil)
            #expect(try await world.stores.records.fetchRecord(id: recordID)?.underObjection == false)
            let review = try await objections.step(
                id: filed.id,
                ObjectionStep(action: .review, reason: "附缴款凭证"),
                departmentCode: nil,
                filer: code,
                by: nil
            )
            #expect(review.status == .accepted && review.outcome == nil && review.reviewed)
            #expect(try await world.stores.records.fetchRecord(id: recordID)?.underObjection == true, "marked again at once")
            _ = try await objections.decide(id: filed.id, .upheld, reason: "复核维持", departmentCode: market, by: nil)
            await expectError("review_used") {
                _ = try await objections.step(id: filed.id, ObjectionStep(action: .review, reason: "再次"), departmentCode: nil, filer: code, by: nil)
            }
        },
        PortBehaviour(
            "a department's reminders of the day its webhook was set and later are pushed, each delivered once; a failure waits its backoff"
        ) { world in
            try await world.seed(1)
            let deadlines = world.stores.deadlines
            func reminder(_ id: Int, on day: String) -> CaseReminder {
                let deadline = CaseDeadline(
                    kind: .repair,
                    id: id,
                    departmentCode: market,
                    acceptedOn: LocalDate("2026-11-20")!,
                    dueBy: LocalDate("2026-11-25")!,
                    running: true,
                    decidedOn: nil
                )
                return CaseReminder(deadline: deadline, day: LocalDate(day)!, level: .overdue)
            }
            _ = try await deadlines.remind([reminder(1, on: "2026-11-25"), reminder(1, on: "2026-11-26"), reminder(2, on: "2026-11-26")])
            #expect(try await deadlines.duePushes(now: world.clock.now(), limit: 10).isEmpty, "no webhook, nothing to push")
            let hook = try await deadlines.setReminderWebhook(
                departmentCode: market,
                url: "https://oa.example.gov.cn/hooks/credit",
                since: LocalDate("2026-11-26")!,
                by: "科员"
            )
            #expect(hook?.url == "https://oa.example.gov.cn/hooks/credit" && hook?.delivered == 0)
            let now = world.clock.now()
            let due = try await deadlines.duePushes(now: now, limit: 10)
            #expect(due.map(\.webhook.departmentCode) == [market])
            #expect(
                due.first?.reminders.map { "\($0.deadline.id)@\($0.day)" } == ["1@2026-11-26", "2@2026-11-26"],
                "the day before it was set is not pushed"
            )

            // The department's system answers 503: nothing marked, the next attempt waits.
            let pending = try #require(due.first?.reminders)
            try await deadlines.record(
                ReminderDelivery(departmentCode: market, reminders: pending, attemptedAt: now, httpStatus: 503, error: "HTTP 503"),
                nextAttemptAt: now.addingTimeInterval(30)
            )
            #expect(try await deadlines.duePushes(now: now, limit: 10).isEmpty, "waiting for its backoff")
            let later = now.addingTimeInterval(31)
            #expect(try await deadlines.duePushes(now: later, limit: 10).first?.reminders == pending, "then the same reminders again")
            #expect(try await deadlines.reminderWebhook(departmentCode: market)?.failures == 1)

            try await deadlines.record(
                ReminderDelivery(departmentCode: market, reminders: pending, attemptedAt: later, httpStatus: 204, error: nil),
                nextAttemptAt: later
            )
            #expect(try await deadlines.duePushes(now: later, limit: 10).isEmpty, "delivered once, never again")
            let state = try await deadlines.reminderWebhook(departmentCode: market)
            #expect(state?.delivered == 2 && state?.failures == 0 && state?.lastStatus == 204)
            _ = try await deadlines.remind([reminder(3, on: "2026-11-27")])
            #expect(try await deadlines.duePushes(now: later, limit: 10).first?.reminders.map(\.deadline.id) == [3])
            #expect(try await deadlines.setReminderWebhook(departmentCode: market, url: nil, since: LocalDate("2026-11-27")!, by: nil) == nil)
            #expect(try await deadlines.duePushes(now: later, limit: 10).isEmpty, "removed: pushed no more")
        },
    ]
}
