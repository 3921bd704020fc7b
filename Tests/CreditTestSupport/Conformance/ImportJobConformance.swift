import CreditCore
import CreditDemo
import CreditStore
import Foundation
import Testing

/// What every ``ImportJobStore`` promises.
public enum ImportJobConformance {
    static func create(_ store: any ImportJobStore, department: String = DemoCity.departments[1].code, file: String) async throws -> ImportJob {
        try await store.create(departmentCode: department, accountID: nil, category: "penalty", encoding: "auto", filename: file, sizeBytes: 120)
    }

    public static let behaviours: [PortBehaviour] = [
        PortBehaviour("a job waits for its file, is started once, and keeps the progress and outcome it is given") { world in
            try await world.seed(1)
            let store = world.stores.imports
            let job = try await create(store, file: "处罚.csv")
            #expect(job.status == .waiting && job.filename == "处罚.csv" && job.sizeBytes == 120)
            #expect(try await store.start(id: job.id, server: "a"))
            #expect(try await store.start(id: job.id, server: "b") == false, "a file is accepted once")
            var summary = ImportSummary()
            summary.rows = 3
            summary.accepted = 2
            summary.rejected = 1
            summary.bytes = 120
            try await store.update(id: job.id, status: .running, summary: summary, error: nil)
            #expect(try await store.fetch(id: job.id)?.summary == summary)
            try await store.update(id: job.id, status: .done, summary: summary, error: nil)
            let done = try #require(try await store.fetch(id: job.id))
            #expect(done.status == .done && done.summary.accepted == 2 && done.summary.rejected == 1 && done.error == nil)
            #expect(try await store.fetch(id: job.id + 1000) == nil)
        },
        PortBehaviour("recent jobs are listed newest first, for one department or for all") { world in
            try await world.seed(1)
            let store = world.stores.imports
            let (one, two) = (DemoCity.departments[1].code, DemoCity.departments[2].code)
            let a = try await create(store, department: one, file: "a.csv")
            let b = try await create(store, department: two, file: "b.csv")
            let c = try await create(store, department: one, file: "c.csv")
            #expect(try await store.recent(departmentCode: one, limit: 10).map(\.id) == [c.id, a.id])
            #expect(try await store.recent(departmentCode: nil, limit: 2).map(\.id) == [c.id, b.id])
        },
        PortBehaviour("a running job is failed as interrupted when its server starts again, or when nobody has touched it for long") { world in
            try await world.seed(1)
            let store = world.stores.imports
            let mine = try await create(store, file: "mine.csv")
            let theirs = try await create(store, file: "theirs.csv")
            let waiting = try await create(store, file: "waiting.csv")
            #expect(try await store.start(id: mine.id, server: "a"))
            #expect(try await store.start(id: theirs.id, server: "b"))
            #expect(try await store.failInterrupted(restarting: "a") == 1)
            #expect(try await store.fetch(id: mine.id)?.status == .failed)
            #expect(try await store.fetch(id: mine.id)?.error == ImportJob.interrupted)
            #expect(try await store.fetch(id: theirs.id)?.status == .running, "another server's job runs on")
            // Server b keeps its job alive; once it stops touching it for longer than allowed, anyone may fail it.
            world.clock.advance(by: ImportJob.abandonedAfter - 1)
            try await store.touch(id: theirs.id)
            world.clock.advance(by: ImportJob.abandonedAfter - 1)
            #expect(try await store.failInterrupted(restarting: nil) == 0, "touched within the allowance")
            world.clock.advance(by: 2)
            #expect(try await store.failInterrupted(restarting: nil) == 1)
            #expect(try await store.fetch(id: theirs.id)?.status == .failed)
            #expect(try await store.fetch(id: waiting.id)?.status == .waiting, "a job still waiting for its file is left alone")
        },
        PortBehaviour("a column mapping is kept per department and category, replaced when saved again, and forgotten on request") { world in
            try await world.seed(1)
            let store = world.stores.imports
            let (one, two) = (DemoCity.departments[1].code, DemoCity.departments[2].code)
            #expect(try await store.columnMapping(departmentCode: one, category: "penalty") == nil)
            let first = ColumnMapping(columns: [.init(column: "企业名称", field: "subjectName"), .init(column: "经办人", field: nil)])
            let saved = try await store.saveColumnMapping(departmentCode: one, category: "penalty", mapping: first, accountID: 7)
            let read = try #require(try await store.columnMapping(departmentCode: one, category: "penalty"))
            #expect(read == saved && read.mapping == first && read.accountID == 7, "the ignored column stays ignored")
            #expect(try await store.columnMapping(departmentCode: one, category: "license") == nil, "per category")
            #expect(try await store.columnMapping(departmentCode: two, category: "penalty") == nil, "per department")
            world.clock.advance(by: 60)
            let second = ColumnMapping(columns: [.init(column: "单位名称", field: "subjectName")])
            _ = try await store.saveColumnMapping(departmentCode: one, category: "penalty", mapping: second, accountID: nil)
            let replaced = try #require(try await store.columnMapping(departmentCode: one, category: "penalty"))
            #expect(replaced.mapping == second && replaced.accountID == nil && replaced.savedAt > read.savedAt)
            #expect(try await store.deleteColumnMapping(departmentCode: one, category: "penalty"))
            #expect(try await store.columnMapping(departmentCode: one, category: "penalty") == nil)
            #expect(try await store.deleteColumnMapping(departmentCode: one, category: "penalty") == false, "nothing left to forget")
        },
    ]
}
