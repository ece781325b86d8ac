/// A forecast figure: the mean over simulation runs and a central interval around it.
///
/// `low` and `high` are the 5th and 95th percentiles of the runs unless stated otherwise,
/// so a 90 % interval. Money figures are in major units (yuan, dollars): an expectation,
/// not a stored amount, so a `Double` is the honest type.
///
/// For example:
/// ```swift
/// Estimate(samples: [3, 1, 2, 5, 4])   // mean 3, low 1.2, high 4.8
/// Estimate(exactly: 120)               // a count that is not uncertain
/// ```
public struct Estimate: Hashable, Sendable, Codable {
    public var mean: Double
    public var low: Double
    public var high: Double

    public init(mean: Double, low: Double, high: Double) {
        self.mean = mean; self.low = low; self.high = high
    }

    /// A figure known exactly (low = mean = high).
    public init(exactly value: Double) { self.init(mean: value, low: value, high: value) }

    /// Summarises samples: their mean and the `lowQuantile` / `highQuantile` quantiles,
    /// interpolated linearly between order statistics (Hyndman–Fan type 7, as R and NumPy
    /// default to). Returns nil for no samples; non-finite samples are ignored.
    public init?(samples: [Double], lowQuantile: Double = 0.05, highQuantile: Double = 0.95) {
        let sorted = samples.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        // Neumaier-compensated sum in sorted order: the mean does not depend on run
        // order, and identical samples average to exactly themselves.
        var sum = 0.0, carry = 0.0
        for v in sorted {
            let t = sum + v
            carry += abs(sum) >= abs(v) ? (sum - t) + v : (v - t) + sum
            sum = t
        }
        let mean = (sum + carry) / Double(sorted.count)
        self.init(mean: mean, low: Self.quantile(sorted, lowQuantile),
                  high: Self.quantile(sorted, highQuantile))
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * min(1, max(0, q))
        let i = Int(h.rounded(.down))
        guard i + 1 < sorted.count else { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }

    /// The same estimate with every number rounded to `places` decimals, so reports
    /// and their JSON do not carry floating-point noise.
    public func rounded(toPlaces places: Int) -> Estimate {
        Estimate(mean: Self.round(mean, places), low: Self.round(low, places), high: Self.round(high, places))
    }

    static func round(_ value: Double, _ places: Int) -> Double {
        guard value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<max(0, places) { scale *= 10 }
        let r = (value * scale).rounded() / scale
        return r == 0 ? 0 : r // no "-0"
    }
}
