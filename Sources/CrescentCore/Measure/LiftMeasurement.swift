/// One member of a measured playbook, as the ledgers recorded them: which arm the engine put
/// them in and what they did from their entry to the end of the window.
public struct MeasuredMember: Hashable, Sendable {
    public var memberId: Int64
    /// `treated`, `holdout` or `control_group`; a variant adds its own treated arm.
    public var arm: String
    public var orders: Int
    public var revenue: Money
    /// Coupons of the playbook the member redeemed.
    public var redemptions: Int

    public init(memberId: Int64, arm: String, orders: Int, revenue: Money, redemptions: Int) {
        self.memberId = memberId; self.arm = arm; self.orders = orders; self.revenue = revenue
        self.redemptions = redemptions
    }
}

/// What a playbook's run actually paid, from the ledgers.
public struct RealisedCosts: Hashable, Sendable, Codable {
    /// Discounts given on the coupons members redeemed.
    public var subsidy: Money
    /// Messages and reminders issued per channel (not failed).
    public var messages: [String: Int]
    /// Points awarded.
    public var points: Int

    public init(subsidy: Money = .zero, messages: [String: Int] = [:], points: Int = 0) {
        self.subsidy = subsidy; self.messages = messages; self.points = points
    }
}

/// The realised lift of one playbook: each arm's rates, treated against held out with 95 %
/// intervals, and the incremental return priced with the programme's economics.
public struct PlaybookMeasurement: Hashable, Sendable, Codable {
    /// One arm's members and what they did. Money in major units.
    public struct Arm: Hashable, Sendable, Codable {
        public var arm: String
        public var members: Int
        public var purchasers: Int
        public var redeemers: Int
        public var revenue: Double
        public var purchaseRate: Double
        public var redemptionRate: Double
        public var revenuePerMember: Double
    }

    /// Some treated arms against the pooled held-out arms. Nil figures: a group too small.
    public struct Comparison: Hashable, Sendable, Codable {
        public var treated: [String]
        public var control: [String]
        public var treatedMembers: Int
        public var controlMembers: Int
        /// Treated − held-out share of members who bought at all.
        public var purchaseRate: LiftStatistics.Difference?
        /// Treated − held-out share who redeemed (held-out members had nothing to redeem).
        public var redemptionRate: LiftStatistics.Difference?
        public var revenuePerMember: LiftStatistics.Difference?
        /// Revenue per member × treated members: what the treated bought that they would not have.
        public var incrementalRevenue: LiftStatistics.Difference?
    }

    /// Incremental profit and ROI on what was actually paid.
    public struct Return: Hashable, Sendable, Codable {
        public var subsidy: Double
        public var messageCost: Double
        public var pointsLiability: Double
        public var margin: Double
        /// Subsidy + message costs + points liability.
        public var cost: Double
        public var incrementalGrossMargin: LiftStatistics.Difference?
        /// Incremental gross margin − cost.
        public var incrementalProfit: LiftStatistics.Difference?
        /// Incremental profit / cost; nil when nothing was spent.
        public var roi: LiftStatistics.Difference?
    }

    /// The best treated arm (by revenue per member) against the runner-up.
    public struct Ranking: Hashable, Sendable, Codable {
        public var best: String
        public var runnerUp: String
        /// Best − runner-up revenue per member.
        public var revenuePerMember: LiftStatistics.Difference?
        /// Best − runner-up purchase rate.
        public var purchaseRate: LiftStatistics.Difference?
        /// `best`, only when its revenue per member beats the runner-up's significantly.
        public var winner: String?
    }

    public var playbook: String
    public var arms: [Arm]
    /// Every treated arm pooled against every held-out arm; nil when either side is empty.
    public var lift: Comparison?
    /// With several treated arms (variants): each against the held-out arms.
    public var variants: [Comparison] = []
    /// With several treated arms: which is best, and a winner only when significant.
    public var ranking: Ranking?
    public var realised: Return
    public var costs: RealisedCosts
}

/// Turns ledger rows into a ``PlaybookMeasurement``. The comparison is by intention to
/// treat: treated is everyone who reached the playbook's guards and was not held out, even
/// when a later guard refused them, because the held-out arms are a random share of exactly
/// that population (the holdout and control group are the first guards).
///
/// For example:
/// ```swift
/// let m = LiftMeasurement.measure(playbook: "winback", members: rows, costs: costs, economics: ProgrammeEconomics())
/// m.lift?.incrementalRevenue   // 1,240 [310, 2,170]
/// ```
public enum LiftMeasurement {
    /// Arms that got nothing from the playbook: what the others are compared against.
    public static let heldOutArms: Set<String> = ["holdout", "control_group"]

