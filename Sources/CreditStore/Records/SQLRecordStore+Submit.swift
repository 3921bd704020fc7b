import CreditCore
import Crypto
import Foundation
import SQLKit

/// Storing a batch. What needs no database (validation was done by the caller; subject, canonical content,
/// hashes, clock, window, first log leaf) is worked out before the transaction, while the previous batch of an
/// import is being written; so is which of the batch's records exist and which of their credit codes the registry
/// knows and which of their persons are registered (a snapshot, decision 0007), and — for a record the snapshot did
/// not find, about an entity or a registered person — its three rows, encoded for the bulk write but for the
/// record's number. In the transaction, the records the snapshot found are read again, and so are the credit codes
/// it did not know; persons not registered are added together; new records, versions, log entries and rejections go
/// in as bulk writes (``BulkWriter``); only corrections of stored records are updated one by one.
extension SQLRecordStore {
    /// What every item of one batch shares.
    struct StoreContext: Sendable {
        var department: String
        var departmentName: String
        var receivedAt: String
        /// The day (in Shanghai) of `receivedAt`.
        var receivedOn: LocalDate
        var today: LocalDate
        var catalogue: Catalogue
        var rules: PublicationRules
        var calendar: WorkingDayCalendar
        var keys: PersonalDataKeys
    }

    /// What is worked out about a valid record before the transaction: everything but what depends on the
    /// database — whether it is stored already, the person's row, whether the registry knows the credit code.
    struct Prepared: Sendable {
        var record: ValidRecord
        var subjectCode: String?
        /// The credit code, or for a person the HMAC of the identity number.
        var subjectRef: String
        var decidedOn: String
        var content: String
        var hash: String
        var status: String
        /// The values of ``SQLRecordStore/plannedColumns`` for a new record (received now), the person and
        /// `matched` still to be filled in.
        var values: [BulkValue]
        /// The log leaf of its first version.
        var firstLeaf: String
    }

    /// What follows from a record and the day it was first received: its clock and publication window, as stored.
    struct Derived: Sendable {
        /// The clock's length in working days (nil: the category has no clock; then the clock columns say on time).
        var clockDays: Int?
        var dueBy: String
        var late: Int
        var delay: Int
        var estimated: Int
        var ruleSet: String?
        var from: String?
        var earliestEnd: String?
        var until: String?
        var maxUntil: String?
        var notPublished: String?
        /// A revocation's withdrawal, timed from the day it was revoked to the day it arrived.
        var withdrawal: Withdrawal?
        var revokedOn: String?

        static let columns = [
            "clock_days", "due_by", "late", "delay_working_days", "clock_estimated", "rule_set", "public_from", "earliest_end", "public_until",
            "public_max_until", "not_published", "revoked_on", "withdrawal_days", "withdrawal_due_by", "withdrawal_late", "withdrawal_delay",
        ]
        .map(SQLRecordStore.plannedColumn)

        /// Puts the clock and window into a row's values (in the order of ``SQLRecordStore/plannedColumns``).
        func put(into values: inout [BulkValue]) {
            let own: [BulkValue] = [
                BulkValue(clockDays), .text(dueBy), .integer(late), .integer(delay), .integer(estimated), BulkValue(ruleSet), BulkValue(from),
                BulkValue(earliestEnd),
                BulkValue(until), BulkValue(maxUntil),
                BulkValue(notPublished), BulkValue(revokedOn), BulkValue(withdrawal?.workingDays), BulkValue(withdrawal?.dueBy.description),
                BulkValue(withdrawal.map { $0.late ? 1 : 0 }), BulkValue(withdrawal?.delayWorkingDays),
            ]
            for (column, value) in zip(Self.columns, own) { values[column] = value }
        }
    }

    /// Everything of a record that its clock and window depend on.
    struct DeriveKey: Hashable {
        var category: String
        var severity: Severity?
        var punishmentKinds: [String]
        var procedure: Procedure?
        var aboutPerson: Bool
        var listedUntil: String?
        var uncorrectedUntil: String?
        var revokedOn: LocalDate?
        var decidedOn: LocalDate
        var receivedOn: LocalDate
        var revoked: Bool

