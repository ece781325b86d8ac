import CrescentCore
import CrescentPersistence
import CrescentStore
import CrescentTestSupport
import Testing

@Suite("Issuing")
struct IssuingTests {
    @Test("batches of a launch: stock never overspent, reservations match the rows, a replayed batch writes nothing",
          arguments: TestStoreKind.all)
    func batchesNeverOverspend(kind: TestStoreKind) throws {
        try kind.withStore { store in
        let members = IssuingFixtures.members(1_000)
        let plan = try IssuingFixtures.plan(store, IssuingFixtures.coupon(stock: 300))
        let writer = store.journeyBatch(allHistory: true, offers: OfferInternCache())
        for start in stride(from: 0, to: members.count, by: 100) {
            try IssuingFixtures.issue(store, Array(members[start..<start + 100]), plan: plan, runId: "r1", playbook: "p",
                                      writer: writer)
        }
        try IssuingFixtures.issue(store, Array(members[0..<450]), plan: plan, runId: "r1", playbook: "p")
        let totals = try store.issueTotals(IssueScope(runId: "r1", playbook: "p"))
        #expect(totals.issued == 300)
        #expect(totals.suppressed == ["no_consent": 100, "out_of_stock": 600])
        #expect(try store.snapshot().coupons.count == 300)
        #expect(try Set(store.snapshot().coupons.map(\.member)).count == 300)
        #expect(try store.snapshot().reservations.values.map(\.stock) == [300])
        #expect(try store.deliveryCount(state: .pending) == 300)
        }
    }

    @Test("the guards see the store's history: claim limits, same type, unused coupons", arguments: TestStoreKind.all)
    func guardsSeeStoreHistory(kind: TestStoreKind) throws {
        try kind.withStore { store in
        let policy = GuardPolicy(maxUnusedCRMCoupons: 1, sameTypePeriod: .days(7))
        let members = IssuingFixtures.members(9).filter { !$0.consent.isEmpty }
        func run(_ plan: IssuePlan, _ runId: String, _ playbook: String, at: Timestamp = IssuingFixtures.now) throws -> IssueTotals {
            try IssuingFixtures.issue(store, members, plan: plan, runId: runId, playbook: playbook, at: at)
            return try store.issueTotals(IssueScope(runId: runId, playbook: playbook))
        }
        let first = try IssuingFixtures.plan(store, IssuingFixtures.coupon(), campaign: "a", policy: policy)
        let t1 = try run(first, "r1", "a")
        #expect(t1.issued == members.count)

        // Same campaign, new run: one per member per campaign.
        let t2 = try run(first, "r2", "a")
        #expect(t2.suppressed == ["claim_limit_campaign": members.count])

        // Another campaign: the one unused CRM coupon each member holds blocks it.
        let other = try IssuingFixtures.plan(store, IssuingFixtures.coupon(type: "t20"), campaign: "b", policy: policy)
        let t3 = try run(other, "r3", "b")
        #expect(t3.suppressed == ["too_many_unused_coupons": members.count])

        // Once those coupons expired, only the same-type period blocks a coupon of type t10.
        let later = IssuingFixtures.now.adding(seconds: 20 * 86_400)
        #expect(try store.expireCoupons(at: later) == members.count)
        let sameType = try IssuingFixtures.plan(store, IssuingFixtures.coupon(type: "t10"), campaign: "c",
                                                policy: GuardPolicy(maxUnusedCRMCoupons: 1, sameTypePeriod: .days(30)))
        let t4 = try run(sameType, "r4", "c", at: later)
        #expect(t4.suppressed == ["same_type_recently": members.count])
        #expect(try store.snapshot().suppressions.count == 3 * members.count)
        #expect(try store.snapshot().couponEvents.filter { $0.kind == "expire" }.count == members.count)
        }
    }
}
