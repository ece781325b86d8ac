/// One targeted member as the Monte-Carlo driver sees them.
public struct ForecastCandidate: Hashable, Sendable {
    /// P(redeems the offer and buys in the window), already uplifted and capped.
    public var probability: Double
    /// What the member pays for the order if they redeem (after the discount).
    public var orderValue: Money
    /// Subsidy borne by the merchant when the offer is redeemed.
    public var merchantCost: Money
    /// Subsidy borne by the platform when the offer is redeemed.
    public var platformCost: Money
    /// A silent member (no recent order): redemptions count towards the recall rate.
    public var isSilent: Bool
    /// Breakdown keys this member adds to, e.g. `"segment:silent_vip"`, `"channel:sms"`.
    public var groups: [String]
    /// P(the same qualifying purchase with no offer): the baseline behind incremental figures.
    public var baselineProbability: Double
    /// The part of the subsidy that is awarded points (the points liability).
    public var pointsCost: Money

    public init(probability: Double, orderValue: Money, merchantCost: Money = .zero,
                platformCost: Money = .zero, isSilent: Bool = false, groups: [String] = [],
                baselineProbability: Double = 0, pointsCost: Money = .zero) {
        self.probability = probability; self.orderValue = orderValue
        self.merchantCost = merchantCost; self.platformCost = platformCost
        self.isSilent = isSilent; self.groups = groups
        self.baselineProbability = baselineProbability; self.pointsCost = pointsCost
    }
}

/// Monte-Carlo forecast of redemptions, cost and revenue with intervals.
///
/// Each run draws every candidate's redemption as a Bernoulli trial (and, with
/// `valueSpread`, their order value from a log-normal with the same mean). Ratios —
/// ROI, AOV, discount depth, rates — are computed *within* each run and then summarised,
/// so their intervals are real intervals of the ratio, not ratios of interval ends.
/// The same candidates in the same order and the same generator state give the same result.
///
/// For example:
/// ```swift
/// var g = SeededGenerator(seed: 42)
/// let outcome = ForecastSimulation(runs: 1000).run(candidates, using: &g)
/// outcome.totals.redemptions   // Estimate(mean: 412.3, low: 389, high: 436)
/// ```
public struct ForecastSimulation: Sendable {
    /// Number of simulated campaigns.
    public var runs: Int
    /// Log-scale spread of order values around each candidate's `orderValue`; 0 keeps them fixed.
    public var valueSpread: Double
    /// Share of revenue that is profit before subsidy: profit = revenue × margin − cost.
    public var grossMargin: Double

    public init(runs: Int = 1000, valueSpread: Double = 0, grossMargin: Double = 1) {
        precondition(runs > 0, "a simulation needs at least one run")
        self.runs = runs; self.valueSpread = valueSpread; self.grossMargin = grossMargin
    }