        init(_ record: ValidRecord, receivedOn: LocalDate) {
            category = record.category
            severity = record.severity
            punishmentKinds = record.punishmentKinds
            procedure = record.procedure
            aboutPerson = record.subject.isPerson
            listedUntil = record.content["listedUntil"]
            uncorrectedUntil = record.content["uncorrectedUntil"]
            revokedOn = record.revokedOn
            decidedOn = record.decidedOn
            self.receivedOn = receivedOn
            revoked = record.revoked
        }
    }

    /// A new record's three rows (record, first version, log entry) but for the record's number, encoded before the
    /// transaction.
    struct EncodedRows: Sendable {
        var record: EncodedValues
        var version: EncodedValues
        var log: EncodedValues
        /// The credit code, when the registry did not know it at the snapshot (the rows say "unmatched"; if it is
        /// registered by the transaction, they are made again).
        var unknownCode: String?
    }

    /// What was read before the transaction.
    struct Snapshot: Sendable {
        /// The batch's records that were stored, by ``SQLRecordStore/key(_:_:)``.
        var existing: [String: Existing]
        /// The batch's credit codes the registry knew (entities are never removed, so they stay known).
        var known: Set<String>
        /// The batch's other credit codes.
        var unknown: Set<String>
        /// The row ids of the batch's persons that were registered, by identity number (in memory only; persons are
        /// never removed).
        var persons: [String: Int]
    }

    struct Existing {
        var id: Int
        var version: Int
        var receivedAt: String
        var hash: String
        /// The file import and line that last stored it, if any.
        var importID: String?
        var importPosition: Int?
    }

    static func key(_ category: String, _ documentNumber: String) -> String {
        SubmissionRules.key(category: category, documentNumber: documentNumber)
    }

    /// What the decision needs of a stored record.
    static func stored(_ found: Existing?) -> SubmissionRules.Stored? {
        found.map {
            SubmissionRules.Stored(
                id: $0.id,
                version: $0.version,
                hash: $0.hash,
                firstReceivedOn: LocalDate(shanghaiDayOf: $0.receivedAt),
                importID: $0.importID,
                importPosition: $0.importPosition
            )
        }
    }

