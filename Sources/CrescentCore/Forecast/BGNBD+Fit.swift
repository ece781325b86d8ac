#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BGNBD {
    /// A maximum-likelihood fit: the parameters, the log-likelihood they reach, their
    /// uncertainty from the curvature of the likelihood, and whether the optimiser met
    /// its tolerances.
    public struct Fit: Sendable, Codable, Hashable {
        public var model: BGNBD
        public var logLikelihood: Double
        public var customers: Int
        /// Distinct (x, t_x, T) summaries the likelihood was evaluated on.
        public var distinctSummaries: Int
        public var converged: Bool
        /// Covariance of (log r, log α, log a, log b): the inverse of the negative
        /// log-likelihood's Hessian at the optimum. Nil when the surface is not curved
        /// upwards there (a flat or degenerate fit): then no interval is claimed.
        public var logCovariance: [[Double]]?

        /// Standard errors of r, α, a, b (delta method: se(θ) = θ · se(log θ)).
        public var standardErrors: BGNBD? {
            guard let c = logCovariance else { return nil }
            let m = model
            return BGNBD(r: m.r * c[0][0].squareRoot(), alpha: m.alpha * c[1][1].squareRoot(),
                         a: m.a * c[2][2].squareRoot(), b: m.b * c[3][3].squareRoot(), variant: m.variant)
        }

        /// A parameter set drawn from the fit's sampling distribution (normal on the log
        /// scale, so every draw is a valid model); the fitted model itself when no
        /// covariance is known.
        public func drawModel(using g: inout some RandomNumberGenerator) -> BGNBD {
            guard let c = logCovariance, let l = SmallMatrix.cholesky(c) else { return model }
            let z = (0..<4).map { _ in Sampling.normal(using: &g) }
            var shift = [Double](repeating: 0, count: 4)
            for i in 0..<4 { for k in 0...i { shift[i] += l[i][k] * z[k] } }
            let m = model
            return BGNBD(r: m.r * exp(shift[0]), alpha: m.alpha * exp(shift[1]), a: m.a * exp(shift[2]),
                         b: m.b * exp(shift[3]), variant: m.variant)
        }
    }

    /// Why a fit could not be made.
    public enum FitError: Error, Equatable, Sendable {
        /// No customers, or none with a repeat purchase (dropout is then unidentifiable).
        case notEnoughData(customers: Int, repeatBuyers: Int)
    }

    /// Above this many customers, the starting point comes from a fit on an evenly spaced
    /// subset; the full likelihood is then optimised from there (the answer is still the
    /// full-data maximum, the subset only saves the exploratory restarts).
    static let pilotSize = 20_000

    /// Fits r, α, a, b by maximum likelihood on every customer.
    ///
    /// Customers are compressed to their distinct (x, t_x, T) with counts (exact: the
    /// likelihood is a sum over customers), and the log-gamma and log terms are shared per
    /// distinct x, t_x and T, so an evaluation costs one exp and one log per distinct row.
    /// Optimises over log-parameters with Nelder–Mead from a few fixed starting points,
    /// keeping the best, then measures the curvature for `Fit.logCovariance`.
    /// Deterministic: the same customers in the same order give the same fit.
    ///
    /// For example:
    /// ```swift
    /// let fit = try BGNBD.fit(BGNBD.summarize(population, start: s, end: e))
    /// fit.model.r, fit.standardErrors?.r, fit.logLikelihood
    /// ```
    /// - throws: `FitError.notEnoughData` when nobody has made a repeat purchase.
    public static func fit(_ customers: [Customer], variant: Variant = .classic) throws -> Fit {
        try fit(FitInput(customers), variant: variant)
    }

    /// The same on customers already compressed (`FitInput`, for example straight from columns).
    public static func fit(_ input: FitInput, variant: Variant = .classic) throws -> Fit {
        guard input.customers > 0, input.repeatBuyers > 0 else {
            throw FitError.notEnoughData(customers: input.customers, repeatBuyers: input.repeatBuyers)
        }
        let full = input.full
        let meanT = input.meanT
        let starts: [[Double]] = [
            [0, log(max(meanT, 1) / 4), 0, 0],
            [log(0.5), log(5), log(0.5), log(2)],
            [log(2), log(max(meanT, 1)), log(2), log(5)],
        ]
        var optimizer = NelderMead()
        optimizer.step = 0.7
        func bestOf(_ data: CompressedSummaries, from points: [[Double]]) -> NelderMead.Result {
            var best: NelderMead.Result?
            for s in points {
                let r = optimizer.minimize(start: s) { data.negativeLogLikelihood($0, variant: variant) }
                if best == nil || r.value < best!.value { best = r }
            }
            return best!
        }
        var best: NelderMead.Result
        if let pilot = input.pilot {
            let start = bestOf(pilot, from: starts).point
            optimizer.step = 0.1
            best = bestOf(full, from: [start])
        } else {
            best = bestOf(full, from: starts)
        }
        let p = best.point
        let hessian = SmallMatrix.hessian(at: p, step: 1e-3) { full.negativeLogLikelihood($0, variant: variant) }
        return Fit(model: BGNBD(r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3]), variant: variant),
                   logLikelihood: -best.value, customers: input.customers, distinctSummaries: full.count,
                   converged: best.converged, logCovariance: SmallMatrix.inverseOfPositiveDefinite(hessian))
    }
}