    /// Runs the simulation; run k applies `scenarios[k % scenarios.count]` to every
    /// candidate (none: each candidate as given). With `economics`, the totals also get
    /// incremental figures (`IncrementalFigures`).
    ///
    /// A candidate's treated and baseline outcomes share one uniform draw, so a member who
    /// would have bought anyway is a redemption in both and incremental in neither.
    public func run(_ candidates: [ForecastCandidate], scenarios: [ForecastScenario] = [],
                    economics: IncrementalEconomics? = nil,
                    using g: inout some RandomNumberGenerator) -> ForecastOutcome {
        let keys = Set(candidates.flatMap(\.groups)).sorted()
        var slot: [String: Int] = [:]
        for (k, key) in keys.enumerated() { slot[key] = k }
        let groupsOf = candidates.map { Set($0.groups).map { slot[$0]! }.sorted() }

        var totals = [RunTotals]()
        totals.reserveCapacity(runs)
        var byGroup = [[RunTotals]](repeating: [], count: keys.count)
        for run in 0..<runs {
            let scenario = scenarios.isEmpty ? ForecastScenario() : scenarios[run % scenarios.count]
            var all = RunTotals()
            var groups = [RunTotals](repeating: RunTotals(), count: keys.count)
            for (c, member) in candidates.enumerated() {
                let u = Sampling.uniform(using: &g)
                let hit = u < min(1, member.probability * scenario.probabilityScale)
                let baseHit = u < min(1, member.baselineProbability * scenario.probabilityScale)
                var value = member.orderValue.minorUnits
                if hit || baseHit, scenario.valueScale != 1 { value = Int64((Double(value) * scenario.valueScale).rounded()) }
                if hit || baseHit, valueSpread > 0, value > 0 {
                    value = Int64(Sampling.logNormal(mean: Double(value), sigma: valueSpread, using: &g).rounded())
                }
                all.add(member, hit: hit, baseHit: baseHit, value: value)
                for k in groupsOf[c] { groups[k].add(member, hit: hit, baseHit: baseHit, value: value) }
            }
            totals.append(all)
            for k in 0..<keys.count { byGroup[k].append(groups[k]) }
        }
        var breakdown: [String: ForecastFigures] = [:]
        for (k, key) in keys.enumerated() {
            breakdown[key] = figures(byGroup[k])
            if let e = economics, let cost = e.groupMessageCost[key] {
                breakdown[key]!.incremental = incremental(byGroup[k], IncrementalEconomics(margin: e.margin, messageCost: cost))
            }
        }
        var all = figures(totals)
        all.incremental = economics.map { incremental(totals, $0) }
        return ForecastOutcome(runs: runs, totals: all, groups: breakdown)
    }

    /// Baseline, incremental and profit on incremental sales, per run then summarised.
    private func incremental(_ runs: [RunTotals], _ e: IncrementalEconomics) -> IncrementalFigures {
        func est(_ f: (RunTotals) -> Double) -> Estimate { Estimate(samples: runs.map(f))! }
        func money(_ units: Int64) -> Double { Double(units) / 100 }
        func subsidy(_ r: RunTotals) -> Double { money(r.merchant + r.platform - r.points) }
        func profit(_ r: RunTotals) -> Double {
            money(r.revenue - r.baselineRevenue) * e.margin - subsidy(r) - e.messageCost - money(r.points)
        }
        return IncrementalFigures(
            margin: e.margin, messageCost: e.messageCost,
            baselineRedemptions: est { Double($0.baselineRedeemed) },
            baselineRevenue: est { money($0.baselineRevenue) },
            incrementalRedemptions: est { Double($0.redeemed - $0.baselineRedeemed) },
            incrementalRevenue: est { money($0.revenue - $0.baselineRevenue) },
            incrementalGrossMargin: est { money($0.revenue - $0.baselineRevenue) * e.margin },
            subsidy: est(subsidy),
            pointsLiability: est { money($0.points) },
            profit: est(profit),
            roi: Estimate(samples: runs.compactMap { r in
                let spent = subsidy(r) + e.messageCost + money(r.points)
                return spent > 0 ? profit(r) / spent : nil
            }))
    }

    private func figures(_ runs: [RunTotals]) -> ForecastFigures {
        func est(_ f: (RunTotals) -> Double?) -> Estimate? {
            Estimate(samples: runs.compactMap(f))
        }
        func money(_ units: Int64) -> Double { Double(units) / 100 }
        let first = runs.first ?? RunTotals()
        return ForecastFigures(
            candidates: first.candidates,
            silentCandidates: first.silent,
            redemptions: est { Double($0.redeemed) }!,
            revenue: est { money($0.revenue) }!,
            merchantCost: est { money($0.merchant) }!,
            platformCost: est { money($0.platform) }!,
            cost: est { money($0.merchant + $0.platform) }!,
            profit: est { money($0.merchant + $0.platform) * -1 + money($0.revenue) * grossMargin }!,
            roi: est { r in
                let cost = money(r.merchant + r.platform)
                return cost > 0 ? (money(r.revenue) * grossMargin - cost) / cost : nil
            },
            averageOrderValue: est { $0.redeemed > 0 ? money($0.revenue) / Double($0.redeemed) : nil },
            discountDepth: est { r in
                let list = r.revenue + r.merchant + r.platform
                return list > 0 ? Double(r.merchant + r.platform) / Double(list) : nil
            },
            redemptionRate: est { $0.candidates > 0 ? Double($0.redeemed) / Double($0.candidates) : nil },
            silentRecallRate: est { $0.silent > 0 ? Double($0.silentRedeemed) / Double($0.silent) : nil })
    }
}

