import CrescentCore

/// Every member's tier as the script's `tier_ladder` decides it on the as-of day, from
/// their order history and RFM scores: who is promoted, renewed or downgraded.
///
/// The store keeps a tier but not when its period began. A member attribute `tier_since`
/// ("YYYY-MM-DD") gives it; without one, periods run from the join date, so the period
/// that ended most recently (on a join anniversary) decides renewal or downgrade. An
/// attribute `paid_until` ("YYYY-MM-DD") is the end of a paid membership.
///
/// For example:
/// ```swift
/// let tiers = TierAssignment.evaluate(ladder, population: population, derived: derived)
/// tiers.decisions[0].newTier     // "gold"
/// tiers.count(.downgrade)        // 120
/// ```
public struct TierAssignment: Sendable {
    public let ladder: TierLadder
    public let asOf: Day
    /// One decision per member, in population order.
    public let decisions: [TierDecision]

    public static func evaluate(_ ladder: TierLadder, population: Population, derived: DerivedViews) -> TierAssignment {
        let evaluator = TierEvaluator(ladder: ladder)
        let asOf = derived.asOf
        let decisions = population.members.indices.map { i in
            let member = population.members[i], metrics = derived.metrics[i]
            let ordered = metrics.orderCount > 0
            let context = TierContext(
                tierSince: member.attributes["tier_since"].flatMap { Day($0) }
                    ?? periodStart(member, ladder: ladder, asOf: asOf),
                paidMembershipUntil: member.attributes["paid_until"].flatMap { Day($0) },
                recency: ordered ? metrics.r : nil, frequency: ordered ? metrics.f : nil,
                monetary: ordered ? metrics.m : nil)
            return evaluator.evaluate(member: member, orders: population.orders(ofMemberAt: i), asOf: asOf,
                                      context: context)
        }
        return TierAssignment(ladder: ladder, asOf: asOf, decisions: decisions)
    }

    /// The start of the member's tier period that ended most recently on a join anniversary
    /// (so the evaluator renews or downgrades on it), or the join date in the first period.
    static func periodStart(_ member: Member, ladder: TierLadder, asOf: Day) -> Day? {
        guard let validity = ladder.rule(for: member.tier)?.validityDays else { return nil }
        let periods = asOf.days(since: member.joinDate) / validity
        guard periods >= 1 else { return nil }
        return member.joinDate.adding(days: (periods - 1) * validity)
    }

    public func count(_ change: TierDecision.Change) -> Int { decisions.lazy.filter { $0.change == change }.count }

    /// Members per tier as stored and as evaluated: ladder tiers lowest first, then any
    /// stored tier the ladder does not name.
    public var distribution: [(tier: String, stored: Int, evaluated: Int)] {
        var stored: [String: Int] = [:], evaluated: [String: Int] = [:]
        for d in decisions {
            stored[d.previousTier, default: 0] += 1
            evaluated[d.newTier, default: 0] += 1
        }
        let others = Set(stored.keys).union(evaluated.keys).subtracting(ladder.tierNames).sorted()
        return (ladder.tierNames + others).map { ($0, stored[$0] ?? 0, evaluated[$0] ?? 0) }
    }
}
