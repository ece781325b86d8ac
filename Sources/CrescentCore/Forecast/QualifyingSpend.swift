#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How likely each member's next purchase day has an order meeting a minimum spend, and
/// what an order that meets it is worth.
///
/// The share of a member's purchase days with an order at or above the threshold varies
/// between members, so
/// it is modelled as Beta(μm, (1−μ)m) across the population, fitted by maximum
/// likelihood on every member's (qualifying days k, purchase days n) — the beta-binomial. A member's
/// own share is then the posterior mean (k + μm) / (n + m): a member who never reached
/// the threshold is priced from the population (μm / (n + m)), not given a flat ½.
///
/// The value of a qualifying order is the member's mean qualifying order, shrunk towards
/// the population's mean qualifying order with the weight of `valuePriorOrders` orders.
///
/// For example:
/// ```swift
/// let spend = QualifyingSpend(population, before: Timestamp(day: asOf), minSpend: Money(major: 50))
/// spend.share[i], spend.value[i]
/// ```
public struct QualifyingSpend: Sendable {
    public let minSpend: Money
    /// μ: the population's mean share of qualifying purchase days.
    public let populationShare: Double
    /// m: how many purchase days' worth of evidence the population prior carries.
    public let priorStrength: Double
    /// Mean value of a qualifying order over all members' orders (major units).
    public let populationValue: Double
    /// Per member (population order): posterior share of qualifying purchase days.
    public let share: [Double]
    /// Per member: expected value of a qualifying order (major units).
    public let value: [Double]

    /// Orders of prior weight on the population's mean qualifying value.
    public static let valuePriorOrders = 2.0

    public init(_ population: Population, before cutoff: Timestamp, minSpend: Money) {
        self.init(members: population.count, minSpend: minSpend) { i, visit in
            for o in population.orders(ofMemberAt: i) where o.time < cutoff { visit(o.day, o.amount) }
        }
    }

    /// The same from columns: every member's orders before `cutoff`, in population order.
    public init(_ c: ColumnarPopulation, before cutoff: Timestamp, minSpend: Money) {
        self.init(members: c.count, minSpend: minSpend) { i, visit in
            for k in c.orderStart[i]..<c.orderStart[i + 1] where c.orderSeconds[k] < cutoff.seconds {
                visit(Timestamp(seconds: c.orderSeconds[k]).day, Money(minorUnits: c.orderAmount[k]))
            }
        }
    }

    /// - parameter orders: calls `visit(day, amount)` for member `i`'s orders before the cutoff, in time order.
    ///   Inlined into each public init so both closures are too (over 10 M members, calls per order add up).
    @inline(__always)
    private init(members n: Int, minSpend: Money, orders: (Int, (Day, Money) -> Void) -> Void) {
        self.minSpend = minSpend
        var k = [Int](repeating: 0, count: n), purchaseDays = [Int](repeating: 0, count: n)
        var qualifyingSum = [Double](repeating: 0, count: n), qualifyingOrders = [Int](repeating: 0, count: n)
        var popSum = 0.0, popCount = 0
        for i in 0..<n {
            // Purchase days, as the repeat-buying model counts them: a day qualifies when
            // any of its orders does (several orders on a day are several chances).
            var day: Day?, dayQualifies = false
            orders(i) { orderDay, amount in
                if orderDay != day {
                    if dayQualifies { k[i] += 1 }
                    day = orderDay; dayQualifies = false; purchaseDays[i] += 1
                }
                if amount >= minSpend {
                    dayQualifies = true
                    qualifyingSum[i] += amount.major; qualifyingOrders[i] += 1
                }
            }
            if dayQualifies { k[i] += 1 }
            popSum += qualifyingSum[i]; popCount += qualifyingOrders[i]
        }
        let totalOrders = purchaseDays.reduce(0, +)
        let (mu, m) = Self.fitPrior(k: k, n: purchaseDays)
        populationShare = mu; priorStrength = m
        populationValue = popCount > 0 ? popSum / Double(popCount) : minSpend.major
        let w = Self.valuePriorOrders
        let popValue = populationValue
        share = (0..<n).map { i in
            guard totalOrders > 0 else { return mu }
            return m.isInfinite ? mu : (Double(k[i]) + mu * m) / (Double(purchaseDays[i]) + m)
        }
        value = (0..<n).map { i in (qualifyingSum[i] + w * popValue) / (Double(qualifyingOrders[i]) + w) }
    }

    private init(minSpend: Money, populationShare: Double, priorStrength: Double, populationValue: Double,
                 share: [Double], value: [Double]) {
        self.minSpend = minSpend; self.populationShare = populationShare; self.priorStrength = priorStrength
        self.populationValue = populationValue; self.share = share; self.value = value
    }

    /// Only `members` (population indices), in that order, with the whole population's prior:
    /// a context holding some members prices them exactly as the whole population would.
    public func restricted(to members: [Int]) -> QualifyingSpend {
        QualifyingSpend(minSpend: minSpend, populationShare: populationShare, priorStrength: priorStrength,
                        populationValue: populationValue, share: members.map { share[$0] }, value: members.map { value[$0] })
    }

    /// μ and m by maximum likelihood of the beta-binomial over members with orders.
    /// Degenerate populations (no orders, none or all qualifying) give μ = 0 or 1 with
    /// infinite strength: every member gets the population's share.
    static func fitPrior(k: [Int], n: [Int]) -> (mu: Double, strength: Double) {
        struct Counts: Hashable { var k: Int, n: Int }
        // Keyed by a pair, not an array: an array key allocated once per member (10 M at 10M).
        var groups: [Counts: Double] = [:]
        var hits = 0, total = 0
        for (ki, ni) in zip(k, n) where ni > 0 {
            groups[Counts(k: ki, n: ni), default: 0] += 1
            hits += ki; total += ni
        }
        guard total > 0 else { return (0, .infinity) }
        guard hits > 0, hits < total else { return (Double(hits) / Double(total), .infinity) }
        let rows = groups.sorted { ($0.key.n, $0.key.k) < ($1.key.n, $1.key.k) }
        func negativeLL(_ p: [Double]) -> Double {
            guard abs(p[0]) < 30, abs(p[1]) < 20 else { return .infinity }
            let mu = 1 / (1 + exp(-p[0])), m = exp(p[1])
            let a = mu * m, b = (1 - mu) * m
            let lbetaAB = lgamma(a) + lgamma(b) - lgamma(a + b)
            var total = 0.0
            for (key, count) in rows {
                let ki = Double(key.k), ni = Double(key.n)
                total += count * (lgamma(ki + a) + lgamma(ni - ki + b) - lgamma(ni + a + b) - lbetaAB)
            }
            return -total
        }
        let pooled = Double(hits) / Double(total)
        let best = NelderMead().minimize(start: [log(pooled / (1 - pooled)), log(2)], negativeLL)
        return (1 / (1 + exp(-best.point[0])), exp(best.point[1]))
    }
}
