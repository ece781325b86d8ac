/// A deterministic synthetic member base with BG/NBD order histories.
///
/// Every member draws from its own stream `SeededGenerator(seed:, stream: index)`, so the
/// same seed gives the same population byte for byte, and member `i` does not change when
/// the population grows. Repeat buying follows BG/NBD (Fader, Hardie & Lee 2005): each
/// member buys at rate λ ~ Gamma(r, α) per day and, after every purchase, drops out for
/// good with probability p ~ Beta(a, b). α is calibrated from the seed so that the mean
/// number of orders per buying member is close to `meanOrdersPerMember`.
///
/// For example:
/// ```swift
/// let pop = SyntheticPopulation.generate(members: 10_000, seed: 7, asOf: Day("2026-01-01")!)
/// ```
public enum SyntheticPopulation {
    public struct Parameters: Sendable, Hashable {
        /// Length of the order history window before `asOf`.
        public var historyDays: Int = 730
        /// Target mean orders per member who buys at all (approximate, ±5%).
        public var meanOrdersPerMember: Double = 5
        /// Gamma shape r of the purchase rate; smaller means more heterogeneous buyers.
        public var purchaseRateShape: Double = 0.9
        /// Beta(a, b) of the dropout probability after each purchase (mean a / (a + b)).
        public var dropoutA: Double = 1.0
        public var dropoutB: Double = 6.0
        /// Share of members who never order (prospects).
        public var prospectShare: Double = 0.08
        /// Whether orders carry item lines. Amounts are the same either way; benchmarks
        /// leave items out to save memory.
        public var includeItems: Bool = true
        /// Spend in the last 365 days (minor units) needed for silver, gold, platinum.
        public var tierThresholds: (silver: Int64, gold: Int64, platinum: Int64) = (100_000, 500_000, 2_000_000)

        public init() {}

        public static func == (a: Parameters, b: Parameters) -> Bool {
            a.historyDays == b.historyDays && a.meanOrdersPerMember == b.meanOrdersPerMember
                && a.purchaseRateShape == b.purchaseRateShape && a.dropoutA == b.dropoutA
                && a.dropoutB == b.dropoutB && a.prospectShare == b.prospectShare
                && a.includeItems == b.includeItems && a.tierThresholds == b.tierThresholds
        }

        public func hash(into h: inout Hasher) {
            h.combine(historyDays); h.combine(meanOrdersPerMember); h.combine(includeItems)
        }
    }

    /// Generates `members` members (ids 1…N) with orders strictly before `asOf`.
    public static func generate(members count: Int, seed: UInt64, asOf: Day,
                                parameters: Parameters = Parameters()) -> Population {
        generate(members: 0..<count, firstOrderId: 1, alpha: calibrateRate(seed: seed, parameters: parameters),
                 seed: seed, asOf: asOf, parameters: parameters)
    }

    /// The same population as `generate(members:…)`, handed over `chunk` members at a time, so
    /// ten million members never exist as records at once: each chunk is members `i ..< j` of
    /// the whole with the same ids, orders and order ids.
    public static func generate(members count: Int, seed: UInt64, asOf: Day, parameters: Parameters = Parameters(),
                                chunk: Int, _ body: (Population) throws -> Void) rethrows {
        let alpha = calibrateRate(seed: seed, parameters: parameters)
        var start = 0, nextOrderId: Int64 = 1
        while start < count {
            let end = min(count, start + max(1, chunk))
            let part = generate(members: start..<end, firstOrderId: nextOrderId, alpha: alpha, seed: seed,
                                asOf: asOf, parameters: parameters)
            nextOrderId += Int64(part.orders.count)
            try body(part)
            start = end
        }
    }

    private static func generate(members range: Range<Int>, firstOrderId: Int64, alpha: Double, seed: UInt64,
                                 asOf: Day, parameters: Parameters) -> Population {
        var members: [Member] = []
        members.reserveCapacity(range.count)
        var orders: [Order] = []
        orders.reserveCapacity(Int(Double(range.count) * parameters.meanOrdersPerMember * 0.95))
        for i in range {
            var rng = SeededGenerator(seed: seed, stream: UInt64(i))
            var draft = SyntheticMemberDraft.draw(id: Int64(i + 1), asOf: asOf, rng: &rng)
            let spent = SyntheticOrders.append(for: &draft, alpha: alpha, asOf: asOf, parameters: parameters,
                                               rng: &rng, into: &orders, idBase: firstOrderId - 1)
            members.append(draft.finish(lastYearSpend: spent, parameters: parameters, rng: &rng))
        }
        var population = Population(members: members, orders: orders)
        population.pointsExpiries = pointsExpiries(members, seed: seed, asOf: asOf)
        return population
    }

    /// A member's balance was earned over the last year and points last a year: it expires
    /// as one lot on a day of the coming year. Drawn from its own streams, so adding it
    /// changed no other field of any member.
    static func pointsExpiries(_ members: [Member], seed: UInt64, asOf: Day) -> [PointsExpiry] {
        members.compactMap { m in
            guard m.pointsBalance > 0 else { return nil }
            var rng = SeededGenerator(seed: seed ^ 0x9017_5E4B_1A7E_0000, stream: UInt64(bitPattern: m.id))
            return PointsExpiry(member: m.id, day: asOf.adding(days: 1 + rng.nextInt(below: 365)), points: m.pointsBalance)
        }
    }

    /// Finds α so that E[orders | buyer] ≈ target, using E[X(t) | λ, p] = (1 − e^(−λpt)) / p
    /// for repeat purchases after the first, averaged over 4096 draws of (λ·α, p, t).
    static func calibrateRate(seed: UInt64, parameters: Parameters) -> Double {
        var rng = SeededGenerator(seed: seed, stream: 0xCA11_B8A7E)
        let samples = (0..<4096).map { _ in
            (g: rng.nextGamma(shape: parameters.purchaseRateShape, rate: 1),
             p: max(rng.nextBeta(parameters.dropoutA, parameters.dropoutB), 1e-6),
             t: rng.nextUnitDouble() * Double(parameters.historyDays))
        }
        let target = max(parameters.meanOrdersPerMember - 1, 0.01)
        func mean(_ alpha: Double) -> Double {
            var s = 0.0
            for x in samples { s += (1 - mathExp(-(x.g / alpha) * x.p * x.t)) / x.p }
            return s / Double(samples.count)
        }
        var lo = 1e-3, hi = 1e7   // mean() falls as α grows
        for _ in 0..<100 {
            let mid = (lo * hi).squareRoot()
            if mean(mid) > target { lo = mid } else { hi = mid }
        }
        return (lo * hi).squareRoot()
    }
}