    public func submit(
        departmentCode: String,
        items: [SubmissionItem],
        source: String,
        importID: String?,
        after: @escaping @Sendable () async throws -> Void
    ) async throws -> [SubmissionResult] {
        let receivedAt = Timestamp.string(clock.now())
        let today = clock.today()
        guard
            let departmentName = try await db.read({ sql in
                try await sql.select().column("name").from("departments").where("code", .equal, departmentCode).first()?
                    .decode(column: "name", as: String.self)
            })
        else {
            throw RecordError(code: "unknown_department", message: "部门 \(departmentCode) 未登记 / department \(departmentCode) is not registered")
        }
        let context = StoreContext(
            department: departmentCode,
            departmentName: departmentName,
            receivedAt: receivedAt,
            receivedOn: LocalDate(shanghaiDayOf: receivedAt) ?? today,
            today: today,
            catalogue: catalogue,
            rules: rules,
            calendar: calendars.current,
            keys: keys
        )
        // Before the transaction: duplicates inside the batch, and everything that needs no database.
        var outcomes: [Result<Prepared, RecordProblems>] = []
        outcomes.reserveCapacity(items.count)
        var seen: [String: Int] = [:]
        var windows: [DeriveKey: Derived] = [:]
        for item in items {
            switch item.outcome {
            case .failure(let problems):
                outcomes.append(.failure(problems))
            case .success(let record):
                let key = Self.key(record.category, record.documentNumber)
                if let first = seen[key] {
                    outcomes.append(.failure(RecordProblems([SubmissionRules.duplicateInBatch(record.documentNumber, first: first)])))
                } else {
                    seen[key] = item.index
                    outcomes.append(
                        .success(try Self.prepare(record, index: item.index, importID: importID, context: context, windows: &windows))
                    )
                }
            }
        }
        let ready = outcomes
        // Which records exist and which credit codes are known, read beside the previous batch's write (decision
        // 0007): inside the transaction only the records found are read again, and the codes not known. A record
        // stored since makes the insert fail on the unique key; the batch is then stored again, reading everything
        // inside its transaction.
        let codes = Set(ready.compactMap { try? $0.get().subjectCode })
        let numbers = Set(
            ready.compactMap { outcome -> String? in
                guard case .success(let prepared) = outcome, case .person(let number) = prepared.record.subject else { return nil }
                return number.rawValue
            }
        )
        let keys = keys
        let snapshot = try await db.read { sql in
            let known = try await Self.knownCodes(codes, sql: sql)
            return Snapshot(
                existing: try await Self.existing(ready.compactMap { try? $0.get().record }, department: departmentCode, sql: sql),
                known: known,
                unknown: codes.subtracting(known),
                persons: try await SQLRegistryStore.fetchPersonIDs(numbers, keys: keys, sql: sql)
            )
        }
        let engine = db.engine
        let encoded = try ready.map { outcome -> EncodedRows? in
            guard case .success(let prepared) = outcome, snapshot.existing[Self.key(prepared.record.category, prepared.record.documentNumber)] == nil
            else { return nil }
            // A person not registered yet is added under the lock.
            if case .person(let number) = prepared.record.subject, snapshot.persons[number.rawValue] == nil { return nil }
            let values = try Self.complete(
                prepared,
                countedFrom: context.receivedOn,
                known: snapshot.known,
                persons: snapshot.persons,
                context: context
            )
            var rows = Self.encodedRows(prepared, values: values, context: context, engine: engine)
            rows.unknownCode = prepared.subjectCode.flatMap { snapshot.known.contains($0) ? nil : $0 }
            return rows
        }
        try await after()
        do {
            return try await store(items, ready, encoded: encoded, snapshot: snapshot, source: source, importID: importID, context: context)
        } catch  where CreditDatabase.isUniqueViolation(error) {
            let none = [EncodedRows?](repeating: nil, count: ready.count)
            return try await store(items, ready, encoded: none, snapshot: nil, source: source, importID: importID, context: context)
        }
    }

