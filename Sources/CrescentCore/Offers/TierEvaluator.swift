/// Facts about a member the order history cannot tell.
public struct TierContext: Hashable, Sendable {
    /// The day the member's current tier started (or last renewed); nil = the join date.
    public var tierSince: Day?
    /// Last day of an active paid membership; nil = none.
    public var paidMembershipUntil: Day?
    /// RFM scores 1–5 from the derived views; nil when unknown (RFM conditions then fail).
    public var recency: Int?
    public var frequency: Int?
    public var monetary: Int?

    public init(tierSince: Day? = nil, paidMembershipUntil: Day? = nil,
                recency: Int? = nil, frequency: Int? = nil, monetary: Int? = nil) {
        self.tierSince = tierSince; self.paidMembershipUntil = paidMembershipUntil
        self.recency = recency; self.frequency = frequency; self.monetary = monetary
    }
}

/// Why a member ends up in a tier.
public enum TierReason: Hashable, Sendable, CustomStringConvertible {
    /// Upgraded: this entry condition of the new tier is met.
    case qualified(TierCondition)
    /// The tier's period ended and this condition renewed it.
    case renewed(TierCondition)
    /// The tier's period ended on this day without renewal: down one tier.
    case expired(on: Day)
    /// Nothing changed; the tier lasts until this day (nil: for good).
    case stillValid(until: Day?)
    /// The member's tier is not on the ladder and no tier's entry is met.
    case notOnLadder

    public var description: String {
        switch self {
        case .qualified(let c): "qualified by \(c)"
        case .renewed(let c): "renewed by \(c)"
        case .expired(let day): "expired on \(day) without renewal"
        case .stillValid(let until): until.map { "valid until \($0)" } ?? "valid"
        case .notOnLadder: "tier not on the ladder"
        }
    }
}

/// The outcome of evaluating one member's tier.
public struct TierDecision: Hashable, Sendable {
    public enum Change: String, Hashable, Sendable { case upgrade, renewal, downgrade, none }

    public var previousTier: String
    public var newTier: String
    public var change: Change
    public var reason: TierReason
    /// The day the new tier's period starts; store it as the next `tierSince`.
    public var since: Day
    /// The first day the new tier no longer holds without renewal; nil = for good.
    public var expiresOn: Day?
    public var benefits: [TierBenefit]
}

/// Decides a member's tier from their orders: upgrades on entry conditions, renews or
/// downgrades one tier when the validity period ends.
///
/// Orders count up to and including `asOf`. Upgrades win over expiry; an expired tier
/// renews when its renewal condition (or, without one, any entry condition) was met
/// during the period, and otherwise drops exactly one tier with a fresh period from `asOf`.
///
/// For example:
/// ```swift
/// let decision = TierEvaluator(ladder: ladder).evaluate(member: m, orders: history, asOf: today)
/// decision.newTier        // "gold"
/// decision.reason         // qualified by single order >= 1000.00
/// ```
public struct TierEvaluator: Sendable {
    public let ladder: TierLadder

    public init(ladder: TierLadder) { self.ladder = ladder }

    public func evaluate(member: Member, orders: some Collection<Order>, asOf: Day,
                         context: TierContext = TierContext()) -> TierDecision {
        let history = orders.filter { $0.memberId == member.id && $0.day <= asOf }
        let current = ladder.rank(of: member.tier)

        var qualified: (rank: Int, condition: TierCondition)?
        for (rank, rule) in ladder.rules.enumerated().reversed() {
            if let c = rule.entry.first(where: { isMet($0, history, from: nil, asOf: asOf, context) }) {
                qualified = (rank, c)
                break
            }
        }
        guard let currentRank = current else {
            guard let qualified else {
                return TierDecision(previousTier: member.tier, newTier: member.tier, change: .none,
                                    reason: .notOnLadder, since: asOf, expiresOn: nil, benefits: [])
            }
            return decision(member, to: qualified.rank, .upgrade, .qualified(qualified.condition), since: asOf)
        }
        if let qualified, qualified.rank > currentRank {
            return decision(member, to: qualified.rank, .upgrade, .qualified(qualified.condition), since: asOf)
        }
        let rule = ladder.rules[currentRank]
        let since = context.tierSince ?? member.joinDate
        guard let validity = rule.validityDays else {
            return decision(member, to: currentRank, .none, .stillValid(until: nil), since: since)
        }
        let expiry = since.adding(days: validity)
        if asOf < expiry {
            return decision(member, to: currentRank, .none, .stillValid(until: expiry), since: since)
        }
        // The period is over: renew on what happened during it, or drop one tier.
        let last = expiry.adding(days: -1)
        let renewals = rule.renewal.map { [$0] } ?? rule.entry
        if let c = renewals.first(where: { isMet($0, history, from: since, asOf: last, context) }) {
            return decision(member, to: currentRank, .renewal, .renewed(c), since: expiry)
        }
        if let qualified, qualified.rank == currentRank {
            return decision(member, to: currentRank, .renewal, .renewed(qualified.condition), since: expiry)
        }
        if currentRank == 0 {
            return decision(member, to: 0, .none, .expired(on: expiry), since: asOf)
        }
        return decision(member, to: currentRank - 1, .downgrade, .expired(on: expiry), since: asOf)
    }

    private func decision(_ member: Member, to rank: Int, _ change: TierDecision.Change,
                          _ reason: TierReason, since: Day) -> TierDecision {
        let rule = ladder.rules[rank]
        return TierDecision(previousTier: member.tier, newTier: rule.tier, change: change, reason: reason,
                            since: since, expiresOn: rule.validityDays.map { since.adding(days: $0) },
                            benefits: rule.benefits)
    }

    /// Whether `condition` holds on `asOf`, counting only orders on or after `from` (when given).
    func isMet(_ condition: TierCondition, _ orders: [Order], from: Day?, asOf: Day,
               _ context: TierContext) -> Bool {
        let inPeriod = orders.lazy.filter { o in (from.map { o.day >= $0 } ?? true) && o.day <= asOf }
        switch condition {
        case .registration:
            return true
        case .singleOrder(let atLeast):
            return inPeriod.contains { $0.amount >= atLeast }
        case .cumulativeSpend(let atLeast, let withinDays):
            let start = asOf.adding(days: -(withinDays - 1))
            let total = inPeriod.filter { $0.day >= start }.reduce(Money.zero) { $0 + $1.amount }
            return total >= atLeast
        case .paidMembership:
            return context.paidMembershipUntil.map { $0 >= asOf } ?? false
        case .rfm(let r, let f, let m):
            guard let cr = context.recency, let cf = context.frequency, let cm = context.monetary else {
                return r == 0 && f == 0 && m == 0
            }
            return cr >= r && cf >= f && cm >= m
        }
    }
}
