#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Scores the baseline forecast (uplift 1: no offer effect) against what customers
/// actually bought, over a grid of campaigns, next to a textbook BG/NBD forecast of the
/// same campaigns. Data without coupons has only baseline truth, so this is the one
/// honest test of the response model. `crescent bench backtest` prints it.
///
/// A campaign gives every member of an audience (defined on history before the as-of day)
/// an offer with a minimum spend valid for a window; a member "redeems" when their first
/// order in the window meets the minimum, worth that order's amount.
public struct BaselineBacktest: Sendable {
    /// Who a campaign targets, from history before the as-of day.
    public enum Audience: String, CaseIterable, Sendable {
        case everyone, active, lapsed
        case longLapsed = "long_lapsed"
        case highValue = "high_value"
        case oneTime = "one_time"

        /// Days since the last purchase that separate active from lapsed from long-lapsed.
        static let activeDays = 90.0, lapsedDays = 270.0
    }

    /// A forecasting method scored by the backtest.
    public enum Method: Hashable, Sendable, CustomStringConvertible {
        /// Crescent's model with the given repeat-buying variant.
        case crescent(BGNBD.Variant)
        /// BG/NBD P(any purchase) × the Laplace share (k + ½)/(n + 1) of orders meeting the
        /// minimum, order value max(member mean, minimum), Monte-Carlo intervals only:
        /// the textbook recipe (and Crescent's before this model).
        case textbook

        public var description: String {
            switch self {
            case .crescent(let v): return v == .modified ? "crescent (MBG/NBD)" : "crescent (BG/NBD)"
            case .textbook: return "textbook BG/NBD"
            }
        }
    }

    public struct Campaign: Hashable, Sendable {
        public var asOf: Day
        public var audience: Audience
        public var minSpend: Money
        public var windowDays: Int
    }

    /// One campaign's forecasts (per method) and what happened.
    public struct Scored: Sendable {
        public var campaign: Campaign
        public var members: Int
        public var actualRedemptions: Double
        public var actualRevenue: Double
        public var redemptions: [Method: Estimate]
        public var revenue: [Method: Estimate]
    }

    public var asOfDays: [Day]
    public var audiences: [Audience] = Audience.allCases
    public var minSpends: [Money] = [15, 30, 50, 100].map { Money(major: $0) }
    public var windows: [Int] = [14, 30, 60]
    public var methods: [Method] = [.crescent(.modified), .crescent(.classic), .textbook]
    public var runs = 200
    public var seed: UInt64 = 42
    public var uncertainty = ForecastUncertainty()
    /// Campaigns with fewer members are skipped: their error is mostly noise.
    public var minimumAudience = 30

    public init(asOfDays: [Day]) { self.asOfDays = asOfDays }

    /// Four as-of days evenly spread from 40 % into the data's span to the last day that
    /// leaves the longest window fully observed.
    public static func defaultAsOfDays(_ population: Population, longestWindow: Int) -> [Day] {
        guard let first = population.orders.map(\.day).min(), let last = population.orders.map(\.day).max() else { return [] }
        let span = last.days(since: first)
        let from = span * 2 / 5, to = span - longestWindow
        guard to > from else { return [] }
        return (0..<4).map { first.adding(days: from + (to - from) * $0 / 3) }
    }