    /// Stores a prepared batch in one transaction.
    /// - Parameters:
    ///   - encoded: by position, the rows of the records the snapshot found new and about an entity or a registered
    ///     person (all nil without a snapshot).
    ///   - snapshot: what was read before the transaction, or nil to read everything in it.
    func store(
        _ items: [SubmissionItem],
        _ ready: [Result<Prepared, RecordProblems>],
        encoded: [EncodedRows?],
        snapshot: Snapshot?,
        source: String,
        importID: String?,
        context: StoreContext
    ) async throws -> [SubmissionResult] {
        let departmentCode = context.department
        let receivedAt = context.receivedAt
        let engine = db.engine
        return try await db.transaction { sql, bulk in
            try await WriterLock.department(departmentCode).take(sql)
            var results = [SubmissionResult?](repeating: nil, count: items.count)
            var rejections: [(hash: String, row: [BulkValue])] = []
            // The credit codes the snapshot did not know, or every code: which are known now. A code still unknown may
            // be in a registration not committed yet, which marks as matched only the records committed before it:
            // wait for the registrations in progress, then read again (on SQLite none can be in progress).
            let unsure = snapshot?.unknown ?? Set(ready.compactMap { try? $0.get().subjectCode })
            var known = try await Self.knownCodes(unsure, sql: sql)
            if known.count < unsure.count, sql.isPostgreSQL {
                try await WriterLock.registry.take(sql)
                known.formUnion(try await Self.knownCodes(unsure.subtracting(known), sql: sql))
            }
            known.formUnion(snapshot?.known ?? [])
            // New records in the batch's order, their rows encoded (again, if their code was registered meanwhile);
            // the others, to be looked at under the lock.
            var fresh: [(position: Int, rows: EncodedRows)] = []
            fresh.reserveCapacity(items.count)
            var valid: [(position: Int, prepared: Prepared)] = []
            for (position, outcome) in ready.enumerated() {
                if let rows = encoded[position], !(rows.unknownCode.map(known.contains) ?? false) {
                    fresh.append((position, rows))
                    continue
                }
                switch outcome {
                case .failure(let problems):
                    rejections.append(try Self.rejectionRow(items[position], problems: problems.problems, source: source, context: context))
                    results[position] = SubmissionResult(index: items[position].index, status: .rejected, problems: problems.problems)
                case .success(let prepared):
                    valid.append((position, prepared))
                }
            }
            // Read under the department's lock: every record, or only those the snapshot found (they may have changed
            // since).
            var stored = valid.map(\.prepared.record)
            if let snapshot { stored.removeAll { snapshot.existing[Self.key($0.category, $0.documentNumber)] == nil } }
            let existing = try await Self.existing(stored, department: departmentCode, sql: sql)
            var versions: [(id: Int, rest: EncodedValues)] = []
            var log: [(id: Int, rest: EncodedValues)] = []
            // Records to store: new ones and new versions; a row sent again unchanged or twice in one file is answered.
            var changed: [(position: Int, prepared: Prepared, found: Existing?, countedFrom: LocalDate)] = []
            for (position, prepared) in valid {
                let record = prepared.record
                let index = items[position].index
                let found = existing[Self.key(record.category, record.documentNumber)]
                switch SubmissionRules.disposition(
                    documentNumber: record.documentNumber,
                    hash: prepared.hash,
                    stored: Self.stored(found),
                    importID: importID,
                    receivedOn: context.receivedOn
                ) {
                case .refused(let problem):
                    rejections.append(try Self.rejectionRow(items[position], problems: [problem], source: source, context: context))
                    results[position] = SubmissionResult(index: index, status: .rejected, problems: [problem])
                case .unchanged(let id):
                    results[position] = SubmissionResult(index: index, status: .unchanged, id: id)
                case .new(let receivedOn), .newVersion(_, _, let receivedOn):
                    changed.append((position, prepared, found, receivedOn))
                }
            }
            // Their persons, those not registered added together.
            let people = changed.compactMap { _, prepared, _, _ -> Person? in
                guard case .person(let number) = prepared.record.subject, snapshot?.persons[number.rawValue] == nil else { return nil }
                return Person(idNumber: number, name: prepared.record.subjectName)
            }
            let persons = try await SQLRegistryStore.personIDs(adding: people, keys: context.keys, sql: sql)
                .merging(snapshot?.persons ?? [:]) { added, _ in added }
            for (position, prepared, found, countedFrom) in changed {
                let index = items[position].index
                let values = try Self.complete(prepared, countedFrom: countedFrom, known: known, persons: persons, context: context)
                if let found {
                    // A correction or revocation: a new version of a record already stored.
                    let version = found.version + 1
                    var update = sql.update("records").set("version", to: SQLBind(version))
                    for (column, value) in zip(Self.plannedColumns, values) { update = update.set(SQLIdentifier(column), to: value.bind) }
                    try await update.where("id", .equal, found.id).run()
                    // A repair or an objection that ended its publication early still holds for the new version.
                    try await Self.keepEndedPublication(recordID: found.id, sql: sql)
                    versions.append(
                        (found.id, EncodedValues(Self.versionValues(prepared, values: values, version: version, context: context), for: engine))
                    )
                    log.append((found.id, EncodedValues(Self.logValues(prepared, version: version, context: context), for: engine)))
                    results[position] = SubmissionResult(index: index, status: .updated, id: found.id)
                } else {
                    fresh.append((position, Self.encodedRows(prepared, values: values, context: context, engine: engine)))
                }
            }
            // New records are numbered here, in the batch's order, so that they, their versions and their log entries
            // go in as bulk writes.
            fresh.sort { $0.position < $1.position }
            let ids = try await bulk.nextIDs(of: "records", count: fresh.count)
            var rows: [(id: Int, rest: EncodedValues)] = []
            rows.reserveCapacity(fresh.count)
            for ((position, encoded), id) in zip(fresh, ids) {
                rows.append((id, encoded.record))
                versions.append((id, encoded.version))
                log.append((id, encoded.log))
                results[position] = SubmissionResult(index: items[position].index, status: .accepted, id: id)
            }
            try await bulk.insert(into: "records", columns: Self.newRecordColumns, numbered: rows)
            try await bulk.insert(into: "record_versions", columns: Self.versionColumns, numbered: versions)
            if !log.isEmpty { try await WriterLock.log.take(sql) }
            try await bulk.insert(into: "log_entries", columns: Self.logColumns, numbered: log)
            // Documents stored now (new, or a new version) were corrected by resubmission: their open rejections are
            // resolved. This batch's own rejections are queued below, and stay open.
            var corrected: [String: [String]] = [:]
            for (item, result) in zip(items, results) {
                guard let result, result.status == .accepted || result.status == .updated, case .success(let record) = item.outcome else { continue }
                corrected[record.category, default: []].append(record.documentNumber)
            }
            try await Self.resolveCorrected(corrected, department: departmentCode, at: receivedAt, sql: sql)
            // A row sent again as it was, while its first rejection is still open, is answered again but not queued twice.
            let open = try await Self.openRejections(Set(rejections.map(\.hash)), department: departmentCode, sql: sql)
            var queued = Set<String>()
            rejections.removeAll { open.contains($0.hash) || !queued.insert($0.hash).inserted }
            try await bulk.insert(into: "rejections", columns: Self.rejectionColumns, rows: rejections.map(\.row))
            // What was stored with a warning (a legacy code in a file) says so.
            for (position, item) in items.enumerated() where results[position]?.status != .rejected {
                if case .success(let record) = item.outcome { results[position]?.warnings = record.warnings }
            }
            return results.compactMap { $0 }
        }
    }