/// What one simulated run assumes about the whole campaign: every candidate's
/// probability and order value are scaled by these (see `BaselineResponse.scenarios`).
public struct ForecastScenario: Hashable, Sendable {
    public var probabilityScale: Double
    public var valueScale: Double
    public init(probabilityScale: Double = 1, valueScale: Double = 1) {
        self.probabilityScale = probabilityScale; self.valueScale = valueScale
    }
}

/// Sums of one simulated run, in minor units so nothing is lost before summarising.
struct RunTotals {
    var candidates = 0, silent = 0, redeemed = 0, silentRedeemed = 0
    var revenue: Int64 = 0, merchant: Int64 = 0, platform: Int64 = 0, points: Int64 = 0
    var baselineRedeemed = 0, baselineRevenue: Int64 = 0

    mutating func add(_ c: ForecastCandidate, hit: Bool, baseHit: Bool, value: Int64) {
        if baseHit { baselineRedeemed += 1; baselineRevenue += value }
        candidates += 1
        if c.isSilent { silent += 1 }
        guard hit else { return }
        redeemed += 1
        if c.isSilent { silentRedeemed += 1 }
        revenue += value
        merchant += c.merchantCost.minorUnits
        platform += c.platformCost.minorUnits
        points += c.pointsCost.minorUnits
    }
}

/// The summarised result of a simulation: totals and one set of figures per group key.
public struct ForecastOutcome: Sendable, Codable, Hashable {
    public var runs: Int
    public var totals: ForecastFigures
    public var groups: [String: ForecastFigures]
}

/// Forecast figures for all candidates or one group. Money in major units; rates as
/// fractions (0.12 = 12 %). Ratio figures are nil when undefined in every run
/// (no cost → no ROI, no redemption → no AOV).
public struct ForecastFigures: Sendable, Codable, Hashable {
    public var candidates: Int
    public var silentCandidates: Int
    public var redemptions: Estimate
    public var revenue: Estimate
    public var merchantCost: Estimate
    public var platformCost: Estimate
    public var cost: Estimate
    public var profit: Estimate
    public var roi: Estimate?
    public var averageOrderValue: Estimate?
    public var discountDepth: Estimate?
    public var redemptionRate: Estimate?
    public var silentRecallRate: Estimate?
    /// Baseline and incremental figures (a dry-run's totals, and its A/B variants).
    public var incremental: IncrementalFigures? = nil
}

/// The campaign-wide money assumptions incremental profit needs.
public struct IncrementalEconomics: Hashable, Sendable {
    /// Share of incremental revenue kept as gross margin.
    public var margin: Double
    /// Every issued message and reminder (major units): paid whether anyone redeems or not.
    public var messageCost: Double
    /// Groups that get incremental figures too (A/B variants), with their own message costs.
    public var groupMessageCost: [String: Double]
    public init(margin: Double, messageCost: Double, groupMessageCost: [String: Double] = [:]) {
        self.margin = margin; self.messageCost = messageCost; self.groupMessageCost = groupMessageCost
    }
}

/// What the offer adds over what the audience buys anyway.
///
/// Profit = incremental revenue × margin − subsidy − message costs − points liability;
/// ROI = profit / (subsidy + message costs + points liability). The subsidy is paid on
/// every redemption, including those the baseline would have made without the offer.
public struct IncrementalFigures: Sendable, Codable, Hashable {
    public var margin: Double
    public var messageCost: Double
    public var baselineRedemptions: Estimate
    public var baselineRevenue: Estimate
    public var incrementalRedemptions: Estimate
    public var incrementalRevenue: Estimate
    public var incrementalGrossMargin: Estimate
    /// Cash subsidy on every redemption (points excluded: they are the points liability).
    public var subsidy: Estimate
    public var pointsLiability: Estimate
    public var profit: Estimate
    public var roi: Estimate?
}
