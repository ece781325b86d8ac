import CrescentCore
import CrescentLua

/// Builds what scripts see as `m` from members and their derived views.
public enum MemberViews {
    /// Scripts see "declining" where the derived views say `active_declining`: the brief's word.
    static func stageName(_ stage: LifecycleStage) -> String {
        stage == .declining ? "declining" : stage.rawValue
    }

    /// - parameter tiers: the script's ladder evaluated on the as-of day; members then see
    ///   the evaluated tier as `m.tier` and the move as `m.tier_change`. Nil: the stored tier.
    public static func build(_ population: Population, _ derived: DerivedViews,
                             tiers: TierAssignment? = nil) -> [MemberView] {
        population.members.indices.map { i in
            view(population.members[i], derived.metrics[i], orders: population.orders(ofMemberAt: i), asOf: derived.asOf,
                 tier: tiers?.decisions[i])
        }
    }

    /// One member's view from their metrics and orders (in time order) on `asOf`: what `build`
    /// gives each member, for callers that keep metrics per member (the live engine).
    public static func view(_ member: Member, _ mm: MemberMetrics, orders: ArraySlice<Order>, asOf: Day,
                            tier decision: TierDecision? = nil) -> MemberView {
        let cutoff = Timestamp(day: asOf)
        var bought: [String: Int] = [:]
        for o in orders where o.time < cutoff {
            for item in o.items { bought[item.category] = asOf.days(since: o.day) }
        }
        var member = member
        if let decision { member.tier = decision.newTier }
        return MemberView(
            member: member, lifecycle: stageName(mm.lifecycle), recencyDays: mm.recencyDays,
            frequency: mm.frequency, monetary: mm.monetary, rfm: (mm.r, mm.f, mm.m), orders: mm.orderCount,
            totalSpend: mm.totalSpend, firstOrder: mm.firstOrder, lastOrder: mm.lastOrder,
            lastBoughtDaysAgo: bought, asOf: asOf, tierChange: decision?.change.rawValue)
    }
}