    /// The current version of the batch's records that are already stored, by (category, document number).
    static func existing(_ records: [ValidRecord], department: String, sql: any SQLDatabase) async throws -> [String: Existing] {
        var found: [String: Existing] = [:]
        // By category too, so that the unique index (department, category, document number) answers each lookup.
        let byCategory = Dictionary(grouping: records, by: \.category).mapValues { Array(Set($0.map(\.documentNumber))) }
        for (category, numbers) in byCategory {
            for chunk in numbers.chunked(sql.listSize) {
                let rows = try await sql.raw(
                    """
                    SELECT r.id, r.category, r.document_number, r.version, r.received_at, r.import_id, r.import_position, v.content_hash
                    FROM records r
                    JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
                    WHERE r.department_code = \(bind: department) AND r.category = \(bind: category)
                    AND \(sql.oneOf("r.document_number", Array(chunk)))
                    """
                ).all()
                for row in rows {
                    found[key(try row.decode(column: "category", as: String.self), try row.decode(column: "document_number", as: String.self))] =
                        Existing(
                            id: try row.decode(column: "id", as: Int.self),
                            version: try row.decode(column: "version", as: Int.self),
                            receivedAt: try row.decode(column: "received_at", as: String.self),
                            hash: try row.decode(column: "content_hash", as: String.self),
                            importID: try row.decode(column: "import_id", as: String?.self),
                            importPosition: try row.decode(column: "import_position", as: Int?.self)
                        )
                }
            }
        }
        return found
    }

    /// Resolves the department's open rejections of these documents (document numbers by category): the rows
    /// were sent again, corrected. One look at the queue first: most batches find it empty.
    static func resolveCorrected(_ documents: [String: [String]], department: String, at time: String, sql: any SQLDatabase) async throws {
        guard !documents.isEmpty,
            try await sql.raw("SELECT 1 AS open FROM rejections WHERE department_code = \(bind: department) AND resolved_at IS NULL LIMIT 1")
                .first() != nil
        else { return }
        for (category, numbers) in documents {
            for chunk in numbers.chunked(sql.listSize) {
                try await sql.raw(
                    """
                    UPDATE rejections SET resolved_at = \(bind: time)
                    WHERE department_code = \(bind: department) AND resolved_at IS NULL AND category = \(bind: category)
                    AND \(sql.oneOf("document_number", Array(chunk)))
                    """
                ).run()
            }
        }
    }

