#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What each member would do with no offer at all: the chance of at least one order
/// meeting a minimum spend inside a window after the as-of day, from a repeat-buying
/// model fitted on everyone's history before it. The forecast's baseline; a playbook's
/// uplift scales it into the treated forecast.
///
/// For example:
/// ```swift
/// let baseline = try BaselineResponse(population, asOf: asOf)
/// let spend = QualifyingSpend(population, before: Timestamp(day: asOf), minSpend: Money(major: 30))
/// baseline.probability(member: 7, windowDays: 30, spend: spend)
/// ```
public struct BaselineResponse: Sendable {
    public let fit: BGNBD.Fit
    public let asOf: Day
    /// Per member (population order): (x, t_x, T) of their history before `asOf`, in
    /// weeks with T the exact elapsed time; nil for prospects (no order yet).
    public let summaries: [BGNBD.Customer?]
    /// Chance that a prospect buys in a window: the models are silent on never-buyers.
    public var prospectProbability = Self.defaultProspectProbability
    public static let defaultProspectProbability = 0.02

    /// Fits the model on every buyer's history before `asOf`.
    ///
    /// - throws: `BGNBD.FitError.notEnoughData` when nobody made a repeat purchase.
    public init(_ population: Population, asOf: Day, variant: BGNBD.Variant = .modified) throws {
        let summaries = Self.summaries(population, asOf: asOf)
        let fit = try BGNBD.fit(summaries.compactMap { $0 }, variant: variant)
        self.init(fit: fit, asOf: asOf, summaries: summaries)
    }

    public init(fit: BGNBD.Fit, asOf: Day, summaries: [BGNBD.Customer?]) {
        self.fit = fit; self.asOf = asOf; self.summaries = summaries
    }

    /// (x, t_x, T) per member from every order before `asOf`, T up to the end of the day before.
    public static func summaries(_ population: Population, asOf: Day) -> [BGNBD.Customer?] {
        byMember(BGNBD.calibrationRows(population, start: historyStart, end: asOf.adding(days: -1),
                                       age: .endOfLastDay), count: population.count)
    }

    /// The same from columns, for the members of `c` at `members`.
    public static func summaries(_ c: ColumnarPopulation, asOf: Day, members: [Int]) -> [BGNBD.Customer?] {
        let end = asOf.adding(days: -1)
        return members.map { i in
            BGNBD.PurchaseSpan(c, member: i, start: historyStart, end: end)?.customer(horizon: asOf)
        }
    }

    /// What the fit reads of every member of `c` (the summaries of `summaries(_:asOf:)`),
    /// compressed in one pass over the columns.
    public static func fitInput(_ c: ColumnarPopulation, asOf: Day) -> BGNBD.FitInput {
        BGNBD.FitInput(c, start: historyStart, end: asOf.adding(days: -1), age: .endOfLastDay)
    }

    /// Every order before the as-of day counts.
    private static let historyStart = Day(index: Int32.min)

    private static func byMember(_ rows: [BGNBD.CalibrationRow], count: Int) -> [BGNBD.Customer?] {
        var out = [BGNBD.Customer?](repeating: nil, count: count)
        for row in rows { out[row.memberIndex] = row.customer }
        return out
    }

    /// P(member places at least one order meeting `spend.minSpend` within `windowDays`),
    /// with no offer; under `model` instead of the fitted one when given (parameter draws).
    public func probability(member i: Int, windowDays: Int, spend: QualifyingSpend, model: BGNBD? = nil) -> Double {
        guard let c = summaries[i] else { return prospectProbability * spend.share[i] }
        return (model ?? fit.model).probabilityOfQualifyingPurchase(
            within: Double(windowDays) / 7, share: spend.share[i], x: c.x, tx: c.tx, T: c.T)
    }

    /// One scenario per simulation run, so intervals carry more than coin-flip noise:
    /// the model's parameters are drawn from the fit's sampling distribution (their effect
    /// on the campaign's expected redemptions becomes a common scale), and a campaign-wide
    /// model error — the part of the backtest error no parameter explains — scales
    /// probabilities and order values. Deterministic for a seed.
    ///
    /// - parameter expected: the campaign's expected redemptions under a model (nil: the
    ///   fitted one), summed by the caller over its candidates.
    public func scenarios(runs: Int, uncertainty: ForecastUncertainty, seed: UInt64,
                          expected: (BGNBD?) -> Double) -> [ForecastScenario] {
        var g = SeededGenerator(seed: seed ^ 0x5CE7_A210)
        let central = expected(nil)
        let draws = max(1, min(runs, uncertainty.parameterDraws))
        let parameterScale: [Double] = (0..<draws).map { _ in
            let model = fit.drawModel(using: &g)
            return central > 0 ? expected(model) / central : 1
        }
        return (0..<runs).map { k in
            ForecastScenario(
                probabilityScale: parameterScale[k % draws] * uncertainty.meanOneLogNormal(uncertainty.redemptionError, &g),
                valueScale: uncertainty.meanOneLogNormal(uncertainty.valueError, &g))
        }
    }

    /// `scenarios(runs:uncertainty:seed:expected:)` for members sharing one offer window and minimum spend.
    public func scenarios(members: [Int], windowDays: Int, spend: QualifyingSpend, runs: Int,
                          uncertainty: ForecastUncertainty, seed: UInt64) -> [ForecastScenario] {
        scenarios(runs: runs, uncertainty: uncertainty, seed: seed) { model in
            members.reduce(0.0) { $0 + probability(member: $1, windowDays: windowDays, spend: spend, model: model) }
        }
    }
}

/// How much uncertainty a forecast's intervals carry beyond the Monte-Carlo draws.
///
/// The model errors are log-scale standard deviations of a campaign-wide factor, measured
/// by `crescent bench backtest` as the spread of log(actual / forecast) left after the
/// Monte-Carlo and parameter spread (docs/FORECAST.md).
public struct ForecastUncertainty: Sendable, Hashable, Codable {
    /// Parameter sets drawn from the fit (cycled over the runs).
    public var parameterDraws = 40
    /// Log-scale spread of the campaign-wide redemption error.
    public var redemptionError = 0.2
    /// Log-scale spread of the campaign-wide error in the value of a qualifying order.
    public var valueError = 0.1

    public init() {}

    /// The same with no model error, only parameter uncertainty.
    public static var parametersOnly: ForecastUncertainty {
        var u = ForecastUncertainty(); u.redemptionError = 0; u.valueError = 0; return u
    }

    /// A log-normal factor with mean 1 and log-scale spread `sigma` (exactly 1 for sigma 0).
    func meanOneLogNormal(_ sigma: Double, _ g: inout SeededGenerator) -> Double {
        guard sigma > 0 else { return 1 }
        return exp(sigma * Sampling.normal(using: &g) - sigma * sigma / 2)
    }
}