    /// Scores every campaign of the grid. Deterministic for a seed.
    ///
    /// - throws: `BGNBD.FitError` when the history before an as-of day has no repeat buyer.
    public func run(_ population: Population) throws -> [Scored] {
        var scored: [Scored] = []
        for asOf in asOfDays {
            let summaries = BaselineResponse.summaries(population, asOf: asOf)
            let buyers = summaries.compactMap { $0 }
            var baselines: [BGNBD.Variant: BaselineResponse] = [:]
            for method in methods {
                let variant: BGNBD.Variant
                switch method { case .crescent(let v): variant = v; case .textbook: variant = .classic }
                if baselines[variant] == nil {
                    baselines[variant] = BaselineResponse(fit: try BGNBD.fit(buyers, variant: variant), asOf: asOf,
                                                          summaries: summaries)
                }
            }
            let cutoff = Timestamp(day: asOf)
            let audiences = Self.audiences(population, summaries: summaries, before: cutoff)
            let textbookValue = Self.textbookMeans(population, before: cutoff)
            for minSpend in minSpends {
                let spend = QualifyingSpend(population, before: cutoff, minSpend: minSpend)
                for audience in self.audiences {
                    let members = audiences[audience] ?? []
                    guard members.count >= minimumAudience else { continue }
                    for window in windows {
                        let campaign = Campaign(asOf: asOf, audience: audience, minSpend: minSpend, windowDays: window)
                        scored.append(score(campaign, members: members, population: population, baselines: baselines,
                                            spend: spend, textbookValue: textbookValue))
                    }
                }
            }
        }
        return scored
    }

    private func score(_ campaign: Campaign, members: [Int], population: Population,
                       baselines: [BGNBD.Variant: BaselineResponse], spend: QualifyingSpend,
                       textbookValue: [Money]) -> Scored {
        let from = Timestamp(day: campaign.asOf), to = Timestamp(day: campaign.asOf.adding(days: campaign.windowDays))
        var count = 0.0, revenue: Int64 = 0
        for i in members {
            if let o = RealisedRedemption.firstQualifyingOrder(in: population.orders(ofMemberAt: i),
                                                               minSpend: campaign.minSpend, from: from, to: to) {
                count += 1; revenue += o.amount.minorUnits
            }
        }
        var result = Scored(campaign: campaign, members: members.count, actualRedemptions: count,
                            actualRevenue: Double(revenue) / 100, redemptions: [:], revenue: [:])
        let campaignSeed = seed ^ UInt64(bitPattern: Int64(campaign.asOf.index)) &* 0x9E37_79B9
            ^ UInt64(campaign.minSpend.minorUnits) &* 31 ^ UInt64(campaign.windowDays) &* 1_000_003
        for method in methods {
            var candidates: [ForecastCandidate] = []
            var scenarios: [ForecastScenario] = []
            switch method {
            case .crescent(let variant):
                let baseline = baselines[variant]!
                candidates = members.map {
                    ForecastCandidate(probability: baseline.probability(member: $0, windowDays: campaign.windowDays, spend: spend),
                                      orderValue: Money(minorUnits: Int64((spend.value[$0] * 100).rounded())))
                }
                scenarios = baseline.scenarios(members: members, windowDays: campaign.windowDays, spend: spend, runs: runs,
                                               uncertainty: uncertainty, seed: campaignSeed)
            case .textbook:
                let baseline = baselines[.classic]!
                let cutoff = Timestamp(day: campaign.asOf)
                candidates = members.map { i in
                    let c = baseline.summaries[i]!
                    let p = baseline.fit.model.probabilityOfPurchase(within: Double(campaign.windowDays) / 7,
                                                                     x: c.x, tx: c.tx, T: c.T)
                    let q = Self.laplaceShare(population.orders(ofMemberAt: i), before: cutoff, minSpend: campaign.minSpend)
                    return ForecastCandidate(probability: min(1, p * q), orderValue: max(textbookValue[i], campaign.minSpend))
                }
            }
            var g = SeededGenerator(seed: campaignSeed)
            let outcome = ForecastSimulation(runs: runs, valueSpread: 0.3).run(candidates, scenarios: scenarios, using: &g)
            result.redemptions[method] = outcome.totals.redemptions
            result.revenue[method] = outcome.totals.revenue
        }
        return result
    }

    /// The textbook minimum-spend share: (k + ½) / (n + 1) of the member's own orders.
    public static func laplaceShare(_ orders: ArraySlice<Order>, before cutoff: Timestamp, minSpend: Money) -> Double {
        guard minSpend.minorUnits > 0 else { return 1 }
        var n = 0, ok = 0
        for o in orders where o.time < cutoff {
            n += 1
            if o.amount >= minSpend { ok += 1 }
        }
        return (Double(ok) + 0.5) / (Double(n) + 1)
    }