    /// What identifies a refused row's document, as sent: its document number (a catalogue record's, a listing
    /// decision's), or for a registration its credit code; nil when the category is unknown or the value unreadable.
    static func documentNumber(_ fields: [String: String], category: String, catalogue: Catalogue) -> String? {
        let number: String?
        if category == EntityRegistration.category {
            number = fields["code"]?.trimmingASCIIWhitespace().uppercased()
        } else if category == ListingRequest.category {
            number = fields["documentNumber"]?.trimmingASCIIWhitespace()
        } else {
            number = catalogue.category(category) == nil ? nil : fields["documentNumber"]?.trimmingASCIIWhitespace()
        }
        guard let number, !number.isEmpty, number.utf8.count <= 400, !number.containsControlCharacter else { return nil }
        return number
    }

    /// Which of these rejected-row hashes are still open in the department's queue.
    static func openRejections(_ hashes: Set<String>, department: String, sql: any SQLDatabase) async throws -> Set<String> {
        var open = Set<String>()
        for chunk in Array(hashes).chunked(sql.listSize) {
            let rows = try await sql.raw(
                """
                SELECT original_hash FROM rejections WHERE department_code = \(bind: department) AND resolved_at IS NULL
                AND \(sql.oneOf("original_hash", Array(chunk)))
                """
            ).all()
            for row in rows { open.insert(try row.decode(column: "original_hash", as: String.self)) }
        }
        return open
    }

    /// Which of these credit codes the registry knows.
    static func knownCodes(_ codes: Set<String>, sql: any SQLDatabase) async throws -> Set<String> {
        var known = Set<String>()
        for chunk in Array(codes).chunked(sql.listSize) {
            for row in try await sql.raw("SELECT code FROM entities WHERE \(sql.oneOf("code", Array(chunk)))").all() {
                known.insert(try row.decode(column: "code", as: String.self))
            }
        }
        return known
    }

    /// Works out, without the database, a record's subject, content, hash, first log leaf and — as if it were
    /// new — the values of its row.
    /// - Parameter windows: the clocks and windows worked out so far in this batch (records of a batch share a
    ///   few decision dates, and the result depends on nothing else of the record).
    static func prepare(
        _ record: ValidRecord,
        index: Int,
        importID: String?,
        context: StoreContext,
        windows: inout [DeriveKey: Derived]
    ) throws -> Prepared {
        let subjectCode: String?
        let subjectRef: String
        switch record.subject {
        case .entity(let code):
            subjectCode = code.rawValue
            subjectRef = code.rawValue
        case .person(let number):
            subjectCode = nil
            subjectRef = context.keys.index(number.rawValue)
        }
        let content = canonical(record.content)
        let status = record.status.rawValue
        let decidedOn = record.decidedOn.description
        let windowKey = DeriveKey(record, receivedOn: context.receivedOn)
        let derived: Derived
        if let known = windows[windowKey] {
            derived = known
        } else {
            derived = try derive(record, receivedOn: context.receivedOn, context: context)
            windows[windowKey] = derived
        }
        let leaf = versionLeaf(
            department: context.department,
            category: record.category,
            documentNumber: record.documentNumber,
            version: 1,
            status: status,
            subject: subjectRef,
            subjectName: record.subjectName,
            decidedOn: decidedOn,
            severity: record.severity?.rawValue,
            content: content,
            changeReason: record.changeReason,
            recordedAt: context.receivedAt
        )
        // In the order of `plannedColumns`; the person's row, `matched` and the clock and window are filled in below.
        var values: [BulkValue] = [
            .text(status), BulkValue(subjectCode), .null, .text(record.subjectName), .integer(1), .text(decidedOn), .null, .null, .null, .null, .null,
            BulkValue(record.severity?.rawValue), .text(content), .text(context.catalogue.version), .null, .null, .null, .null, .null,
            .null, .null, BulkValue(try record.representativeIdNumber.map(context.keys.seal)), .null, .null, .null, .null,
            .text(context.receivedAt), BulkValue(importID), BulkValue(importID == nil ? nil : index),
        ]
        derived.put(into: &values)
        return Prepared(
            record: record,
            subjectCode: subjectCode,
            subjectRef: subjectRef,
            decidedOn: decidedOn,
            content: content,
            hash: contentHash(record, subject: subjectRef, content: content),
            status: status,
            values: values,
            firstLeaf: MerkleTree.hex(MerkleTree.leafHash(leaf))
        )
    }

