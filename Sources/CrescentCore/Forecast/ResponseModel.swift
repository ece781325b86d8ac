/// Each member's chance to buy inside an offer window, and what they would spend.
///
/// The chance comes from a fitted BG/NBD model: P(alive) × P(at least one purchase in
/// the window | alive), then scaled by the offer's uplift. BG/NBD only describes people
/// who have bought at least once, so prospects (no order before `asOf`) get a flat
/// configurable base rate instead.
///
/// For example:
/// ```swift
/// var response = ResponseModel(model: fit.model, asOf: Day(year: 1997, month: 10, day: 1))
/// response.uplift = 1.3                      // the coupon lifts buying by 30 %
/// let rows = response.responses(for: population, windowDays: 14)
/// ```
public struct ResponseModel: Sendable {
    /// The fitted repeat-buying model (weeks).
    public var model: BGNBD
    /// The day the offer goes out. History is every order strictly before it.
    public var asOf: Day
    /// Multiplies every base probability: 1 means the offer changes nothing. The product
    /// is capped at 1. A stand-in for a measured treatment effect, set per playbook.
    public var uplift: Double = 1
    /// Base chance that a never-buyer buys in the window (BG/NBD is silent on them).
    public var prospectProbability: Double = 0

    public init(model: BGNBD, asOf: Day, uplift: Double = 1, prospectProbability: Double = 0) {
        self.model = model; self.asOf = asOf; self.uplift = uplift
        self.prospectProbability = prospectProbability
    }

    /// One member's predicted response.
    public struct MemberResponse: Hashable, Sendable {
        /// Index into `Population.members`.
        public var memberIndex: Int
        /// P(buys in the window) before uplift.
        public var baseProbability: Double
        /// P(buys in the window) after uplift, capped at 1.
        public var probability: Double
        /// Expected value of the order: the member's own mean order, or the population's.
        public var orderValue: Money
        /// True when the member has no order before `asOf`.
        public var isProspect: Bool
    }

    /// P(at least one purchase within `windowDays`) for a customer summarised by (x, t_x, T),
    /// before uplift. Exact under BG/NBD: see `BGNBD.probabilityOfPurchase(within:x:tx:T:)`.
    public func baseProbability(windowDays: Int, customer c: BGNBD.Customer) -> Double {
        model.probabilityOfPurchase(within: Double(windowDays) / 7, x: c.x, tx: c.tx, T: c.T)
    }

    /// Applies the uplift, capping at 1 (and flooring at 0 for a negative uplift).
    public func uplifted(_ p: Double) -> Double { min(1, max(0, p * uplift)) }

    /// Predicted responses for every member, in population order.
    ///
    /// T is the exact elapsed time, (asOf − first purchase) / 7, so a purchase the day
    /// before the offer counts as recent. Order value is the rounded mean of the member's
    /// orders before `asOf`; prospects get the mean over all those orders.
    public func responses(for population: Population, windowDays: Int) -> [MemberResponse] {
        let history = BGNBD.calibrationRows(population, start: Day(index: Int32.min),
                                            end: asOf.adding(days: -1), age: .endOfLastDay)
        var rowOf = [Int?](repeating: nil, count: population.count)
        for (k, row) in history.enumerated() { rowOf[row.memberIndex] = k }

        let cutoff = Timestamp(day: asOf)
        var totalUnits: Int64 = 0, totalCount: Int64 = 0
        var meanOf = [Money](repeating: .zero, count: population.count)
        for i in 0..<population.count {
            var units: Int64 = 0, count: Int64 = 0
            for o in population.orders(ofMemberAt: i) where o.time < cutoff {
                units += o.amount.minorUnits; count += 1
            }
            totalUnits += units; totalCount += count
            meanOf[i] = Self.roundedMean(units, count)
        }
        let populationMean = Self.roundedMean(totalUnits, totalCount)

        return (0..<population.count).map { i in
            let base: Double
            let prospect = rowOf[i] == nil
            if let k = rowOf[i] {
                base = baseProbability(windowDays: windowDays, customer: history[k].customer)
            } else {
                base = prospectProbability
            }
            return MemberResponse(memberIndex: i, baseProbability: base, probability: uplifted(base),
                                  orderValue: prospect ? populationMean : meanOf[i], isProspect: prospect)
        }
    }

    /// Integer mean of `units` over `count`, rounded half away from zero; zero when empty.
    static func roundedMean(_ units: Int64, _ count: Int64) -> Money {
        guard count > 0 else { return .zero }
        let q = units / count, r = units % count
        let bump: Int64 = 2 * r.magnitude >= count.magnitude ? (units < 0 ? -1 : 1) : 0
        return Money(minorUnits: q + bump)
    }
}