    public static func measure(playbook: String, members: [MeasuredMember], costs: RealisedCosts,
                               economics: ProgrammeEconomics) -> PlaybookMeasurement {
        let byArm = Dictionary(grouping: members, by: \.arm)
        // Treated arms first (by name), then the held-out ones.
        let names = byArm.keys.sorted { (heldOutArms.contains($0) ? 1 : 0, $0) < (heldOutArms.contains($1) ? 1 : 0, $1) }
        let arms = names.map { arm(name: $0, byArm[$0]!) }
        let treated = names.filter { !heldOutArms.contains($0) }, control = names.filter(heldOutArms.contains)
        let lift = compare(treated: treated, control: control, byArm)
        let subsidy = costs.subsidy.major, messageCost = economics.messageCost(costs.messages)
        let points = Double(costs.points) * economics.pointValue
        let cost = subsidy + messageCost + points
        let margin = lift?.incrementalRevenue.map { scale($0, by: economics.margin) }
        let profit = margin.map { shift($0, by: -cost) }
        let roi = cost > 0 ? profit.map { scale($0, by: 1 / cost) } : nil
        var measured = PlaybookMeasurement(
            playbook: playbook, arms: arms, lift: lift,
            realised: .init(subsidy: subsidy, messageCost: messageCost, pointsLiability: points, margin: economics.margin,
                            cost: cost, incrementalGrossMargin: margin, incrementalProfit: profit, roi: roi),
            costs: costs)
        if treated.count > 1 {
            measured.variants = treated.compactMap { compare(treated: [$0], control: control, byArm) }
            measured.ranking = rank(arms.filter { !heldOutArms.contains($0.arm) }, byArm)
        }
        return measured
    }

    /// The treated arm with the most revenue per member against the next one. A winner is
    /// named only when the difference between the two is significant at 95 %.
    static func rank(_ treated: [PlaybookMeasurement.Arm], _ byArm: [String: [MeasuredMember]]) -> PlaybookMeasurement.Ranking? {
        let ordered = treated.sorted { ($0.revenuePerMember, $1.arm) > ($1.revenuePerMember, $0.arm) }
        guard ordered.count > 1 else { return nil }
        let best = byArm[ordered[0].arm]!, next = byArm[ordered[1].arm]!
        let revenue = LiftStatistics.meanDifference(treated: best.map(\.revenue.major), control: next.map(\.revenue.major))
        let purchase = LiftStatistics.rateDifference(treated: (best.count { $0.orders > 0 }, best.count),
                                                     control: (next.count { $0.orders > 0 }, next.count))
        return .init(best: ordered[0].arm, runnerUp: ordered[1].arm, revenuePerMember: revenue, purchaseRate: purchase,
                     winner: revenue?.significant == true ? ordered[0].arm : nil)
    }

    /// `treated` arms pooled against `control` arms; nil when either side has no member.
    public static func compare(treated: [String], control: [String], _ byArm: [String: [MeasuredMember]])
        -> PlaybookMeasurement.Comparison? {
        let t = treated.flatMap { byArm[$0] ?? [] }, c = control.flatMap { byArm[$0] ?? [] }
        guard !t.isEmpty, !c.isEmpty else { return nil }
        let perMember = LiftStatistics.meanDifference(treated: t.map(\.revenue.major), control: c.map(\.revenue.major))
        return .init(
            treated: treated, control: control, treatedMembers: t.count, controlMembers: c.count,
            purchaseRate: LiftStatistics.rateDifference(treated: (t.count { $0.orders > 0 }, t.count),
                                                        control: (c.count { $0.orders > 0 }, c.count)),
            redemptionRate: LiftStatistics.rateDifference(treated: (t.count { $0.redemptions > 0 }, t.count),
                                                          control: (c.count { $0.redemptions > 0 }, c.count)),
            revenuePerMember: perMember,
            incrementalRevenue: perMember.map { scale($0, by: Double(t.count)) })
    }

    static func arm(name: String, _ members: [MeasuredMember]) -> PlaybookMeasurement.Arm {
        let n = Double(members.count)
        let purchasers = members.count { $0.orders > 0 }, redeemers = members.count { $0.redemptions > 0 }
        let revenue = members.reduce(Money.zero) { $0 + $1.revenue }.major
        return .init(arm: name, members: members.count, purchasers: purchasers, redeemers: redeemers, revenue: revenue,
                     purchaseRate: Double(purchasers) / n, redemptionRate: Double(redeemers) / n, revenuePerMember: revenue / n)
    }

    /// A difference times a positive constant: the interval scales with it.
    static func scale(_ d: LiftStatistics.Difference, by k: Double) -> LiftStatistics.Difference {
        .init(estimate: d.estimate * k, low: d.low * k, high: d.high * k)
    }

    static func shift(_ d: LiftStatistics.Difference, by k: Double) -> LiftStatistics.Difference {
        .init(estimate: d.estimate + k, low: d.low + k, high: d.high + k)
    }
}
