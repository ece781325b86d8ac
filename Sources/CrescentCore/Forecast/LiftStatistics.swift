/// The statistics of a treated-versus-control comparison: the difference of two rates or
/// two means with a 95 % confidence interval, and the smallest effect a holdout of a given
/// size can detect. Normal approximations (Wald for rates, Welch for means): campaign
/// groups are hundreds to millions of members.
///
/// For example:
/// ```swift
/// LiftStatistics.rateDifference(treated: (120, 1000), control: (90, 1000))   // 0.03 [0.003, 0.057]
/// LiftStatistics.minimumDetectableEffect(baseRate: 0.1, treated: 9000, control: 1000)
/// ```
public enum LiftStatistics {
    /// z for a two-sided 95 % interval.
    public static let z95 = 1.959_963_984_540_054
    /// z for 80 % power.
    public static let z80 = 0.841_621_233_572_914

    /// A difference with its 95 % interval; `significant` when the interval excludes 0.
    public struct Difference: Hashable, Sendable, Codable {
        public var estimate: Double
        public var low: Double
        public var high: Double
        public var significant: Bool { low > 0 || high < 0 }

        public init(estimate: Double, low: Double, high: Double) {
            self.estimate = estimate; self.low = low; self.high = high
        }

        enum CodingKeys: String, CodingKey { case estimate, low, high, significant }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(estimate: try c.decode(Double.self, forKey: .estimate), low: try c.decode(Double.self, forKey: .low),
                      high: try c.decode(Double.self, forKey: .high))
        }

        /// `significant` is written too, so a reader of the JSON need not recompute it.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(estimate, forKey: .estimate); try c.encode(low, forKey: .low)
            try c.encode(high, forKey: .high); try c.encode(significant, forKey: .significant)
        }
    }

    /// Treated rate − control rate from (successes, size) of each group; nil when a group is empty.
    public static func rateDifference(treated: (successes: Int, size: Int), control: (successes: Int, size: Int)) -> Difference? {
        guard treated.size > 0, control.size > 0 else { return nil }
        let p1 = Double(treated.successes) / Double(treated.size), p0 = Double(control.successes) / Double(control.size)
        let se = (p1 * (1 - p1) / Double(treated.size) + p0 * (1 - p0) / Double(control.size)).squareRoot()
        return Difference(estimate: p1 - p0, low: p1 - p0 - z95 * se, high: p1 - p0 + z95 * se)
    }

    /// Mean of `treated` − mean of `control` (e.g. revenue per member); nil when a group has
    /// fewer than two values.
    public static func meanDifference(treated: [Double], control: [Double]) -> Difference? {
        guard treated.count > 1, control.count > 1 else { return nil }
        func moments(_ v: [Double]) -> (mean: Double, variance: Double) {
            let mean = v.reduce(0, +) / Double(v.count)
            return (mean, v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1))
        }
        let t = moments(treated), c = moments(control)
        let se = (t.variance / Double(treated.count) + c.variance / Double(control.count)).squareRoot()
        let d = t.mean - c.mean
        return Difference(estimate: d, low: d - z95 * se, high: d + z95 * se)
    }

    /// The smallest absolute difference in a rate around `baseRate` that a two-sided test at
    /// 95 % confidence detects with 80 % power, for groups of `treated` and `control` members;
    /// nil when a group is empty.
    public static func minimumDetectableEffect(baseRate p: Double, treated: Int, control: Int) -> Double? {
        guard treated > 0, control > 0 else { return nil }
        let q = min(1, max(0, p))
        return (z95 + z80) * (q * (1 - q) * (1 / Double(treated) + 1 / Double(control))).squareRoot()
    }
}
