/// The Gaussian hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1.
///
/// BG/NBD's conditional expectation needs it with z = t / (α + T + t), which stays
/// well below 1 for forecast horizons shorter than a customer's age, so the plain
/// power series is both accurate and fast there. The series is summed term by term
/// with the ratio recurrence; it stops when a term no longer moves the sum, and
/// reports non-convergence instead of returning a silently wrong number.
///
/// For example:
/// ```swift
/// Hypergeometric.f21(1, 1, 2, 0.5)   // -ln(1 − 0.5) / 0.5 ≈ 1.3863
/// ```
public enum Hypergeometric {
    /// Why a series could not be summed.
    public enum Failure: Error, Equatable, Sendable {
        /// z outside [0, 1): the series diverges (or this implementation does not cover it).
        case argumentOutOfRange(Double)
        /// c is zero or a negative integer: the function is undefined.
        case poleInC(Double)
        /// The terms had not become negligible after `terms` terms.
        case notConverged(terms: Int)
    }

    /// ₂F₁(a, b; c; z) by its power series, to a relative tolerance of `tolerance`.
    ///
    /// - throws: `Failure` when z ∉ [0, 1), c is a non-positive integer, or the series
    ///   has not converged after `maxTerms` terms.
    public static func f21(_ a: Double, _ b: Double, _ c: Double, _ z: Double,
                           tolerance: Double = 1e-14, maxTerms: Int = 1_000_000) throws -> Double {
        guard z >= 0, z < 1 else { throw Failure.argumentOutOfRange(z) }
        if c <= 0, c == c.rounded() { throw Failure.poleInC(c) }
        if z == 0 { return 1 }
        var term = 1.0
        var sum = 1.0
        // Terms may grow before they shrink (large a, b); only a run of small terms
        // after the ratio has fallen below 1 counts as convergence.
        var j = 0.0
        for _ in 0..<maxTerms {
            let ratio = (a + j) * (b + j) / ((c + j) * (j + 1)) * z
            term *= ratio
            sum += term
            j += 1
            if term == 0 { return sum }
            if abs(term) <= tolerance * abs(sum), abs(ratio) < 1 {
                // Bound the tail by a geometric series. Far out the ratio tends to z
                // monotonically (from above when a + b > c + 1, from below otherwise),
                // so max(ratio, z) bounds every later ratio.
                let bound = max(abs(ratio), z)
                let tail = abs(term) * bound / (1 - bound)
                if tail <= tolerance * abs(sum) { return sum }
            }
            if !sum.isFinite { break }
        }
        throw Failure.notConverged(terms: maxTerms)
    }
}