    /// Each member's mean order before `cutoff` (zero without orders).
    static func textbookMeans(_ population: Population, before cutoff: Timestamp) -> [Money] {
        (0..<population.count).map { i in
            var units: Int64 = 0, n: Int64 = 0
            for o in population.orders(ofMemberAt: i) where o.time < cutoff { units += o.amount.minorUnits; n += 1 }
            return n > 0 ? Money(minorUnits: units / n) : .zero
        }
    }

    /// Member indices of each audience. High value: the top fifth of buyers by spend.
    static func audiences(_ population: Population, summaries: [BGNBD.Customer?],
                          before cutoff: Timestamp) -> [Audience: [Int]] {
        var out: [Audience: [Int]] = [:]
        var spendOf: [(Int, Int64)] = []
        for (i, s) in summaries.enumerated() {
            guard let s else { continue }
            out[.everyone, default: []].append(i)
            let silentDays = (s.T - s.tx) * 7
            if silentDays <= Audience.activeDays { out[.active, default: []].append(i) }
            else if silentDays <= Audience.lapsedDays { out[.lapsed, default: []].append(i) }
            else { out[.longLapsed, default: []].append(i) }
            if s.x == 0 { out[.oneTime, default: []].append(i) }
            let spend = population.orders(ofMemberAt: i).reduce(Int64(0)) { $0 + ($1.time < cutoff ? $1.amount.minorUnits : 0) }
            spendOf.append((i, spend))
        }
        spendOf.sort { ($0.1, $1.0) > ($1.1, $0.0) }
        out[.highValue] = spendOf.prefix(spendOf.count / 5).map(\.0).sorted()
        return out
    }
}

extension BaselineBacktest {
    /// Accuracy of one method on one metric over the scored campaigns.
    public struct Accuracy: Sendable {
        /// Mean |forecast − actual| / actual over campaigns with a positive actual.
        public var meanAbsolutePercentError: Double
        /// The same over campaigns with at least `largeCampaign` actual redemptions, where
        /// the error is more model than chance.
        public var largeCampaignError: Double
        public var largeCampaigns: Int
        /// Mean (forecast − actual) / actual: positive when over-forecasting.
        public var bias: Double
        /// Share of campaigns whose actual lies inside the 90 % interval.
        public var coverage: Double
        /// Standard deviation of log(actual / forecast) over the large campaigns (the
        /// spread the intervals have to cover).
        public var logErrorSpread: Double
        public var campaigns: Int
    }

    /// Actual redemptions from which a campaign counts as large.
    public static let largeCampaign = 20.0

    public static func accuracy(_ scored: [Scored], method: Method, revenue: Bool) -> Accuracy {
        var ape = 0.0, signed = 0.0, n = 0, inside = 0, logs: [Double] = [], largeAPE = 0.0, large = 0
        for s in scored {
            guard let f = revenue ? s.revenue[method] : s.redemptions[method] else { continue }
            let actual = revenue ? s.actualRevenue : s.actualRedemptions
            if actual >= f.low && actual <= f.high { inside += 1 }
            guard actual > 0 else { continue }
            n += 1
            ape += abs(f.mean - actual) / actual
            signed += (f.mean - actual) / actual
            if s.actualRedemptions >= largeCampaign, f.mean > 0 {
                logs.append(log(actual / f.mean))
                largeAPE += abs(f.mean - actual) / actual; large += 1
            }
        }
        let mean = logs.isEmpty ? 0 : logs.reduce(0, +) / Double(logs.count)
        let sd = logs.count < 2 ? 0 : (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)).squareRoot()
        return Accuracy(meanAbsolutePercentError: n > 0 ? ape / Double(n) : 0,
                        largeCampaignError: large > 0 ? largeAPE / Double(large) : 0, largeCampaigns: large, bias: n > 0 ? signed / Double(n) : 0,
                        coverage: scored.isEmpty ? 0 : Double(inside) / Double(scored.count), logErrorSpread: sd,
                        campaigns: scored.count)
    }
}
