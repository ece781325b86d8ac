import CrescentCore
import CrescentPersistence
import Testing
@testable import CrescentPostgres

/// Issue 17 (issuing speed) on PostgreSQL: new runs key their rows with zero-padded member ids;
/// a run open when the store moved to them (listed in `legacy_key_runs` by the migration)
/// resumes with its old keys, so a step already written is found and not issued twice.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped), .serialized)
struct PostgresIssueKeysTests {
    let spec = CouponSpec(kind: .amountOff(Money(major: 20), minSpend: Money(major: 100)),
                          limits: ClaimLimits(), useWindow: .relative(validDays: 14), type: "winback")
    var request: GuardRequest { GuardRequest(campaign: "winback_q4", businessLine: "beauty", channels: ["sms"], coupon: spec) }

    func issue(_ store: PostgresStore, _ journeys: [Journey]) throws {
        try store.journeyBatch(allHistory: false, offers: OfferInternCache())
            .commit(members: journeys.map(\.member), at: t0, campaigns: []) { _ in
                journeys.map { j in
                    var moved = j
                    moved.step = 1; moved.nextDue = nil; moved.state = .done
                    return JourneyWrite(journey: moved, member: member(j.member), step: 0, decision: .issue(channel: "sms"),
                                        request: request, offer: (cacheKey: "w", grant: .coupon(spec), variables: [:]))
                }
            }
    }

    @Test func aRunOpenAtTheMigrationKeepsItsKeysAndNewRunsPadThem() throws {
        try TestPostgres.withStore { store in
            // Back to the schema before `v4 monotonic issue keys` (its three changes undone, its
            // record removed), holding a launch under way as that schema wrote it.
            try store.pool.withSession { s in
                try s.execute("DROP TABLE legacy_key_runs")
                try s.execute("CREATE INDEX journeys_latest ON journeys(playbook, member_id, entered_at)")
                try s.execute("ALTER TABLE coupon_ledger ADD CONSTRAINT coupon_ledger_idempotency_key_key UNIQUE (idempotency_key)")
                try s.execute("DELETE FROM crescent_migrations WHERE name = 'v4 monotonic issue keys'")
            }
            let open = [11, 12].map { Journey(playbook: "winback", member: $0, entryKey: "launch-1", enteredAt: t0, nextDue: t0) }
            let finished = Journey(playbook: "winback", member: 5, entryKey: "old-done", enteredAt: t0, step: 1, nextDue: nil,
                                   state: .done)
            try store.beginJourneys(open + [finished], at: t0)
            // Member 11's step was written under the old key before the upgrade.
            try store.pool.withSession { s in
                try s.execute("""
                    INSERT INTO deliveries(idempotency_key, run_id, playbook, step, member_id, channel, state, time, campaign)
                    VALUES ('launch-1/winback/0/11', 'launch-1', 'winback', 0, 11, 'sms', 'pending', \(t0.seconds), 'winback_q4')
                    """)
            }
            #expect(try PostgresSchema.migrate(store.pool) == ["v4 monotonic issue keys"])
            let runs = try store.pool.withSession { s in
                try s.query("SELECT run_id, playbook FROM legacy_key_runs").map { try $0.decode((String, String).self) }
            }
            #expect(runs.map { [$0.0, $0.1] } == [["launch-1", "winback"]], "only the run with open journeys keeps its keys")
            let leftovers = try store.pool.withSession { s in
                try s.query("""
                    SELECT (SELECT count(*) FROM pg_constraint WHERE conname = 'coupon_ledger_idempotency_key_key'
                              AND connamespace = current_schema()::regnamespace)
                         + (SELECT count(*) FROM pg_indexes WHERE indexname = 'journeys_latest' AND schemaname = current_schema())
                    """)[0].decode(Int64.self)
            }
            // This test's own schema only: other tests' schemas on the same server are not its business.
            #expect(leftovers == 0, "the coupon key constraint and journeys_latest are gone")

            try issue(store, open)
            try issue(store, open)
            let launch = try store.snapshot().deliveries.filter { $0.runId == "launch-1" }
            #expect(launch.map(\.idempotencyKey).sorted() == ["launch-1/winback/0/11", "launch-1/winback/0/12"])
            #expect(try store.snapshot().coupons.filter { $0.runId == "launch-1" }.map(\.member) == [12],
                    "member 11 was issued before the upgrade: no coupon now")

            let fresh = [9, 10].map { Journey(playbook: "winback", member: $0, entryKey: "launch-2", enteredAt: t0, nextDue: t0) }
            try store.beginJourneys(fresh, at: t0)
            try issue(store, fresh)
            #expect(try store.snapshot().deliveries.filter { $0.runId == "launch-2" }.map(\.idempotencyKey).sorted()
                    == ["launch-2/winback/0/000000000009", "launch-2/winback/0/000000000010"])
            #expect(try store.snapshot().coupons.filter { $0.runId == "launch-2" }.count == 2)
        }
    }
}
