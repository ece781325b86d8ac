#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your
/// customers the easy way").
///
/// While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
/// right after each purchase they drop out for good with probability p ~ Beta(a, b).
/// The forecast uses it to say who is still a customer and how likely each member is
/// to buy inside an offer window. Time is in weeks throughout.
///
/// For example:
/// ```swift
/// let model = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
/// model.probabilityAlive(x: 2, tx: 30.43, T: 38.86)             // ≈ 0.72
/// try model.expectedPurchases(t: 39, x: 2, tx: 30.43, T: 38.86)  // ≈ 1.23
/// ```
public struct BGNBD: Hashable, Sendable, Codable {
    /// Shape of the purchase-rate gamma.
    public var r: Double
    /// Rate (inverse scale, in weeks) of the purchase-rate gamma.
    public var alpha: Double
    /// First shape of the dropout-probability beta.
    public var a: Double
    /// Second shape of the dropout-probability beta.
    public var b: Double
    /// Whether a customer can also drop out right after their first purchase.
    public var variant: Variant

    /// When a customer may drop out.
    public enum Variant: String, Hashable, Sendable, Codable, CaseIterable {
        /// BG/NBD: only after a repeat purchase, so a one-time buyer is alive for sure
        /// (P(alive) = 1 however long they have been silent).
        case classic
        /// MBG/NBD (Batislam, Denizel & Filiztekin 2007): also right after the first
        /// purchase, so a long-silent one-time buyer is probably gone.
        case modified
    }

    public init(r: Double, alpha: Double, a: Double, b: Double, variant: Variant = .classic) {
        self.r = r; self.alpha = alpha; self.a = a; self.b = b; self.variant = variant
    }

    /// Dropout chances a customer with `x` repeat purchases has survived: one per repeat
    /// purchase, plus the first purchase under MBG/NBD.
    @inline(__always) func survivals(_ x: Double) -> Double { variant == .modified ? x + 1 : x }

    /// One customer's calibration summary: `x` repeat purchases, the last at `tx`
    /// weeks after the first, observed for `T` weeks since the first.
    public struct Customer: Hashable, Sendable, Codable {
        public var x: Double
        public var tx: Double
        public var T: Double
        public init(x: Double, tx: Double, T: Double) { self.x = x; self.tx = tx; self.T = T }
    }

    // MARK: - Likelihood

