import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Testing

/// What every ``ListingStore`` and ``CheckStore`` promise, with the shipped list types and measures: entries entered
/// by their authority, versioned and logged; checks that reach a subject through the roles a list's basis names, only
/// while the entry is in force, with the catalogue's measures for the scenario and a receipt that verifies.
public enum ListingConformance {
    static func department(_ word: String) -> String { DemoCity.departments.first { $0.name.contains(word) }!.code }
    static var court: String { department("法院") }
    static var market: String { department("市场监督管理") }
    static var tax: String { department("税务") }

    /// A valid credit code the registry does not hold.
    static let stranger = CreditCode.completing("91370102MA3CT0097")!

    static func legalRepresentative(_ item: NewEntity) -> Person { item.roles.first { $0.role == .legalRepresentative }!.person }

    /// A listing as a department sends it, told the day before.
    static func request(
        _ list: String,
        code: String? = nil,
        person: Person? = nil,
        number: String,
        startsOn: String = "2026-11-26",
        noticeServedOn: String? = "2026-11-25",
        industries: [String]? = nil
    ) -> ListingRequest {
        ListingRequest(
            list: list,
            subjectCode: code,
            subjectIdNumber: person?.idNumber.rawValue,
            subjectName: person?.name,
            documentNumber: number,
            reason: "列入事由",
            basis: "列入依据",
            startsOn: startsOn,
            noticeServedOn: noticeServedOn,
            industries: industries
        )
    }

