#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few dense linear-algebra steps a maximum-likelihood fit needs on its handful of
/// parameters: the inverse of a symmetric positive-definite matrix (the covariance from
/// the curvature) and its Cholesky factor (to draw correlated parameter sets).
/// Row-major `[[Double]]`; sizes here are 2–4, so clarity beats speed.
public enum SmallMatrix {
    /// The lower-triangular L with L·Lᵀ = m, or nil when m is not positive definite.
    public static func cholesky(_ m: [[Double]]) -> [[Double]]? {
        let n = m.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = m[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        return l
    }

    /// The inverse of a symmetric positive-definite matrix, or nil when it is not one.
    public static func inverseOfPositiveDefinite(_ m: [[Double]]) -> [[Double]]? {
        guard let l = cholesky(m) else { return nil }
        let n = m.count
        // Invert L (lower triangular), then m⁻¹ = L⁻ᵀ · L⁻¹.
        var li = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            li[i][i] = 1 / l[i][i]
            for j in 0..<i {
                var sum = 0.0
                for k in j..<i { sum -= l[i][k] * li[k][j] }
                li[i][j] = sum / l[i][i]
            }
        }
        var inv = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in max(i, j)..<n { sum += li[k][i] * li[k][j] }
                inv[i][j] = sum
            }
        }
        return inv
    }

    /// The Hessian of `f` at `x` by central differences with step `h` on every axis.
    public static func hessian(at x: [Double], step h: Double, _ f: ([Double]) -> Double) -> [[Double]] {
        let n = x.count
        let f0 = f(x)
        func at(_ moves: [(Int, Double)]) -> Double {
            var p = x
            for (i, d) in moves { p[i] += d }
            return f(p)
        }
        var hess = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            hess[i][i] = (at([(i, h)]) - 2 * f0 + at([(i, -h)])) / (h * h)
            for j in 0..<i {
                let v = (at([(i, h), (j, h)]) - at([(i, h), (j, -h)]) - at([(i, -h), (j, h)])
                    + at([(i, -h), (j, -h)])) / (4 * h * h)
                hess[i][j] = v; hess[j][i] = v
            }
        }
        return hess
    }
}
