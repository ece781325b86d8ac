import CrescentCore
import CrescentStore
import Dispatch
import Testing

@Suite("Claims")
struct ClaimsConcurrencyTests {
    /// N claimers, each with its own connection pool on one WAL file, race for S units.
    @Test("concurrent claimers end with exactly min(N, S) coupons and a consistent budget",
          arguments: [(claimers: 16, stock: 5), (claimers: 6, stock: 10)])
    func concurrentClaims(claimers: Int, stock: Int) throws {
        let path = try IssuingFixtures.scratchPath()
        let spec = IssuingFixtures.coupon(stock: stock, budget: Money(major: Int64(stock) * 10), source: .selfClaimed)
        let setup = try CrescentStore(path: path)
        let plan = try IssuingFixtures.plan(setup, spec, campaign: "flash")
        let members = IssuingFixtures.members(claimers)
        let stores = try (0..<claimers).map { _ in try CrescentStore(path: path) }
        let outcomes = OutcomeBox(count: claimers)
        // Each claim is one journey batch of one member on its own connections: one transaction.
        DispatchQueue.concurrentPerform(iterations: claimers) { i in
            outcomes.set(i, Result { try IssuingFixtures.issue(stores[i], [members[i]], plan: plan, runId: "claims",
                                                               playbook: "flash")[0]! })
        }
        let results = try outcomes.values.map { try $0!.get() }
        let issued = results.filter(\.isIssue).count
        #expect(issued == min(claimers, stock))
        #expect(results.filter { $0 == .suppress(.outOfStock) }.count == claimers - issued)
        #expect(try IssuingFixtures.count(setup, "SELECT count(*) FROM coupon_ledger") == issued)
        #expect(try IssuingFixtures.count(setup, "SELECT count(DISTINCT member_id) FROM coupon_ledger") == issued)
        #expect(try IssuingFixtures.count(setup, "SELECT stock FROM campaign_reservations") == issued)
        let budget = try IssuingFixtures.count(setup, "SELECT budget_minor FROM campaign_reservations")
        #expect(budget == (try IssuingFixtures.count(setup, "SELECT sum(value_minor) FROM coupon_ledger")))
        #expect(budget <= Int(spec.limits.budget!.minorUnits))
    }

    @Test("claiming again under the same key changes nothing")
    func replayedClaim() throws {
        let store = try CrescentStore()
        let plan = try IssuingFixtures.plan(store, IssuingFixtures.coupon(stock: 10, source: .selfClaimed))
        let m = IssuingFixtures.members(1)[0]
        #expect(try IssuingFixtures.issue(store, [m], plan: plan, runId: "c", playbook: "p") == [.issue(channel: "sms")])
        try IssuingFixtures.issue(store, [m], plan: plan, runId: "c", playbook: "p")
        #expect(try IssuingFixtures.count(store, "SELECT count(*) FROM coupon_ledger") == 1)
        #expect(try IssuingFixtures.count(store, "SELECT count(*) FROM deliveries") == 1)
        #expect(try IssuingFixtures.count(store, "SELECT stock FROM campaign_reservations") == 1)
    }
}

/// Results written by concurrent workers, one index each.
final class OutcomeBox: @unchecked Sendable {
    var values: [Result<GuardDecision, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<GuardDecision, any Error>) { values[i] = r }
}
