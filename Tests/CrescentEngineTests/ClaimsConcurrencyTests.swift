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
        DispatchQueue.concurrentPerform(iterations: claimers) { i in
            let claimer = Claimer(store: stores[i], scope: IssueScope(runId: "claims", playbook: "flash"))
            outcomes.set(i, Result { try claimer.claim(member: members[i], plan: plan, at: IssuingFixtures.now) })
        }
        let results = try outcomes.values.map { try $0!.get() }
        let issued = results.filter { if case .issued = $0 { true } else { false } }.count
        #expect(issued == min(claimers, stock))
        #expect(results.filter { $0 == .suppressed(.outOfStock) }.count == claimers - issued)
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
        let claimer = Claimer(store: store, scope: IssueScope(runId: "c", playbook: "p"))
        let m = IssuingFixtures.members(1)[0]
        #expect(try claimer.claim(member: m, plan: plan, at: IssuingFixtures.now) == .issued(channel: "sms"))
        #expect(try claimer.claim(member: m, plan: plan, at: IssuingFixtures.now) == .alreadyClaimed)
        #expect(try IssuingFixtures.count(store, "SELECT stock FROM campaign_reservations") == 1)
    }
}

/// Results written by concurrent workers, one index each.
final class OutcomeBox: @unchecked Sendable {
    var values: [Result<ClaimOutcome, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<ClaimOutcome, any Error>) { values[i] = r }
}
