import Testing
@testable import CrescentCore

@Suite struct TierTests {
    let ladder = try! TierLadder([
        TierRule(tier: "basic", entry: [.registration], benefits: [.memberPrice]),
        TierRule(tier: "silver", entry: [.singleOrder(atLeast: Money(major: 500)), .paidMembership],
                 validityDays: 365),
        TierRule(tier: "gold", entry: [.cumulativeSpend(atLeast: Money(major: 5_000), withinDays: 365),
                                       .rfm(minRecency: 4, minFrequency: 0, minMonetary: 4)],
                 validityDays: 365, renewal: .cumulativeSpend(atLeast: Money(major: 3_000), withinDays: 365),
                 benefits: [.freeShipping, .birthdayGift]),
        TierRule(tier: "platinum", entry: [.singleOrder(atLeast: Money(major: 20_000))], validityDays: 365),
    ])
    let today = Day("2026-12-01")!

    func member(tier: String = "basic") -> Member {
        Member(id: 1, joinDate: Day("2024-01-01")!, tier: tier)
    }

    func order(_ id: Int64, _ major: Int64, daysAgo: Int, member: Int64 = 1) -> Order {
        Order(id: id, memberId: member, time: Timestamp(day: today.adding(days: -daysAgo), hour: 12),
              amount: Money(major: major), quantity: 1)
    }

    var evaluator: TierEvaluator { TierEvaluator(ladder: ladder) }

    @Test func upgradesToTheHighestTierWhoseEntryIsMet() {
        let orders = [order(1, 600, daysAgo: 3)]
        let d = evaluator.evaluate(member: member(), orders: orders, asOf: today)
        #expect(d.newTier == "silver")
        #expect(d.change == .upgrade)
        #expect(d.reason == .qualified(.singleOrder(atLeast: Money(major: 500))))
        #expect(d.expiresOn == today.adding(days: 365))
        // Cumulative spend within the window reaches gold; older orders do not count.
        let spread = [order(1, 2_000, daysAgo: 10), order(2, 3_000, daysAgo: 300), order(3, 9_000, daysAgo: 400)]
        let g = evaluator.evaluate(member: member(), orders: spread, asOf: today)
        #expect(g.newTier == "gold")
        #expect(g.benefits == [.freeShipping, .birthdayGift])
        let notYet = [order(1, 2_000, daysAgo: 10), order(2, 2_999, daysAgo: 300)]
        #expect(evaluator.evaluate(member: member(), orders: notYet, asOf: today).newTier == "silver")
        // Orders after asOf and of other members are ignored.
        let future = [order(1, 30_000, daysAgo: -1), order(2, 30_000, daysAgo: 1, member: 2)]
        #expect(evaluator.evaluate(member: member(), orders: future, asOf: today).newTier == "basic")
    }

    @Test func promotesOnRFMAndPaidMembership() {
        let rfm = TierContext(recency: 4, frequency: 1, monetary: 5)
        #expect(evaluator.evaluate(member: member(), orders: [], asOf: today, context: rfm).newTier == "gold")
        let lowM = TierContext(recency: 5, frequency: 5, monetary: 3)
        #expect(evaluator.evaluate(member: member(), orders: [], asOf: today, context: lowM).newTier == "basic")
        let paid = TierContext(paidMembershipUntil: today.adding(days: 30))
        let d = evaluator.evaluate(member: member(), orders: [], asOf: today, context: paid)
        #expect(d.newTier == "silver")
        #expect(d.reason == .qualified(.paidMembership))
    }

    @Test func keepsATierWithinItsValidity() {
        let since = today.adding(days: -100)
        let d = evaluator.evaluate(member: member(tier: "gold"), orders: [], asOf: today,
                                   context: TierContext(tierSince: since))
        #expect(d.newTier == "gold")
        #expect(d.change == .none)
        #expect(d.reason == .stillValid(until: since.adding(days: 365)))
    }

    @Test func renewsWhenTheRenewalConditionWasMetDuringThePeriod() {
        let since = today.adding(days: -365)   // expires today
        let orders = [order(1, 1_500, daysAgo: 200), order(2, 1_500, daysAgo: 20)]
        let d = evaluator.evaluate(member: member(tier: "gold"), orders: orders, asOf: today,
                                   context: TierContext(tierSince: since))
        #expect(d.change == .renewal)
        #expect(d.newTier == "gold")
        #expect(d.since == today)
        #expect(d.reason == .renewed(.cumulativeSpend(atLeast: Money(major: 3_000), withinDays: 365)))
    }

    @Test func downgradesExactlyOneTierOnExpiry() {
        let since = today.adding(days: -400)
        // 400 during the period: no gold renewal, and nothing qualifies above basic…
        let orders = [order(1, 400, daysAgo: 100)]
        let d = evaluator.evaluate(member: member(tier: "gold"), orders: orders, asOf: today,
                                   context: TierContext(tierSince: since))
        #expect(d.change == .downgrade)
        #expect(d.newTier == "silver")  // …yet the drop is one tier, not to basic.
        #expect(d.reason == .expired(on: since.adding(days: 365)))
        #expect(d.since == today)
        let p = evaluator.evaluate(member: member(tier: "platinum"), orders: [], asOf: today,
                                   context: TierContext(tierSince: since))
        #expect(p.newTier == "gold")
        // A tier whose entry is met again today renews instead of dropping.
        let requalified = evaluator.evaluate(member: member(tier: "silver"), orders: [order(1, 800, daysAgo: 0)],
                                             asOf: today, context: TierContext(tierSince: since))
        #expect(requalified.change == .renewal)
        #expect(requalified.newTier == "silver")
        // The lowest tier never drops further.
        let b = evaluator.evaluate(member: member(tier: "basic"), orders: [], asOf: today)
        #expect(b.newTier == "basic")
        #expect(b.change == .none)
    }

    @Test func ladderValidationNamesTheField() {
        #expect(throws: CouponSpecError(field: "tiers", message: "has \"gold\" twice")) {
            try TierLadder([TierRule(tier: "gold", entry: []), TierRule(tier: "gold", entry: [])])
        }
        #expect(throws: CouponSpecError(field: "silver.validity_days", message: "must be >= 1")) {
            try TierLadder([TierRule(tier: "silver", entry: [], validityDays: 0)])
        }
        #expect(throws: CouponSpecError(field: "gold.entry", message: "rfm scores must be 0...5")) {
            try TierLadder([TierRule(tier: "gold", entry: [.rfm(minRecency: 6, minFrequency: 0, minMonetary: 0)])])
        }
        #expect(ladder.rank(of: "gold") == 2)
        #expect(ladder.rank(of: "diamond") == nil)
    }
}