    /// A record's clock and window, given the day it was first received.
    static func derive(_ record: ValidRecord, receivedOn: LocalDate, context: StoreContext) throws -> Derived {
        guard let category = context.catalogue.category(record.category) else {
            throw RecordError(code: "unknown_category", message: "类别 \(record.category) 不在目录中 / not in the catalogue")
        }
        let clockDays = category.deadlineWorkingDays
        let timeliness = clockDays.map {
            Timeliness(decidedOn: record.decidedOn, receivedOn: receivedOn, workingDays: $0, calendar: context.calendar)
        }
        var publication: PublicationWindow?
        var notPublished: String?
        switch PublicationWindow.compute(
            category: category,
            severity: record.severity,
            punishmentKinds: record.punishmentKinds,
            procedure: record.procedure,
            aboutPerson: record.subject.isPerson,
            listedUntil: record.content["listedUntil"].flatMap { LocalDate($0) },
            uncorrectedUntil: record.content["uncorrectedUntil"].flatMap { LocalDate($0) },
            revoked: record.revoked,
            departmentName: context.departmentName,
            decidedOn: record.decidedOn,
            receivedOn: receivedOn,
            rules: context.rules
        ) {
        case .success(let window): publication = window
        case .failure(let reason): notPublished = reason.rawValue
        }
        // Timed from the revocation to the day the revocation itself arrived (not the record's first receipt).
        let withdrawal = record.revokedOn.flatMap { revokedOn in
            context.rules.set(on: revokedOn)?.withdrawalWorkingDays.map {
                Withdrawal(revokedOn: revokedOn, receivedOn: context.receivedOn, workingDays: $0, calendar: context.calendar)
            }
        }
        return Derived(
            clockDays: clockDays,
            dueBy: (timeliness?.dueBy ?? record.decidedOn).description,
            late: timeliness?.late == true ? 1 : 0,
            delay: timeliness?.delayWorkingDays ?? 0,
            estimated: timeliness?.estimated == true ? 1 : 0,
            ruleSet: publication?.ruleSet,
            from: publication?.from.description,
            earliestEnd: publication?.earliestEnd.description,
            until: publication?.until.description,
            maxUntil: publication?.maxUntil?.description,
            notPublished: notPublished,
            withdrawal: withdrawal,
            revokedOn: record.revokedOn?.description
        )
    }

    /// Completes a prepared row with what the database says: the person's row (from `persons`, by identity
    /// number), whether the registry knows the credit code, and its clock and window counted from `countedFrom` (for a
    /// correction, the first receipt: ``SubmissionRules``).
    static func complete(
        _ prepared: Prepared,
        countedFrom: LocalDate,
        known: Set<String>,
        persons: [String: Int],
        context: StoreContext
    ) throws -> [BulkValue] {
        var values = prepared.values
        switch prepared.record.subject {
        case .entity(let code):
            if !known.contains(code.rawValue) { values[plannedColumn("matched")] = .integer(0) }
        case .person(let number):
            values[plannedColumn("subject_person_id")] = .integer(try SQLRegistryStore.lookup(persons, number.rawValue))
        }
        if countedFrom != context.receivedOn {
            try derive(prepared.record, receivedOn: countedFrom, context: context).put(into: &values)
        }
        return values
    }

    /// The columns of `records` that ``prepare(_:index:importID:context:windows:)`` works out, in the order of
    /// ``Prepared/values``, ending with the import that stored the record and its line.
    static let plannedColumns = [
        "status", "subject_code", "subject_person_id", "subject_name", "matched", "decided_on", "clock_days", "due_by", "late",
        "delay_working_days", "clock_estimated",
        "severity", "content", "catalogue_version", "rule_set", "public_from", "earliest_end", "public_until", "public_max_until",
        "not_published", "revoked_on", "representative_id_enc", "withdrawal_days", "withdrawal_due_by", "withdrawal_late", "withdrawal_delay",
        "updated_at",
        "import_id",
        "import_position",
    ]

    /// Where a column stands in ``plannedColumns``.
    static func plannedColumn(_ name: String) -> Int {
        guard let index = plannedColumns.firstIndex(of: name) else { preconditionFailure("\(name) is not a planned column") }
        return index
    }

