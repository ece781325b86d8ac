#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Continuous distributions the synthetic population needs (BG/NBD, lognormal spend).
///
/// Each draw consumes a fixed pattern of `next()` calls except the rejection loops in
/// `gamma`, which are still deterministic for a given state.
extension SeededGenerator {
    /// Standard normal by Box–Muller (one value per call; the twin is discarded for simplicity).
    public mutating func nextNormal() -> Double {
        let u1 = 1.0 - nextUnitDouble()     // (0, 1]: log is finite
        let u2 = nextUnitDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// Normal with mean `mu` and standard deviation `sigma`.
    public mutating func nextNormal(mean mu: Double, sd sigma: Double) -> Double {
        mu + sigma * nextNormal()
    }

    /// exp(Normal(mu, sigma)).
    public mutating func nextLogNormal(mu: Double, sigma: Double) -> Double {
        exp(nextNormal(mean: mu, sd: sigma))
    }

    /// Exponential with the given rate (mean 1/rate).
    public mutating func nextExponential(rate: Double) -> Double {
        -log(1.0 - nextUnitDouble()) / rate
    }

    /// Gamma(shape, rate) by Marsaglia–Tsang; shapes below 1 use the `U^(1/shape)` boost.
    public mutating func nextGamma(shape: Double, rate: Double) -> Double {
        precondition(shape > 0 && rate > 0)
        if shape < 1 {
            let u = 1.0 - nextUnitDouble()
            return nextGamma(shape: shape + 1, rate: rate) * pow(u, 1.0 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = nextNormal(); v = 1.0 + c * x } while v <= 0
            v = v * v * v
            let u = 1.0 - nextUnitDouble()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / rate }
        }
    }

    /// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    public mutating func nextBeta(_ a: Double, _ b: Double) -> Double {
        let x = nextGamma(shape: a, rate: 1), y = nextGamma(shape: b, rate: 1)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// One element of a non-empty array, uniformly.
    public mutating func pick<T>(_ items: [T]) -> T { items[nextInt(below: items.count)] }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func pickIndex(weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var x = nextUnitDouble() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }
}

/// Natural logarithm and exponential re-exported for Core code that must not import Foundation.
@inline(__always) func mathLog(_ x: Double) -> Double { log(x) }
@inline(__always) func mathExp(_ x: Double) -> Double { exp(x) }
