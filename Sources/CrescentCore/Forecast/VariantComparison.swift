/// How A/B variants did after a run: each variant's rate (redemption or purchase) with its
/// 95 % interval, the leader's difference from every other variant, and a winner only when
/// the leader beats each of them significantly.
///
/// With k variants the leader is compared k − 1 times, so each comparison is made at
/// 1 − 5 %/(k − 1) (Bonferroni): the chance of naming a winner that is not better stays
/// under 5 %. Two variants are compared at plain 95 %.
///
/// For example:
/// ```swift
/// let c = VariantComparison([("a", 2_000, 240), ("b", 2_000, 180)])
/// c.winner                  // "a": 12 % against 9 %, the difference's interval excludes 0
/// c.arms[1].rate            // 0.09
/// ```
public struct VariantComparison: Hashable, Sendable, Codable {
    /// One variant's members, how many of them succeeded, and the rate with its 95 % Wilson interval.
    public struct Arm: Hashable, Sendable, Codable {
        public var name: String
        public var members: Int
        public var successes: Int
        public var rate: Double
        public var low: Double
        public var high: Double
    }

    /// The leader's rate minus `name`'s, with its interval at the comparison's confidence.
    public struct Versus: Hashable, Sendable, Codable {
        public var name: String
        public var difference: LiftStatistics.Difference
    }

    public var arms: [Arm]
    /// The variant with the highest rate (the first declared on a tie); nil when none has members.
    public var leader: String?
    /// The leader against every other variant with members.
    public var versus: [Versus]
    /// Confidence of each pairwise interval (0.95 for two variants, Bonferroni-corrected above).
    public var pairConfidence: Double
    /// The leader, when it beats every other variant significantly; nil otherwise.
    public var winner: String?

    /// - parameter groups: each variant's name, members measured and successes among them, in
    ///   declaration order.
    public init(_ groups: [(name: String, members: Int, successes: Int)]) {
        arms = groups.map { g in
            let interval = Self.wilson(successes: g.successes, size: g.members)
            return Arm(name: g.name, members: g.members, successes: min(g.successes, g.members),
                       rate: g.members > 0 ? Double(g.successes) / Double(g.members) : 0,
                       low: interval.low, high: interval.high)
        }
        let measured = arms.filter { $0.members > 0 }
        let comparisons = max(1, measured.count - 1)
        pairConfidence = 1 - 0.05 / Double(comparisons)
        let z = comparisons == 1 ? LiftStatistics.z95 : LiftStatistics.normalQuantile(1 - 0.025 / Double(comparisons))
        let lead = measured.enumerated().max { ($0.element.rate, -$0.offset) < ($1.element.rate, -$1.offset) }?.element
        leader = lead?.name
        versus = measured.filter { $0.name != lead?.name }.compactMap { other in
            guard let lead, let d = LiftStatistics.rateDifference(treated: (lead.successes, lead.members),
                                                                   control: (other.successes, other.members), z: z)
            else { return nil }
            return Versus(name: other.name, difference: d)
        }
        winner = !versus.isEmpty && versus.allSatisfy { $0.difference.low > 0 } ? leader : nil
    }

    /// The 95 % Wilson score interval of a rate: it stays inside [0, 1] and holds for rates
    /// near 0, where campaign redemption rates are.
    static func wilson(successes k: Int, size n: Int) -> (low: Double, high: Double) {
        guard n > 0 else { return (0, 0) }
        let z = LiftStatistics.z95, nn = Double(n), p = Double(min(k, n)) / nn
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        // The ends are exact at 0 and n successes (the formula leaves rounding dust there).
        return (k <= 0 ? 0 : max(0, centre - half), k >= n ? 1 : min(1, centre + half))
    }

    /// A few lines for a terminal, e.g. for `what = "redemption rate"`.
    public func text(_ what: String) -> String {
        var lines = arms.map { a in
            "  variant \(a.name): \(what) \(ReportText.percent(a.rate, places: 2)) "
                + "[\(ReportText.percent(a.low, places: 2)) – \(ReportText.percent(a.high, places: 2))] "
                + "(\(a.successes) of \(ReportText.integer(a.members)))"
        }
        let confidence = ReportText.percent(pairConfidence, places: pairConfidence == 0.95 ? 0 : 1)
        for v in versus {
            let d = v.difference
            lines.append("  \(leader ?? "?") − \(v.name): \(ReportText.percent(d.estimate, places: 2)) "
                + "[\(ReportText.percent(d.low, places: 2)) – \(ReportText.percent(d.high, places: 2))] at \(confidence)"
                + (d.low > 0 ? ", significant" : ", not significant"))
        }
        lines.append(winner.map { "  winner: \($0) (\(what) higher than every other variant at \(confidence))" }
                     ?? "  winner: none yet (no variant is significantly ahead at \(confidence); keep the test running or enlarge it)")
        return lines.joined(separator: "\n")
    }
}
