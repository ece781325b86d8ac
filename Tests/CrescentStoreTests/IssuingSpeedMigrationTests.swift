import CrescentCore
import GRDB
import Testing
@testable import CrescentStore

/// Issue 17 (issuing speed): a store written by the previous schema upgrades, and the due
/// journeys come off the `(next_due_at, member_id)` index in order, without a sort.
@Suite struct IssuingSpeedMigrationTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    static let t0 = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 2)

    /// A file store migrated only up to `v9 columnar generation` (the schema before this change),
    /// holding journeys written as that schema wrote them.
    func storeOfThePreviousSchema() throws -> String {
        let path = files.dir + "/previous.sqlite"
        let queue = try DatabaseQueue(path: path)
        try CrescentStore.migrator.migrate(queue, upTo: "v9 columnar generation")
        try queue.write { db in
            // Member ids inserted out of order, two due times, one journey done.
            for (member, due, state) in [(30, 60, "active"), (10, 60, "active"), (20, 0, "active"), (40, 0, "done")] {
                try db.execute(sql: """
                    INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, updated_at)
                    VALUES ('winback', ?, 'run-1', ?, 0, ?, ?, ?)
                    """, arguments: [member, Self.t0.seconds, state == "done" ? nil : Self.t0.seconds + Int64(due), state,
                                     Self.t0.seconds])
            }
        }
        try queue.close()
        return path
    }

    @Test func aStoreOfThePreviousSchemaUpgradesAndKeepsItsJourneys() throws {
        let store = try CrescentStore(path: try storeOfThePreviousSchema())
        let due = try store.dueJourneys(playbook: "winback", now: Self.t0.adding(seconds: 60), limit: 10)
        #expect(due.map(\.member) == [20, 10, 30])
        #expect(try store.dueJourneys(playbook: "winback", now: Self.t0.adding(seconds: 60), limit: 2).map(\.member) == [20, 10])
        #expect(try store.dueJourneys(playbook: "winback", now: Self.t0, limit: 10).map(\.member) == [20])
        #expect(try store.dueJourneys(playbook: "winback", now: Self.t0.adding(seconds: 60), limit: 10, members: [30, 40])
            .map(\.member) == [30])

        let columns = try store.writer.read { db in
            try Row.fetchAll(db, sql: "PRAGMA index_info('journeys_due')").map { $0["name"] as String }
        }
        #expect(columns == ["next_due_at", "member_id"])
        let plan = try store.writer.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT * FROM journeys INDEXED BY journeys_due
                WHERE state = 'active' AND next_due_at <= 0 AND playbook = 'x' ORDER BY next_due_at, member_id LIMIT 5
                """).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("journeys_due") })
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test func journeysWrittenThroughPreparedStatementsReadBackWhole() throws {
        let store = try CrescentStore(path: try storeOfThePreviousSchema())
        var moved = try #require(try store.latestJourneys(playbook: "winback", members: [10, 99])[10])
        #expect(try store.latestJourneys(playbook: "winback", members: [10, 99]).keys.sorted() == [10])
        moved.step = 1
        moved.nextDue = Self.t0.adding(seconds: 86_400)
        moved.offerVariablesId = 7
        try store.saveJourneys([moved], at: Self.t0)
        #expect(try store.journeys(member: 10) == [moved])

        // A second entry of the same member is the latest; beginning it again changes nothing.
        var again = Journey(playbook: "winback", member: 10, entryKey: "run-2", enteredAt: Self.t0.adding(seconds: 5),
                            nextDue: nil, state: .exited, exitReason: "no_offer")
        try store.beginJourneys([again, again], at: Self.t0)
        #expect(try store.latestJourneys(playbook: "winback", members: [10])[10] == again)
        #expect(try store.journeys(member: 10) == [again, moved])
        again.exitReason = "changed"
        try store.beginJourneys([again], at: Self.t0)
        #expect(try store.journeys(member: 10).first?.exitReason == "no_offer")
    }
}
