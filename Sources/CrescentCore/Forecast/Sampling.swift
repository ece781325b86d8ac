#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random variates for forecasts, drawn from any `RandomNumberGenerator`.
///
/// Everything here is generic over the generator so a dry-run can pass a seeded
/// one and get the same numbers on every machine: no Foundation randomness, no
/// global state, and each draw consumes a fixed, documented number of words
/// except the rejection samplers (gamma, Poisson), which are still deterministic
/// for a given generator state.
///
/// For example:
/// ```swift
/// var g = SeededGenerator(seed: 42)
/// let p = Sampling.beta(2, 5, using: &g)
/// ```
public enum Sampling {
    /// A uniform variate in the open interval (0, 1): 53 random bits, offset by half a step
    /// so that `log(u)` and `1 / u` are always finite.
    public static func uniform(using g: inout some RandomNumberGenerator) -> Double {
        let bits = g.next() >> 11
        return (Double(bits) + 0.5) * 0x1p-53
    }

    /// A uniform variate in `[low, high)`.
    public static func uniform(_ low: Double, _ high: Double,
                               using g: inout some RandomNumberGenerator) -> Double {
        low + (high - low) * uniform(using: &g)
    }

    /// `true` with probability `p` (clamped to [0, 1]). Always consumes one word,
    /// so the generator stays in step whatever `p` is.
    public static func bernoulli(_ p: Double, using g: inout some RandomNumberGenerator) -> Bool {
        let u = uniform(using: &g)
        return u < p
    }

    /// A normal variate by the Box–Muller transform. Uses two uniforms and discards the
    /// second normal: caching it would make results depend on call history.
    public static func normal(mean: Double = 0, sd: Double = 1,
                              using g: inout some RandomNumberGenerator) -> Double {
        let u1 = uniform(using: &g), u2 = uniform(using: &g)
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return mean + sd * z
    }

    /// A log-normal variate: `exp(N(mu, sigma))`.
    public static func logNormal(mu: Double, sigma: Double,
                                 using g: inout some RandomNumberGenerator) -> Double {
        exp(normal(mean: mu, sd: sigma, using: &g))
    }

    /// A log-normal variate with the given arithmetic `mean` and log-scale spread `sigma`,
    /// so order values can be spread without changing their expected total.
    public static func logNormal(mean: Double, sigma: Double,
                                 using g: inout some RandomNumberGenerator) -> Double {
        guard sigma > 0 else { return mean }
        return logNormal(mu: log(mean) - sigma * sigma / 2, sigma: sigma, using: &g)
    }

    /// A gamma variate with `shape` k > 0 and `scale` θ (mean kθ), by Marsaglia and
    /// Tsang (2000). For k < 1 it boosts: Gamma(k) = Gamma(k + 1) · U^(1/k).
    public static func gamma(shape: Double, scale: Double = 1,
                             using g: inout some RandomNumberGenerator) -> Double {
        precondition(shape > 0 && scale > 0, "gamma needs a positive shape and scale")
        if shape < 1 {
            let boost = pow(uniform(using: &g), 1 / shape)
            return gamma(shape: shape + 1, scale: scale, using: &g) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal(using: &g)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform(using: &g)
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }

    /// A beta variate as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    public static func beta(_ a: Double, _ b: Double,
                            using g: inout some RandomNumberGenerator) -> Double {
        let x = gamma(shape: a, using: &g)
        let y = gamma(shape: b, using: &g)
        let s = x + y
        // Both tiny (very small shapes): fall back on the mean rather than 0/0.
        return s > 0 ? x / s : a / (a + b)
    }

    /// A Poisson variate with mean `lambda`. Knuth's product method for small means,
    /// a normal approximation (rounded, clamped at 0) above 500 where it is accurate
    /// to well under a percent and the product method would be slow.
    public static func poisson(_ lambda: Double, using g: inout some RandomNumberGenerator) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda > 500 {
            let n = normal(mean: lambda, sd: lambda.squareRoot(), using: &g).rounded()
            return max(0, Int(n))
        }
        if lambda > 30 {
            // Split the mean so exp(-lambda) stays far from underflow.
            let half = lambda / 2
            return poisson(half, using: &g) + poisson(lambda - half, using: &g)
        }
        let limit = exp(-lambda)
        var k = 0
        var p = uniform(using: &g)
        while p > limit {
            k += 1
            p *= uniform(using: &g)
        }
        return k
    }

    /// An exponential variate with the given `rate`.
    public static func exponential(rate: Double, using g: inout some RandomNumberGenerator) -> Double {
        -log(uniform(using: &g)) / rate
    }
}