    static func check(
        _ world: ConformanceWorld,
        _ subject: CheckSubject,
        _ scenario: String,
        industry: String? = nil
    ) async throws -> CheckResult {
        try await world.stores.checks.check(
            [CheckRequest(subject: subject, scenario: scenario, purpose: "资格审查", industry: industry)],
            checker: "审批员",
            accountID: nil,
            requestID: nil
        )[0]
    }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour(
            "an entity whose legal representative is a court's dishonest debtor is hit in procurement through that person, until the term ends or the court deletes the entry"
        ) { world in
            let seeded = try await world.seed(3)
            let item = seeded[0]
            let person = legalRepresentative(item)
            let entity = CheckSubject.entity(item.entity.code)
            #expect(try await check(world, entity, "government-procurement").answer.result == CheckAnswer.noListings)
            // The court's record is the entry (法释〔2017〕7号): listed from 2026-11-20 to its 失信期限至.
            var debtor = RecordSubmission(
                category: "dishonest-debtor",
                fields: [
                    "subjectIdNumber": person.idNumber.rawValue, "subjectName": person.name, "documentNumber": "（2026）鲁01执21号",
                    "decidedOn": "2026-11-20", "listedUntil": "2027-11-19", "content": "有履行能力而拒不履行生效法律文书确定的义务",
                    "basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项",
                ]
            )
            #expect(try await RecordConformance.submit(world, [debtor], by: court).map(\.status) == [.accepted])
            let hit = try await check(world, entity, "government-procurement").answer
            #expect(hit.result == CheckAnswer.listed)
            #expect(hit.listings.map(\.list) == ["dishonest-judgment-debtor"])
            #expect(hit.listings.map(\.via) == ["legal-representative"])
            #expect(hit.listings.first?.party?.idNumber == person.idNumber.masked, "the person is shown masked")
            #expect(hit.listings.first?.until == "2027-11-19")
            #expect(hit.measures.map(\.code) == ["procurement-exclusion-related"], "the measure whose basis reaches the representative")
            #expect(hit.measures.first?.via == ["legal-representative"])
            // Checked in a batch (the entities read together), the same answers, in order.
            let other = seeded[2].entity.code
            let batch = try await world.stores.checks.check(
                [entity, .entity(other)].map { CheckRequest(subject: $0, scenario: "government-procurement", purpose: "开标") },
                checker: "审批员",
                accountID: nil,
                requestID: nil
            ).map(\.answer)
            #expect(batch.map(\.result) == [CheckAnswer.listed, CheckAnswer.noListings])
            #expect(batch[0].listings == hit.listings && batch[0].measures == hit.measures)
            // The person is hit directly, and in public office.
            let direct = try await check(world, .person(person.idNumber), "public-office").answer
            #expect(direct.listings.map(\.via) == ["self"])
            #expect(direct.measures.map(\.code) == ["public-office-restriction"])
            // On the term's last day still hit; the day after, nothing.
            world.clock.set(LocalDate("2027-11-19")!)
            #expect(try await check(world, entity, "government-procurement").answer.measures.count == 1)
            world.clock.set(LocalDate("2027-11-20")!)
            let expired = try await check(world, entity, "government-procurement").answer
            #expect(expired.result == CheckAnswer.noListings && expired.listings.isEmpty && expired.measures.isEmpty)
            // Back in the term, the court deletes it (the debtor paid): no longer hit.
            world.clock.set(LocalDate("2026-12-03")!)
            #expect(try await check(world, entity, "government-procurement").answer.result == CheckAnswer.listed)
            debtor.revoked = true
            debtor.revokedOn = "2026-12-02"
            debtor.changeReason = "被执行人已履行，法院删除失信信息"
            #expect(try await RecordConformance.submit(world, [debtor], by: court).map(\.status) == [.updated])
            #expect(try await check(world, entity, "government-procurement").answer.result == CheckAnswer.noListings)
        },
        PortBehaviour("a ban shows only in checks for the industries it names; it reaches the legal representative its basis names") { world in
            let item = try await world.seed(3)[1]
            let code = item.entity.code
            let outcome = try await world.stores.listings.enter(
                try request("food-safety-ban", code: code.rawValue, number: "济市监禁〔2026〕1号", industries: ["14", "62"]).parse(),
                departmentCode: market,
                by: "市场监管"
            )
            #expect(outcome.created && outcome.listing.endsOn == LocalDate("2031-11-25"), "five years (食品安全法 Art. 135), last day included")
            let food = try await check(world, .entity(code), "administrative-licensing", industry: "14").answer
            #expect(food.listings.map(\.list) == ["food-safety-ban"])
            #expect(food.measures.map(\.code) == ["food-business-ban"])
            #expect(food.measures.first?.industries == ["14", "62"])
            let software = try await check(world, .entity(code), "administrative-licensing", industry: "65").answer
            #expect(software.result == CheckAnswer.noListings && software.measures.isEmpty)
            let unsaid = try await check(world, .entity(code), "administrative-licensing").answer
            #expect(unsaid.listings.first?.industries == ["14", "62"], "without an industry the ban is shown with its industries")
            let representative = try await check(world, .person(legalRepresentative(item).idNumber), "administrative-licensing", industry: "62")
            #expect(representative.answer.listings.map(\.via) == ["legal-representative"])
            #expect(representative.answer.listings.first?.party?.code == code.rawValue)
            #expect(representative.answer.measures.map(\.code) == ["food-business-ban"])
        },
        PortBehaviour("a red-listed entity gets its incentives and no punishment") { world in
            let code = try await world.seed(3)[2].entity.code
            _ = try await world.stores.listings.enter(
                try request("a-grade-taxpayer", code: code.rawValue, number: "济税信〔2026〕A1号").parse(),
                departmentCode: tax,
                by: nil
            )
            let answer = try await check(world, .entity(code), "administrative-licensing").answer
            #expect(answer.listings.map(\.kind) == ["red"])
            #expect(answer.measures.isEmpty)
            #expect(answer.incentives.map(\.code) == ["a-grade-fast-track"])
        },
        PortBehaviour("a receipt verifies as shown and fails when one byte of it changes; a stored check reads back unchanged") { world in
            let code = try await world.seed(1)[0].entity.code
            _ = try await world.stores.log.signCheckpoint()
            let result = try await check(world, .entity(code), "subsidy")
            #expect(result.receipt.dataVersion.checkpointSize == result.receipt.dataVersion.logSize)
            #expect(try await world.stores.checks.check(id: result.answer.checkId) == result)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let document = try encoder.encode(result)
            let verified = try await world.stores.checks.verify(document: document)
            #expect(verified.valid && verified.matchesStoredCheck && verified.problems.isEmpty)
            // "no-listings" becomes "no-listingz": the answer no longer matches the signed digest.
            var text = String(decoding: document, as: UTF8.self)
            text = text.replacingOccurrences(of: "\"no-listings\"", with: "\"no-listingz\"")
            let altered = try await world.stores.checks.verify(document: Data(text.utf8))
            #expect(!altered.valid && !altered.answerUnchanged)
            // One character of the signature changed.
            let signature = result.receipt.signature!
            let forged = String(decoding: document, as: UTF8.self).replacingOccurrences(
                of: signature,
                with: (signature.first == "A" ? "B" : "A") + signature.dropFirst()
            )
            let bad = try await world.stores.checks.verify(document: Data(forged.utf8))
            #expect(!bad.valid && !bad.signatureValid)
        },
        PortBehaviour("a listing is a version in the log; the same decision again changes nothing; ending it is a new version, once") { world in
            let code = try await world.seed(2)[0].entity.code
            let sizeBefore = try await world.stores.log.size()
            let parsed = try request("market-serious-violator", code: code.rawValue, number: "济市监严〔2026〕3号").parse()
            let first = try await world.stores.listings.enter(parsed, departmentCode: market, by: "市场监管")
            #expect(first.created && first.listing.endsOn == LocalDate("2029-11-25") && first.listing.state(on: ConformanceWorld.today) == .active)
            let again = try await world.stores.listings.enter(parsed, departmentCode: market, by: "市场监管")
            #expect(!again.created && again.listing.id == first.listing.id)
            #expect(try await world.stores.log.size() == sizeBefore + 1)
            var changed = parsed
            changed.reason = "另一事由"
            await expectError("listing_exists") { _ = try await world.stores.listings.enter(changed, departmentCode: market, by: nil) }
            let id = try #require(first.listing.id)
            await expectError("not_list_issuer") {
                _ = try await world.stores.listings.end(
                    id: id,
                    .init(outcome: .removed, reason: "x", on: ConformanceWorld.today),
                    departmentCode: tax,
                    by: nil
                )
            }
            let ended = try await world.stores.listings.end(
                id: id,
                .init(outcome: .removed, reason: "已履行义务、消除不良影响，提前移出", on: ConformanceWorld.today),
                departmentCode: market,
                by: "市场监管"
            )
            #expect(ended.version == 2 && ended.state(on: ConformanceWorld.today) == .removed)
            await expectError("listing_already_ended") {
                _ = try await world.stores.listings.end(
                    id: id,
                    .init(outcome: .revoked, reason: "x", on: ConformanceWorld.today),
                    departmentCode: nil,
                    by: nil
                )
            }
            #expect(try await world.stores.listings.versions(id: id).map(\.status) == [.listed, .removed])
            #expect(try await world.stores.log.size() == sizeBefore + 2)
            let verification = try await world.stores.log.verify(publicKey: nil)
            #expect(verification.firstMismatch == nil)
            #expect(try await check(world, .entity(code), "honour").answer.result == CheckAnswer.noListings)
        },
        PortBehaviour("bad listings and checks are refused with their codes and store nothing") { world in
            let items = try await world.seed(2)
            let code = items[0].entity.code.rawValue
            let listings = world.stores.listings
            let sizeBefore = try await world.stores.log.size()
            await expectError("unknown_list") {
                _ = try await listings.enter(try request("no-such-list", code: code, number: "1").parse(), departmentCode: market, by: nil)
            }
            await expectError("not_list_issuer") {
                _ = try await listings.enter(try request("major-tax-violator", code: code, number: "2").parse(), departmentCode: market, by: nil)
            }
            await expectError("notice_not_served") {
                _ = try await listings.enter(
                    try request("market-serious-violator", code: code, number: "3", noticeServedOn: nil).parse(),
                    departmentCode: market,
                    by: nil
                )
            }
            await expectError("listed_by_records") {
                _ = try await listings.enter(
                    try request("dishonest-judgment-debtor", code: code, number: "4").parse(),
                    departmentCode: court,
                    by: nil
                )
            }
            await expectError("subject_not_found") {
                _ = try await listings.enter(
                    try request("market-serious-violator", code: stranger.rawValue, number: "5").parse(),
                    departmentCode: market,
                    by: nil
                )
            }
            await expectError("industries_required") {
                _ = try await listings.enter(try request("food-safety-ban", code: code, number: "6").parse(), departmentCode: market, by: nil)
            }
            await expectError("listing_ends_before_start") {
                var backwards = request("market-serious-violator", code: code, number: "7")
                backwards.endsOn = "2026-11-01"
                _ = try backwards.parse()
            }
            #expect(try await world.stores.log.size() == sizeBefore)
            await expectError("unknown_scenario") { _ = try await check(world, .entity(items[0].entity.code), "lottery") }
            await expectError("purpose_required") {
                _ = try await world.stores.checks.check(
                    [CheckRequest(subject: .entity(items[0].entity.code), scenario: "subsidy", purpose: " ")],
                    checker: "x",
                    accountID: nil,
                    requestID: nil
                )
            }
            await expectError("subject_not_found") {
                _ = try await check(world, .entity(stranger), "subsidy")
            }
            let many = Array(repeating: CheckRequest(subject: .entity(items[0].entity.code), scenario: "subsidy", purpose: "p"), count: 1001)
            await expectError("batch_too_large") { _ = try await world.stores.checks.check(many, checker: "x", accountID: nil, requestID: nil) }
        },
        PortBehaviour(
            "feedback names every measure of its check once, a reason for each not applied, and is recorded once; counted per measure and department; a check never fed back is overdue after its working days"
        ) { world in
            let code = try await world.seed(1)[0].entity.code
            _ = try await world.stores.listings.enter(
                try request("major-tax-violator", code: code.rawValue, number: "济税稽失〔2026〕7号").parse(),
                departmentCode: tax,
                by: nil
            )
            let checks = world.stores.checks
            let procurement = try await check(world, .entity(code), "government-procurement").answer
            #expect(procurement.measures.map(\.code) == ["procurement-exclusion"])
            let id = procurement.checkId
            for (feedback, expected) in [
                (CheckFeedback(caseNumber: "采2026-1", items: [.init(measure: "honour-restriction", applied: true)]), "measure_not_in_check"),
                (
                    CheckFeedback(caseNumber: "采2026-1", items: [.init(measure: "procurement-exclusion", applied: false, reason: " ")]),
                    "reason_required"
                ),
                (CheckFeedback(caseNumber: "采2026-1", items: []), "feedback_incomplete"),
                (CheckFeedback(caseNumber: " ", items: [.init(measure: "procurement-exclusion", applied: true)]), "missing_field"),
            ] {
                await expectError(expected) { try await checks.recordFeedback(checkID: id, feedback, by: "审批员", accountID: nil) }
            }
            #expect(try await checks.feedback(checkID: id) == nil, "nothing of a refused feedback is kept")
            let good = CheckFeedback(caseNumber: "采2026-1", items: [.init(measure: "procurement-exclusion", applied: true)])
            try await checks.recordFeedback(checkID: id, good, by: "审批员", accountID: nil)
            #expect(try await checks.feedback(checkID: id) == good)
            await expectError("feedback_exists") { try await checks.recordFeedback(checkID: id, good, by: "审批员", accountID: nil) }
            await expectError("check_not_found") { try await checks.recordFeedback(checkID: "ck-none", good, by: "审批员", accountID: nil) }
            let subsidy = try await check(world, .entity(code), "subsidy").answer
            _ = try await check(world, .entity(code), "financing")  // named financing-restriction too
            let summary = try await checks.feedbackSummary(from: ConformanceWorld.today, to: ConformanceWorld.today)
            #expect(summary.checksWithMeasures == 3 && summary.fedBack == 1)
            #expect(summary.measures.map(\.key) == ["procurement-exclusion"] && summary.measures.first?.applied == 1)
            #expect(summary.departments.map(\.key) == ["财政部门、采购人、采购代理机构"])
            #expect(try await checks.feedbackSummary(from: LocalDate("2026-11-27")!, to: nil).checksWithMeasures == 0)
            // Made on Thursday 26 November: five working days run to Thursday 3 December; overdue from the 4th.
            let waiting = try await checks.unanswered(limit: 10)
            #expect(waiting.first?.checkId == subsidy.checkId && waiting.count == 2)
            let calendar = world.stores.calendars.current
            #expect(UnansweredCheck.overdue(waiting, workingDays: 5, today: LocalDate("2026-12-03")!, calendar: calendar).isEmpty)
            let late = UnansweredCheck.overdue(waiting, workingDays: 5, today: LocalDate("2026-12-04")!, calendar: calendar)
            #expect(late.map(\.dueBy) == ["2026-12-03", "2026-12-03"])
        },
        PortBehaviour(
            "the feed gives every list change once and in order across pages, moving past what is not a list change; a subscription covers its lists and subjects"
        ) { world in
            let items = try await world.seed(2)
            let feed = world.stores.subscriptions
            let start = try await feed.changes(after: 0, limit: 10)
            let size = try await world.stores.log.size()
            #expect(start.items.isEmpty && start.next == size, "registrations are not list changes")
            let entered = try await world.stores.listings.enter(
                try request("market-serious-violator", code: items[0].entity.code.rawValue, number: "济市监严〔2026〕21号").parse(),
                departmentCode: market,
                by: nil
            )
            _ = try await RecordConformance.submit(
                world,
                [Builders.penalty(items[1].entity.code.rawValue, number: "济税罚〔2026〕77号", decidedOn: "2026-11-20")]
            )
            let debtor = RecordSubmission(
                category: "dishonest-debtor",
                fields: [
                    "subjectCode": items[1].entity.code.rawValue, "subjectName": items[1].entity.name, "documentNumber": "（2026）鲁01执31号",
                    "decidedOn": "2026-11-20", "listedUntil": "2028-11-19", "content": "有履行能力而拒不履行", "basis": "法释〔2017〕7号第一条",
                ]
            )
            _ = try await RecordConformance.submit(world, [debtor], by: court)
            _ = try await world.stores.listings.end(
                id: entered.listing.id!,
                .init(outcome: .revoked, reason: "复议撤销列入决定", on: ConformanceWorld.today),
                departmentCode: market,
                by: nil
            )
            let first = try await feed.changes(after: start.next, limit: 2)
            #expect(first.items.map(\.status) == ["listed", "listed"])
            #expect(first.items.map(\.list) == ["market-serious-violator", "dishonest-judgment-debtor"], "the penalty is no list change")
            #expect(first.items[1].recordId != nil && first.items[1].endsOn == "2028-11-19")
            let second = try await feed.changes(after: first.next, limit: 2)
            #expect(second.items.map(\.status) == ["revoked"] && second.items[0].listingId == entered.listing.id)
            let all = first.items + second.items
            #expect(all.map(\.cursor) == all.map(\.cursor).sorted() && Set(all.map(\.cursor)).count == 3)
            let third = try await feed.changes(after: second.next, limit: 2)
            #expect(third.items.isEmpty && third.next == second.next)
            let market = Subscription(
                id: 1,
                accountID: 1,
                lists: ["market-serious-violator"],
                subjects: [],
                webhook: nil,
                deliveredCursor: 0,
                createdAt: ""
            )
            #expect(all.map(market.matches) == [true, false, true])
            let one = Subscription(
                id: 2,
                accountID: 1,
                lists: [],
                subjects: [items[1].entity.code.rawValue],
                webhook: nil,
                deliveredCursor: 0,
                createdAt: ""
            )
            #expect(all.map(one.matches) == [false, true, false])
        },
        PortBehaviour("a webhook subscription starts at the log's head; a delivery moves its cursor, a failure puts off the next attempt") { world in
            let account = try await world.stores.accounts.createAccount(name: "审批系统", role: .subscriber, departmentCode: nil, entityCode: nil)
            let feed = world.stores.subscriptions
            let types = try await world.stores.listTypes.versions().inForce(on: ConformanceWorld.today)
            let ask = SubscriptionRequest(lists: ["dishonest-judgment-debtor"], webhook: "https://approval.example.gov.cn/hooks/credit")
            await expectError("webhook_not_allowed") { _ = try ask.validated(types: types, allowList: []) }
            await expectError("unknown_list") { _ = try SubscriptionRequest(lists: ["lottery"]).validated(types: types, allowList: []) }
            await expectError("missing_field") { _ = try SubscriptionRequest().validated(types: types, allowList: []) }
            try await feed.setAllowList(["https://approval.example.gov.cn/"], by: "信用办")
            let valid = try ask.validated(types: types, allowList: try await feed.allowList())
            let head = try await world.stores.log.size()
            let subscription = try await feed.create(accountID: account.id, lists: valid.lists, subjects: valid.subjects, webhook: valid.webhook)
            #expect(subscription.deliveredCursor == head)
            let now = world.clock.now()
            #expect(try await feed.dueWebhooks(now: now).map(\.id) == [subscription.id])
            try await feed.record(
                WebhookDelivery(
                    subscriptionId: subscription.id,
                    attemptedAt: "t",
                    upTo: head + 5,
                    items: 1,
                    delivered: false,
                    httpStatus: 500,
                    error: "HTTP 500"
                ),
                nextAttemptAt: now.addingTimeInterval(30)
            )
            #expect(try await feed.dueWebhooks(now: now).isEmpty)
            let later = try await feed.dueWebhooks(now: now.addingTimeInterval(30))
            #expect(later.first?.failures == 1 && later.first?.deliveredCursor == head, "a failure does not move the cursor")
            try await feed.record(
                WebhookDelivery(
                    subscriptionId: subscription.id,
                    attemptedAt: "t",
                    upTo: head + 5,
                    items: 1,
                    delivered: true,
                    httpStatus: 204,
                    error: nil
                ),
                nextAttemptAt: now
            )
            #expect(try await feed.subscriptions(accountID: account.id).first?.deliveredCursor == head + 5)
            #expect(try await feed.deliveries(subscriptionID: subscription.id, limit: 10).map(\.delivered) == [true, false])
            try await feed.delete(id: subscription.id, accountID: account.id)
            #expect(try await feed.dueWebhooks(now: now).isEmpty)
            await expectError("subscription_not_found") { try await feed.delete(id: subscription.id, accountID: account.id) }
        },
        PortBehaviour("a listing file enters its rows through the listing checks, queues the refused ones, and sent again doubles nothing") { world in
            let seeded = try await world.seed(2)
            let (a, b) = (seeded[0].entity.code.rawValue, seeded[1].entity.code.rawValue)
            let header = "名单代码,统一社会信用代码,身份证号码,自然人姓名,列入决定文书号,列入事由,列入依据,列入日期,届满日期,告知送达日期,禁入行业\n"
            let fixed = "market-serious-violator,\(a),,,济市监严〔2026〕15号,拒不履行,办法第二条,2026-11-26,,2026-11-25,\n"
            let file =
                header + "market-serious-violator,\(a),,,济市监严〔2026〕11号,拒不履行,办法第二条,2026/11/26,,2026年11月25日,\n"
                + "food-safety-ban,\(b),,,济市监禁〔2026〕12号,食品安全,《食品安全法》第一百三十五条,2026-11-26,,2026-11-25,14、62\n"
                + "major-tax-violator,\(a),,,济市监严〔2026〕14号,偷税,税收征管法,2026-11-26,,2026-11-25,\n"
                + fixed.replacingOccurrences(of: "2026-11-25", with: "")
            let importer = ListingImporter(
                listings: world.stores.listings,
                records: world.stores.records,
                departmentCode: market,
                source: "file",
                batchSize: 2
            )
            func run(_ text: String) async throws -> ImportSummary {
                try await importer.run(
                    AsyncStream {
                        $0.yield(Array(text.utf8))
                        $0.finish()
                    },
                    encoding: .auto
                )
            }
            let first = try await run(file)
            #expect(first.rows == 4 && first.accepted == 2 && first.rejected == 2, "\(first)")
            let entered = try await world.stores.listings.listings(departmentCode: market, limit: 10)
            let ban = try #require(entered.first { $0.list == "food-safety-ban" })
            #expect(ban.industries == ["14", "62"] && ban.endsOn == LocalDate("2031-11-25"), "a ban's industries split on 、, five years")
            let serious = try #require(entered.first { $0.list == "market-serious-violator" })
            #expect(serious.startsOn == ConformanceWorld.today && serious.noticeServedOn == LocalDate("2026-11-25"), "dates as files write them")
            var queue = try await world.stores.records.rejections(departmentCode: market, limit: 10)
            #expect(Set(queue.flatMap(\.problems).map(\.code)) == ["not_list_issuer", "notice_not_served"])
            #expect(queue.allSatisfy { $0.category == ListingRequest.category } && Set(queue.map(\.position)) == [4, 5])

            let again = try await run(file)
            #expect(again.unchanged == 2 && again.rejected == 2 && again.accepted == 0, "\(again)")
            #expect(try await world.stores.listings.listings(departmentCode: market, limit: 10).count == 2)
            #expect(try await world.stores.records.rejections(departmentCode: market, limit: 10).count == 2, "not queued twice")

            // The department sends the corrected decision: it is entered and leaves the queue.
            #expect(try await run(header + fixed).accepted == 1)
            queue = try await world.stores.records.rejections(departmentCode: market, limit: 10)
            #expect(queue.map(\.documentNumber) == ["济市监严〔2026〕14号"])
            #expect(try await world.stores.log.verify(publicKey: nil).ok)
        },
    ]
}
