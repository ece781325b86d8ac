import CrescentCore
import CrescentPersistence
import GRDB
import Testing
@testable import CrescentStore

/// Issue 17 (issuing speed): `v13` adds `launches_entering` (a launch now writes each journey
/// with its first step, batch by batch) and journeys are saved by row id. A store of the
/// previous schema keeps working: its finished launch counts as entered (no mark), and its
/// run under way resumes, the journeys read back with their row ids and moved by them.
@Suite struct LaunchEntryMigrationTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    static let t0 = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 2)
    static let request = GuardRequest(campaign: "winback", businessLine: "line", channels: ["sms"])

    /// A store migrated up to `v12` holding launch `launch-1` of `winback` as that schema wrote
    /// it: members 1...5 finished (step 0 written, done), members 6...8 with step 0 written and
    /// their reminder (step 1) due at `t0`.
    func storeOfThePreviousSchema() throws -> String {
        let path = files.dir + "/previous.sqlite"
        let queue = try DatabaseQueue(path: path)
        try CrescentStore.migrator.migrate(queue, upTo: "v12 member changes")
        try queue.write { db in
            for m in Int64(1)...8 {
                let done = m <= 5
                try db.execute(sql: """
                    INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, updated_at)
                    VALUES ('winback', ?, 'launch-1', ?, 1, ?, ?, ?)
                    """, arguments: [m, Self.t0.seconds, done ? nil : Self.t0.seconds, done ? "done" : "active", Self.t0.seconds])
                try db.execute(sql: """
                    INSERT INTO deliveries(idempotency_key, run_id, playbook, step, member_id, channel, state, time, campaign)
                    VALUES (?, 'launch-1', 'winback', 0, ?, 'sms', 'pending', ?, 'winback')
                    """, arguments: [IssueScope(runId: "launch-1", playbook: "winback").key(member: m), m, Self.t0.seconds])
            }
        }
        try queue.close()
        return path
    }

    /// One batch writing the reminder (step 1) of `journeys`, moving each to done.
    func remind(_ store: CrescentStore, _ journeys: [Journey]) throws {
        try store.journeyBatch(allHistory: false, offers: OfferInternCache())
            .commit(members: journeys.map(\.member), at: Self.t0, campaigns: []) { _ in
                journeys.map { j in
                    var moved = j
                    moved.step = 2; moved.nextDue = nil; moved.state = .done
                    return JourneyWrite(journey: moved, member: Member(id: j.member, joinDate: Day(year: 2025, month: 1, day: 1),
                                                                       consent: ["sms"]),
                                        step: 1, decision: .issue(channel: "sms"), request: Self.request, offer: nil)
                }
            }
    }

    @Test func aLaunchOfThePreviousSchemaCountsAsEnteredAndItsRunResumesByRowId() throws {
        let store = try CrescentStore(path: try storeOfThePreviousSchema())
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM launches_entering") } == 0)
        // What `LiveJourneys.launch` asks: entries exist and no mark, so nobody enters again.
        #expect(try store.journeyEntryExists(playbook: "winback", entryKey: "launch-1"))
        #expect(try !store.launchEntering(playbook: "winback", entryKey: "launch-1"))

        let due = try store.dueJourneys(playbook: "winback", now: Self.t0, limit: 100)
        #expect(due.map(\.member) == [6, 7, 8])
        let ids = try store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM journeys WHERE member_id IN (6, 7, 8) ORDER BY member_id")
        }
        #expect(due.map(\.rowId) == ids, "the due read hands over each journey's row id")
        try remind(store, due)
        try remind(store, due) // the same batch again (a retry) writes no second reminder

        let reminders = try store.snapshot().deliveries.filter { $0.step == 1 }
        #expect(reminders.map(\.member).sorted() == [6, 7, 8])
        let journeys = try store.snapshot().journeys
        #expect(journeys.count == 8)
        #expect(journeys.filter { $0.member >= 6 }.allSatisfy { $0.step == 2 && $0.state == .done })
        #expect(journeys.filter { $0.member <= 5 }.allSatisfy { $0.step == 1 && $0.state == .done }, "the finished ones untouched")
        #expect(try store.dueJourneys(playbook: "winback", now: Self.t0, limit: 100).isEmpty)

        // A launch begun now is marked while its members enter, and unmarked after.
        try store.markLaunchEntering(playbook: "winback", entryKey: "launch-2", at: Self.t0)
        try store.markLaunchEntering(playbook: "winback", entryKey: "launch-2", at: Self.t0)
        #expect(try store.launchEntering(playbook: "winback", entryKey: "launch-2"))
        #expect(try !store.launchEntering(playbook: "other", entryKey: "launch-2"))
        try store.markLaunchEntered(playbook: "winback", entryKey: "launch-2")
        #expect(try !store.launchEntering(playbook: "winback", entryKey: "launch-2"))
    }
}