    /// The log-likelihood of one customer's (x, t_x, T) — equation (6) of the paper
    /// (for MBG/NBD, the same with one more survived dropout chance), evaluated in log
    /// space with a log-sum-exp so large x does not overflow.
    public func logLikelihood(x: Double, tx: Double, T: Double) -> Double {
        let s = survivals(x)
        let a1 = lgamma(r + x) - lgamma(r) + r * log(alpha)
        let a2 = lgamma(a + b) + lgamma(b + s) - lgamma(b) - lgamma(a + b + s)
        let a3 = -(r + x) * log(alpha + T)
        guard s > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + s - 1) - (r + x) * log(alpha + tx)
        let m = max(a3, a4)
        return a1 + a2 + m + log(exp(a3 - m) + exp(a4 - m))
    }

    /// The summed log-likelihood of many customers.
    public func logLikelihood(_ customers: [Customer]) -> Double {
        var total = 0.0
        for c in customers { total += logLikelihood(x: c.x, tx: c.tx, T: c.T) }
        return total
    }

    // MARK: - Predictions

    /// P(alive at T | x, t_x, T) — equation (11). Under classic BG/NBD a customer with
    /// no repeat purchase has never had a chance to drop out, so it is exactly 1.
    public func probabilityAlive(x: Double, tx: Double, T: Double) -> Double {
        1 / (1 + deathOdds(x: x, tx: tx, T: T))
    }

    /// The odds of having dropped out versus being alive: a/(b+s−1) · ((α+T)/(α+t_x))^(r+x)
    /// with s survived dropout chances (0 when s = 0). Computed through logs so a
    /// long-silent heavy buyer does not overflow.
    private func deathOdds(x: Double, tx: Double, T: Double) -> Double {
        let s = survivals(x)
        guard s > 0 else { return 0 }
        return exp(log(a) - log(b + s - 1) + (r + x) * (log(alpha + T) - log(alpha + tx)))
    }

    /// The posterior mean dropout chance per purchase of a customer who is alive:
    /// p | alive ~ Beta(a, b + s).
    public func meanDropout(x: Double) -> Double { a / (a + b + survivals(x)) }

    /// E[X(t)]: expected purchases of a customer newly acquired at time 0 in (0, t] — equation (9).
    ///
    /// - throws: `Hypergeometric.Failure` if the series does not converge.
    public func expectedPurchasesNewCustomer(t: Double) throws -> Double {
        guard t > 0 else { return 0 }
        if let nearby = nearSingularA() {
            return try (nearby.0.expectedPurchasesNewCustomer(t: t)
                + nearby.1.expectedPurchasesNewCustomer(t: t)) / 2
        }
        let z = t / (alpha + t)
        let c = variant == .modified ? a + b : a + b - 1
        let f = try Hypergeometric.f21(r, variant == .modified ? b + 1 : b, c, z)
        return c / (a - 1) * (1 - pow(alpha / (alpha + t), r) * f)
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history — equation (10).
    ///
    /// - throws: as `expectedPurchasesNewCustomer(t:)`.
    public func expectedPurchases(t: Double, x: Double, tx: Double, T: Double) throws -> Double {
        guard t > 0 else { return 0 }
        if let nearby = nearSingularA() {
            return try (nearby.0.expectedPurchases(t: t, x: x, tx: tx, T: T)
                + nearby.1.expectedPurchases(t: t, x: x, tx: tx, T: T)) / 2
        }
        let z = t / (alpha + T + t)
        let s = survivals(x)
        let f = try Hypergeometric.f21(r + x, b + s, a + b + s - 1, z)
        let head = (a + b + s - 1) / (a - 1)
        let body = 1 - exp((r + x) * log((alpha + T) / (alpha + T + t))) * f
        return head * body / (1 + deathOdds(x: x, tx: tx, T: T))
    }

    /// P(at least one purchase in (T, T + t] | x, t_x, T).
    ///
    /// Exact under the model, not an approximation: dropout happens only right after
    /// a purchase, so an alive customer cannot leave before their first purchase in the
    /// window; given alive, λ ~ Gamma(r + x, α + T), and P(no purchase) = E[e^(−λt)] =
    /// ((α+T)/(α+T+t))^(r+x).
    public func probabilityOfPurchase(within t: Double, x: Double, tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let none = exp((r + x) * log((alpha + T) / (alpha + T + t)))
        return probabilityAlive(x: x, tx: tx, T: T) * (1 - none)
    }

    /// P(at least one purchase that *qualifies* in (T, T + t] | x, t_x, T), when each
    /// purchase independently qualifies (e.g. meets a minimum spend) with chance `q`.
    ///
    /// A buyer gets several chances in the window. Given alive, λ and p: each purchase
    /// qualifies (q), or misses and is followed by dropout ((1−q)p), or misses and the
    /// customer carries on. Only the first two end the story, at total rate λs with
    /// s = q + (1−q)p, so P = q/s · (1 − e^(−λst)). Given alive, λ ~ Gamma(r + x, α + T)
    /// (mixed exactly) and p ~ Beta(a, b + survivals), integrated by 8-point Gauss–Legendre
    /// in u = p^a (which absorbs the p^(a−1) spike at 0). With q = 1 this is
    /// `probabilityOfPurchase(within:x:tx:T:)`.
    public func probabilityOfQualifyingPurchase(within t: Double, share q: Double,
                                                x: Double, tx: Double, T: Double) -> Double {
        guard t > 0, q > 0 else { return 0 }
        guard q < 1 else { return probabilityOfPurchase(within: t, x: x, tx: tx, T: T) }
        let bPost = b + survivals(x)
        let logBase = log(alpha + T)
        var total = 0.0, mass = 0.0
        for k in 0..<Self.legendreNodes.count {
            let u = Self.legendreNodes[k]
            let p = exp(log(u) / a)
            let w = Self.legendreWeights[k] * exp((bPost - 1) * log1p(-p))
            let s = q + (1 - q) * p
            let none = exp((r + x) * (logBase - log(alpha + T + s * t)))
            total += w * q / s * (1 - none)
            mass += w
        }
        return probabilityAlive(x: x, tx: tx, T: T) * total / mass
    }

    /// Gauss–Legendre nodes and weights on (0, 1), 8 points.
    static let legendreNodes: [Double] = [0.019855071751231856, 0.10166676129318664, 0.2372337950418355,
                                          0.4082826787521751, 0.5917173212478249, 0.7627662049581645,
                                          0.8983332387068134, 0.9801449282487681]
    static let legendreWeights: [Double] = [0.05061426814518813, 0.11119051722668724, 0.15685332293894363,
                                            0.18134189168918100, 0.18134189168918100, 0.15685332293894363,
                                            0.11119051722668724, 0.05061426814518813]

    /// The expectation formulas divide by a − 1, and so does the fitted CDNOW model's
    /// neighbourhood (a ≈ 0.79). Both factors vanish together at a = 1, so the limit
    /// exists; near it, average two models either side instead of dividing 0 by 0.
    private func nearSingularA() -> (BGNBD, BGNBD)? {
        guard abs(a - 1) < 1e-6 else { return nil }
        var below = self, above = self // keeps the variant
        below.a = 1 - 1e-4
        above.a = 1 + 1e-4
        return (below, above)
    }
}
