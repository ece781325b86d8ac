import CrescentCore
import Testing
@testable import CrescentPostgres

/// Exactly-once issuing and stock/budget on a real PostgreSQL.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped), .serialized)
struct PostgresIssuingTests {
    let spec = CouponSpec(kind: .amountOff(Money(major: 20), minSpend: Money(major: 100)),
                          limits: ClaimLimits(), useWindow: .relative(validDays: 14), type: "winback")

    func request(stock: Int? = nil, budget: Money? = nil) -> GuardRequest {
        var s = spec
        s.limits.stock = stock
        s.limits.budget = budget
        return GuardRequest(campaign: "winback_q4", businessLine: "beauty", channels: ["sms"], coupon: s)
    }

    @Test func migratingAgainChangesNothing() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            // Both stores migrated the same schema on open; a third run applies nothing.
            #expect(try PostgresSchema.migrate(stores[1].pool).isEmpty)
            let names = try stores[0].pool.withSession { s in
                try s.query("SELECT name FROM crescent_migrations ORDER BY name").map { try $0.decode(String.self) }
            }
            #expect(names.count == PostgresSchema.migrations.count)
        }
    }

    @Test func replayingAnIssueKeyWritesNothingTwice() throws {
        try TestPostgres.withStore { store in
            let specId = try store.internCouponSpec(spec)
            #expect(try store.internCouponSpec(spec) == specId)
            let write = {
                try store.issues.write(runId: "r1", playbook: "winback", step: 0, member: member(7), request: request(stock: 10),
                                       decision: .issue(channel: "sms"), coupon: (spec, specId), points: (50, 30), at: t0)
            }
            #expect(try write() == .issued(channel: "sms"))
            #expect(try write() == .replayed)
            // A replay whose guards now say no keeps the issue: a decided key stays decided.
            #expect(try store.issues.write(runId: "r1", playbook: "winback", step: 0, member: member(7), request: request(),
                                           decision: .suppress(.frequencyCap), at: t0) == .replayed)
            let counts = try store.issues.rowCounts(key: "r1/winback/0/000000000007")
            #expect(counts.deliveries == 1 && counts.coupons == 1 && counts.points == 1 && counts.suppressions == 0)
            #expect(try store.reservations.reserved(campaign: "winback_q4").stock == 1)
        }
    }

    @Test func aSuppressionIsKeyedToo() throws {
        try TestPostgres.withStore { store in
            for _ in 0..<3 {
                _ = try store.issues.write(runId: "r2", playbook: "winback", step: 1, member: member(8), request: request(),
                                           decision: .suppress(.quietHours), at: t0)
            }
            #expect(try store.issues.write(runId: "r2", playbook: "winback", step: 1, member: member(8), request: request(),
                                           decision: .issue(channel: "sms"), at: t0) == .replayed)
            let counts = try store.issues.rowCounts(key: "r2/winback/1/000000000008")
            #expect(counts.suppressions == 1 && counts.deliveries == 0)
        }
    }

    /// Two nodes writing the same key at once (both saw the step due): one issue, one unit of
    /// stock; the loser's reservation is rolled back with its transaction.
    @Test func concurrentWritersOfOneKeyIssueOnce() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            let specId = try stores[0].internCouponSpec(spec)
            let outcomes = try raceThreads(12) { i in
                try stores[i % 2].issues.write(runId: "entry-9", playbook: "winback", step: 0, member: member(9),
                                               request: request(stock: 100), decision: .issue(channel: "sms"),
                                               coupon: (spec, specId), at: t0)
            }
            #expect(outcomes.filter { $0 == .issued(channel: "sms") }.count == 1)
            #expect(outcomes.filter { $0 == .replayed }.count == 11)
            #expect(try stores[0].issues.rowCounts(key: "entry-9/winback/0/000000000009").coupons == 1)
            #expect(try stores[1].reservations.reserved(campaign: "winback_q4").stock == 1)
        }
    }

    /// N claimers against stock S across two nodes end with exactly min(N, S) issued.
    @Test(arguments: [(24, 7), (5, 9)])
    func theStockRaceEndsWithMinOfClaimersAndStock(claimers: Int, stock: Int) throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            let specId = try stores[0].internCouponSpec(spec)
            let outcomes = try raceThreads(claimers) { i in
                try stores[i % 2].issues.write(runId: "claim", playbook: "flash", step: 0, member: member(Int64(100 + i)),
                                               request: request(stock: stock), decision: .issue(channel: "sms"),
                                               coupon: (spec, specId), at: t0)
            }
            let issued = outcomes.filter { if case .issued = $0 { true } else { false } }.count
            #expect(issued == min(claimers, stock))
            #expect(outcomes.filter { $0 == .suppressed(.outOfStock) }.count == claimers - issued)
            #expect(try stores[0].reservations.reserved(campaign: "winback_q4").stock == issued)
            let coupons = try stores[1].pool.withSession {
                try $0.query("SELECT count(*) FROM coupon_ledger WHERE run_id = 'claim'")[0].decode(Int64.self)
            }
            #expect(coupons == Int64(issued))
        }
    }

    /// Budget is taken the same way: 10 claimers of a 20.00 coupon against a 130.00 budget get 6.
    @Test func theBudgetRaceNeverOverspends() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            let outcomes = try raceThreads(10) { i in
                try stores[i % 2].reservations.reserve(campaign: "budgeted", stock: nil, budget: Money(major: 130),
                                                       value: Money(major: 20))
            }
            #expect(outcomes.filter { $0 == .reserved }.count == 6)
            #expect(outcomes.filter { $0 == .budgetExhausted }.count == 4)
            let held = try stores[0].reservations.reserved(campaign: "budgeted")
            #expect(held.stock == 6 && held.budget == Money(major: 120))
            try stores[0].reservations.release(campaign: "budgeted", value: Money(major: 20))
            #expect(try stores[1].reservations.reserved(campaign: "budgeted").budget == Money(major: 100))
        }
    }
}
