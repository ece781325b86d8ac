import CrescentCore
import CrescentPersistence
import GRDB
import Testing
@testable import CrescentStore

/// Issue 17 (issuing speed): new runs key their rows with zero-padded member ids, in member
/// order; a run half-finished under the previous schema resumes with its old keys, so a step
/// already written is found and nothing is issued twice.
@Suite struct IssueWritesMigrationTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    static let t0 = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 2)
    static let spec = CouponSpec(kind: .amountOff(Money(major: 10), minSpend: Money(major: 50)),
                                 limits: ClaimLimits(), useWindow: .relative(validDays: 14), type: "t10")
    static let request = GuardRequest(campaign: "winback_q4", businessLine: "line", channels: ["sms"], coupon: spec)

    /// A store migrated only up to `v10` (the schema before padded keys) holding a launch of
    /// `winback` (entry `launch-1`, members 1...20) stopped half-way, as that schema wrote it:
    /// members 1...10 issued and done; 11...20 entered and due, member 11's step written but its
    /// position not (a batch replayed after its rows landed); and a finished run `old-done`.
    func halfFinishedStoreOfThePreviousSchema() throws -> String {
        let path = files.dir + "/previous.sqlite"
        let queue = try DatabaseQueue(path: path)
        try CrescentStore.migrator.migrate(queue, upTo: "v10 journeys due in member order")
        try queue.write { db in
            func journey(_ entry: String, _ member: Int64, done: Bool) throws {
                try db.execute(sql: """
                    INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, updated_at)
                    VALUES ('winback', ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [member, entry, Self.t0.seconds, done ? 1 : 0, done ? nil : Self.t0.seconds,
                                     done ? "done" : "active", Self.t0.seconds])
            }
            func delivery(_ entry: String, _ member: Int64) throws {
                try db.execute(sql: """
                    INSERT INTO deliveries(idempotency_key, run_id, playbook, step, member_id, channel, state, time, campaign)
                    VALUES (?, ?, 'winback', 0, ?, 'sms', 'pending', ?, 'winback_q4')
                    """, arguments: ["\(entry)/winback/0/\(member)", entry, member, Self.t0.seconds])
            }
            for m in Int64(1)...20 {
                try journey("launch-1", m, done: m <= 10)
                if m <= 11 {
                    try delivery("launch-1", m)
                    try db.execute(sql: """
                        INSERT INTO coupon_ledger(idempotency_key, run_id, playbook, member_id, coupon_type, channel,
                          issued_at, value_minor, campaign)
                        VALUES (?, 'launch-1', 'winback', ?, 't10', 'sms', ?, 1000, 'winback_q4')
                        """, arguments: ["launch-1/winback/0/\(m)", m, Self.t0.seconds])
                }
            }
            try db.execute(sql: """
                INSERT INTO points_ledger(idempotency_key, member_id, delta, reason, time, kind) VALUES ('earn:1', 1, 50, 'x', 0, 'earn');
                INSERT INTO delivery_attempts(idempotency_key, attempt, status, plugin, channel, member_id, at)
                  VALUES ('launch-1/winback/0/1', 1, 'sent', 'sms', 'sms', 1, 1.5);
                """)
            // Member 1 redeemed: the event points at the coupon row, which the upgrade rebuilds.
            try db.execute(sql: """
                UPDATE coupon_ledger SET state = 'redeemed', redeemed_at = ?, discount_minor = 1000 WHERE member_id = 1;
                INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, time)
                  SELECT 'redeem:1', id, 'redeem', 1, ? FROM coupon_ledger WHERE member_id = 1
                """, arguments: [Self.t0.seconds + 60, Self.t0.seconds + 60])
            try journey("old-done", 5, done: true)
            try delivery("old-done", 5)
        }
        try queue.close()
        return path
    }

    /// Commits one batch issuing to `journeys` (each to its step 0), as a launch's batch does.
    func issue(_ store: CrescentStore, _ journeys: [Journey]) throws {
        try store.journeyBatch(allHistory: false, offers: OfferInternCache())
            .commit(members: journeys.map(\.member), at: Self.t0, campaigns: []) { _ in
                journeys.map { j in
                    var moved = j
                    moved.step = 1; moved.nextDue = nil; moved.state = .done
                    return JourneyWrite(journey: moved, member: Member(id: j.member, joinDate: Day(year: 2025, month: 1, day: 1),
                                                                       consent: ["sms"]),
                                        step: 0, decision: .issue(channel: "sms"), request: Self.request,
                                        offer: (cacheKey: "t10", grant: .coupon(Self.spec), variables: [:]))
                }
            }
    }

    @Test func aHalfFinishedRunResumesWithItsOldKeysAndIssuesNothingTwice() throws {
        let store = try CrescentStore(path: try halfFinishedStoreOfThePreviousSchema())
        let legacy = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT run_id, playbook FROM legacy_key_runs").map { [$0[0] as String, $0[1] as String] }
        }
        #expect(legacy == [["launch-1", "winback"]], "only the run with open journeys keeps its format")

        let due = try store.dueJourneys(playbook: "winback", now: Self.t0, limit: 100)
        #expect(due.map(\.member) == Array(11...20))
        try issue(store, due)
        try issue(store, due) // the same batch again (a retry after a lost reply) changes nothing

        let launch = try store.snapshot().deliveries.filter { $0.runId == "launch-1" }
        #expect(launch.count == 20, "one delivery per member, member 11's step found under its old key")
        #expect(launch.map(\.idempotencyKey).sorted() == (1...20).map { "launch-1/winback/0/\($0)" }.sorted())
        let coupons = try store.snapshot().coupons.filter { $0.runId == "launch-1" }
        #expect(coupons.map(\.member).sorted() == Array(1...20), "member 11 was issued before: no second coupon")
        #expect(coupons.first { $0.member == 1 }?.state == "redeemed")
        let event = try #require(try store.snapshot().couponEvents.first)
        #expect(event.coupon == coupons.first { $0.member == 1 }?.id, "the redemption still points at its coupon")
        #expect(try store.issueTotals(IssueScope(runId: "launch-1", playbook: "winback")).issued == 20)
        #expect(try store.dueJourneys(playbook: "winback", now: Self.t0, limit: 100).isEmpty)

        // A run begun after the migration pads its keys, in member order.
        let fresh = [9, 10, 11].map { Journey(playbook: "winback", member: $0, entryKey: "launch-2", enteredAt: Self.t0,
                                              nextDue: Self.t0) }
        try store.beginJourneys(fresh, at: Self.t0)
        try issue(store, fresh)
        let keys = try store.snapshot().deliveries.filter { $0.runId == "launch-2" }.map(\.idempotencyKey)
        #expect(keys == ["launch-2/winback/0/000000000009", "launch-2/winback/0/000000000010",
                         "launch-2/winback/0/000000000011"])
        #expect(keys == keys.sorted())
        #expect(try store.issueTotals(IssueScope(runId: "launch-2", playbook: "winback")).issued == 3)
    }

    @Test func theUpgradeDropsTheRedundantJourneyIndexAndStillFindsTheLatestJourney() throws {
        let store = try CrescentStore(path: try halfFinishedStoreOfThePreviousSchema())
        let indexes = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journeys'")
                .map { $0["name"] as String }
        }
        #expect(!indexes.contains("journeys_latest"))
        let couponIndexes = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'coupon_ledger'")
                .map { $0["name"] as String }
        }
        #expect(couponIndexes == ["coupon_ledger_member"], "no key index of its own: the delivery's makes it once per key")
        #expect(try store.writer.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        #expect(try store.snapshot().points.map(\.delta) == [50])
        #expect(try store.snapshot().attempts.map(\.status) == [.sent])
        // The rebuilt tables still refuse a state outside their lists (now `=`/`OR`, not `IN`).
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "UPDATE journeys SET state = 'paused' WHERE member_id = 15") }
        }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "UPDATE coupon_ledger SET state = 'lost' WHERE member_id = 2") }
        }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "UPDATE points_ledger SET kind = 'gift'") }
        }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "UPDATE delivery_attempts SET status = 'lost'") }
        }
        // No statement of the issuing path builds a temporary B-tree for its state check any more.
        let ephemeral = try store.writer.read { db in
            try [
                "INSERT INTO journeys(playbook, member_id, entry_key, entered_at, state, updated_at) VALUES ('p', 1, 'e', 0, 'active', 0)",
                "UPDATE journeys SET state = 'done' WHERE playbook = 'p' AND member_id = 1 AND entry_key = 'e'",
                "INSERT INTO coupon_ledger(idempotency_key, run_id, playbook, member_id, coupon_type, issued_at) VALUES ('k', 'r', 'p', 1, 't', 0)",
                "INSERT INTO points_ledger(idempotency_key, member_id, delta, reason, time) VALUES ('k', 1, 5, 'x', 0)",
                """
                INSERT INTO delivery_attempts(idempotency_key, attempt, status, plugin, channel, member_id, at)
                VALUES ('k', 1, 'sent', 'sms', 'sms', 1, 0)
                """,
            ].filter { sql in try Row.fetchAll(db, sql: "EXPLAIN " + sql).contains { ($0["opcode"] as String) == "OpenEphemeral" } }
        }
        #expect(ephemeral.isEmpty, "\(ephemeral)")
        let due = try store.dueJourneys(playbook: "winback", now: Self.t0, limit: 100)
        #expect(due.map(\.member) == Array(11...20), "the rebuilt journeys_due index serves the due scan")
        #expect(try store.latestJourneys(playbook: "winback", members: [5, 15, 99]).mapValues(\.entryKey)
                == [5: "old-done", 15: "launch-1"])
    }

    @Test func paddedKeysSortInMemberOrderAndStayUnique() {
        let scope = IssueScope(runId: "r", playbook: "p", step: 2)
        let ids: [Int64] = [0, 7, 9, 10, 99, 100, 123_456_789, 999_999_999_999]
        let keys = ids.map { scope.key(member: $0) }
        #expect(keys == keys.sorted())
        #expect(keys[1] == "r/p/2/000000000007")
        #expect(IssueScope(runId: "r", playbook: "p", step: 2, keyFormat: .legacy).key(member: 7) == "r/p/2/7")
        // Ids past the padding or below zero are written as they are: unique, no longer in order.
        let odd: [Int64] = [1_000_000_000_000, -7, 7]
        #expect(Set(odd.map { scope.key(member: $0) }).count == 3)
        #expect(scope.key(member: -7) == "r/p/2/-7")
    }
}
