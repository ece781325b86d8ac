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

    public init(probability: Double, orderValue: Money, merchantCost: Money = .zero,
                platformCost: Money = .zero, isSilent: Bool = false, groups: [String] = []) {
        self.probability = probability; self.orderValue = orderValue
        self.merchantCost = merchantCost; self.platformCost = platformCost
        self.isSilent = isSilent; self.groups = groups
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
    /// candidate (none: each candidate as given).
    public func run(_ candidates: [ForecastCandidate], scenarios: [ForecastScenario] = [],
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
                let hit = Sampling.bernoulli(min(1, member.probability * scenario.probabilityScale), using: &g)
                var value = member.orderValue.minorUnits
                if hit, scenario.valueScale != 1 { value = Int64((Double(value) * scenario.valueScale).rounded()) }
                if hit, valueSpread > 0, value > 0 {
                    value = Int64(Sampling.logNormal(mean: Double(value), sigma: valueSpread, using: &g).rounded())
                }
                all.add(member, hit: hit, value: value)
                for k in groupsOf[c] { groups[k].add(member, hit: hit, value: value) }
            }
            totals.append(all)
            for k in 0..<keys.count { byGroup[k].append(groups[k]) }
        }
        var breakdown: [String: ForecastFigures] = [:]
        for (k, key) in keys.enumerated() { breakdown[key] = figures(byGroup[k]) }
        return ForecastOutcome(runs: runs, totals: figures(totals), groups: breakdown)
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
    var revenue: Int64 = 0, merchant: Int64 = 0, platform: Int64 = 0

    mutating func add(_ c: ForecastCandidate, hit: Bool, value: Int64) {
        candidates += 1
        if c.isSilent { silent += 1 }
        guard hit else { return }
        redeemed += 1
        if c.isSilent { silentRedeemed += 1 }
        revenue += value
        merchant += c.merchantCost.minorUnits
        platform += c.platformCost.minorUnits
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
}
