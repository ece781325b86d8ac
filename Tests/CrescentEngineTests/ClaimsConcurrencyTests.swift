import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Dispatch
import Testing

@Suite("Claims")
struct ClaimsConcurrencyTests {
    /// N claimers, each with its own connections to one store (a WAL file, a database), race for S units.
    @Test("concurrent claimers end with exactly min(N, S) coupons and a consistent budget",
          arguments: TestStoreKind.all, [(claimers: 16, stock: 5), (claimers: 6, stock: 10)])
    func concurrentClaims(kind: TestStoreKind, race: (claimers: Int, stock: Int)) throws {
        try kind.withScratch { scratch in
        let (claimers, stock) = race
        let spec = IssuingFixtures.coupon(stock: stock, budget: Money(major: Int64(stock) * 10), source: .selfClaimed)
        let setup = try scratch.open()
        let plan = try IssuingFixtures.plan(setup, spec, campaign: "flash")
        let members = IssuingFixtures.members(claimers)
        let stores = try (0..<claimers).map { _ in try scratch.open() }
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
        let rows = try setup.snapshot()
        #expect(rows.coupons.count == issued)
        #expect(Set(rows.coupons.map(\.member)).count == issued)
        let reservation = try #require(rows.reservations.values.first)
        #expect(reservation.stock == issued)
        #expect(reservation.budget.minorUnits == rows.coupons.reduce(0) { $0 + $1.value.minorUnits })
        #expect(reservation.budget <= spec.limits.budget!)
        }
    }

    @Test("claiming again under the same key changes nothing", arguments: TestStoreKind.all)
    func replayedClaim(kind: TestStoreKind) throws {
        try kind.withStore { store in
        let plan = try IssuingFixtures.plan(store, IssuingFixtures.coupon(stock: 10, source: .selfClaimed))
        let m = IssuingFixtures.members(1)[0]
        #expect(try IssuingFixtures.issue(store, [m], plan: plan, runId: "c", playbook: "p") == [.issue(channel: "sms")])
        try IssuingFixtures.issue(store, [m], plan: plan, runId: "c", playbook: "p")
        let rows = try store.snapshot()
        #expect(rows.coupons.count == 1)
        #expect(rows.deliveries.count == 1)
        #expect(rows.reservations.values.map(\.stock) == [1])
        }
    }
}

/// Results written by concurrent workers, one index each.
final class OutcomeBox: @unchecked Sendable {
    var values: [Result<GuardDecision, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<GuardDecision, any Error>) { values[i] = r }
}