    static let newRecordColumns = ["id", "department_code", "category", "document_number", "version", "received_at"] + plannedColumns

    static let versionColumns = [
        "record_id", "version", "status", "subject_code", "subject_person_id", "subject_name", "decided_on", "severity", "content", "content_hash",
        "change_reason", "recorded_at",
    ]

    static let rejectionColumns = [
        "department_code", "received_at", "source", "position", "category", "document_number", "original", "problems", "fields",
        "original_hash", "sealed",
    ]

    /// A new record's three rows but for its number (first in ``newRecordColumns``, ``versionColumns`` and
    /// ``logColumns``); `values` are the record's, completed.
    static func encodedRows(_ p: Prepared, values: [BulkValue], context: StoreContext, engine: CreditDatabase.Engine) -> EncodedRows {
        let record: [BulkValue] =
            [.text(context.department), .text(p.record.category), .text(p.record.documentNumber), .integer(1), .text(context.receivedAt)] + values
        return EncodedRows(
            record: EncodedValues(record, for: engine),
            version: EncodedValues(versionValues(p, values: values, version: 1, context: context), for: engine),
            log: EncodedValues(logValues(p, version: 1, context: context), for: engine)
        )
    }

    /// A version row but its record's number; `values` are the record's (for the person's row).
    static func versionValues(_ p: Prepared, values: [BulkValue], version: Int, context: StoreContext) -> [BulkValue] {
        [
            .integer(version), .text(p.status), BulkValue(p.subjectCode), values[plannedColumn("subject_person_id")],
            .text(p.record.subjectName), .text(p.decidedOn),
            BulkValue(p.record.severity?.rawValue), .text(p.content), .text(p.hash), BulkValue(p.record.changeReason), .text(context.receivedAt),
        ]
    }

    /// The columns of a record's log entry (``TamperEvidentLog/logColumns``), its number first.
    static let logColumns = ["subject_id"] + TamperEvidentLog.logColumns.filter { $0 != "subject_id" }

    /// A log entry but its record's number.
    static func logValues(_ p: Prepared, version: Int, context: StoreContext) -> [BulkValue] {
        let leafHash: String
        if version == 1 {
            leafHash = p.firstLeaf
        } else {
            let leaf = versionLeaf(
                department: context.department,
                category: p.record.category,
                documentNumber: p.record.documentNumber,
                version: version,
                status: p.status,
                subject: p.subjectRef,
                subjectName: p.record.subjectName,
                decidedOn: p.decidedOn,
                severity: p.record.severity?.rawValue,
                content: p.content,
                changeReason: p.record.changeReason,
                recordedAt: context.receivedAt
            )
            leafHash = MerkleTree.hex(MerkleTree.leafHash(leaf))
        }
        return [.text(versionKind), .integer(version), .text(leafHash), .text(context.receivedAt)]
    }

    /// A row of the rejection queue: the item as it was sent and its fields, sealed (they may hold identity and
    /// phone numbers), and every problem (their values masked); and its keyed hash (of the item as sent and the
    /// problems), which finds it again while it is open.
    static func rejectionRow(
        _ item: SubmissionItem,
        problems: [FieldProblem],
        source: String,
        context: StoreContext
    ) throws -> (hash: String, row: [BulkValue]) {
        var category = item.category
        var documentNumber: String?
        if case .success(let record) = item.outcome {
            category = record.category
            documentNumber = record.documentNumber
        } else if let code = category, let number = Self.documentNumber(item.fields, category: code, catalogue: context.catalogue) {
            // A row of a known category with a readable document number: sent again corrected, it resolves this.
            documentNumber = number
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let problemsText = String(decoding: try encoder.encode(problems), as: UTF8.self)
        let hash = context.keys.index(item.original + "\u{1F}" + problemsText)
        let row: [BulkValue] = [
            .text(context.department), .text(context.receivedAt), .text(source), .integer(item.index), BulkValue(category), BulkValue(documentNumber),
            .text(try context.keys.seal(item.original)), .text(problemsText), .text(try context.keys.seal(canonical(item.fields))), .text(hash),
            .integer(1),
        ]
        return (hash, row)
    }
}
