import CrescentCore
import CrescentStore
import Testing

@Suite("Issuing")
struct IssuingTests {
    @Test("a run cut short and resumed equals an uninterrupted run")
    func resumeEqualsUninterrupted() throws {
        let members = IssuingFixtures.members(1_000)
        func fresh() throws -> (CrescentStore, IssuePlan) {
            let store = try CrescentStore()
            return (store, try IssuingFixtures.plan(store, IssuingFixtures.coupon(stock: 300)))
        }
        let scope = IssueScope(runId: "r1", playbook: "p")
        let (a, planA) = try fresh()
        var full = BatchIssuer(store: a, scope: scope)
        full.batchSize = 100
        let expected = try full.run(candidates: members.map { IssueCandidate(member: $0, plan: 0) }, plans: [planA],
                                    at: IssuingFixtures.now)

        let (b, planB) = try fresh()
        var cut = BatchIssuer(store: b, scope: scope)
        cut.batchSize = 100
        let all = members.map { IssueCandidate(member: $0, plan: 0) }
        _ = try cut.run(candidates: Array(all.prefix(450)), plans: [planB], at: IssuingFixtures.now)
        let resumed = try cut.run(candidates: all, plans: [planB], at: IssuingFixtures.now)
        let again = try cut.run(candidates: all, plans: [planB], at: IssuingFixtures.now)

        #expect(resumed == expected)
        #expect(again == expected)
        #expect(expected.issued == 300)
        #expect(expected.suppressed["no_consent"] == 100)
        #expect(expected.suppressed["out_of_stock"] == 600)
        #expect(try IssuingFixtures.count(b, "SELECT count(*) FROM coupon_ledger") == 300)
        #expect(try IssuingFixtures.count(b, "SELECT count(DISTINCT member_id) FROM coupon_ledger") == 300)
        #expect(try IssuingFixtures.count(b, "SELECT stock FROM campaign_reservations") == 300)
        #expect(try IssuingFixtures.count(b, "SELECT count(*) FROM deliveries WHERE state = 'pending'") == 300)
    }

    @Test("the guards see the store's history: claim limits, same type, unused coupons")
    func guardsSeeStoreHistory() throws {
        let store = try CrescentStore()
        let policy = GuardPolicy(maxUnusedCRMCoupons: 1, sameTypePeriod: .days(7))
        let members = IssuingFixtures.members(9).filter { !$0.consent.isEmpty }
        let candidates = members.map { IssueCandidate(member: $0, plan: 0) }
        let first = try IssuingFixtures.plan(store, IssuingFixtures.coupon(), campaign: "a", policy: policy)
        let t1 = try BatchIssuer(store: store, scope: IssueScope(runId: "r1", playbook: "a"))
            .run(candidates: candidates, plans: [first], at: IssuingFixtures.now)
        #expect(t1.issued == members.count)

        // Same campaign, new run: one per member per campaign.
        let t2 = try BatchIssuer(store: store, scope: IssueScope(runId: "r2", playbook: "a"))
            .run(candidates: candidates, plans: [first], at: IssuingFixtures.now)
        #expect(t2.suppressed == ["claim_limit_campaign": members.count])

        // Another campaign: the one unused CRM coupon each member holds blocks it.
        let other = try IssuingFixtures.plan(store, IssuingFixtures.coupon(type: "t20"), campaign: "b", policy: policy)
        let t3 = try BatchIssuer(store: store, scope: IssueScope(runId: "r3", playbook: "b"))
            .run(candidates: candidates, plans: [other], at: IssuingFixtures.now)
        #expect(t3.suppressed == ["too_many_unused_coupons": members.count])

        // Once those coupons expired, only the same-type period blocks a coupon of type t10.
        let later = IssuingFixtures.now.adding(seconds: 20 * 86_400)
        #expect(try Redeemer(store: store).expire(at: later) == members.count)
        let sameType = try IssuingFixtures.plan(store, IssuingFixtures.coupon(type: "t10"), campaign: "c",
                                                policy: GuardPolicy(maxUnusedCRMCoupons: 1, sameTypePeriod: .days(30)))
        let t4 = try BatchIssuer(store: store, scope: IssueScope(runId: "r4", playbook: "c"))
            .run(candidates: candidates, plans: [sameType], at: later)
        #expect(t4.suppressed == ["same_type_recently": members.count])
        #expect(try IssuingFixtures.count(store, "SELECT count(*) FROM suppressions") == 3 * members.count)
        #expect(try IssuingFixtures.count(store, "SELECT count(*) FROM coupon_events WHERE kind = 'expire'") == members.count)
    }
}
