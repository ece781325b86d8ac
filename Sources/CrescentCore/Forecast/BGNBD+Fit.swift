#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BGNBD {
    /// A maximum-likelihood fit: the parameters, the log-likelihood they reach, and
    /// whether the optimiser met its tolerances.
    public struct Fit: Sendable, Codable, Hashable {
        public var model: BGNBD
        public var logLikelihood: Double
        public var customers: Int
        public var converged: Bool
    }

    /// Why a fit could not be made.
    public enum FitError: Error, Equatable, Sendable {
        /// No customers, or none with a repeat purchase (dropout is then unidentifiable).
        case notEnoughData(customers: Int, repeatBuyers: Int)
    }

    /// Fits r, α, a, b by maximum likelihood.
    ///
    /// Optimises over log-parameters so every candidate is positive, with Nelder–Mead
    /// from a few fixed starting points (restarting from the best), keeping the best
    /// overall. Deterministic: the same customers in the same order give the same fit.
    ///
    /// For example:
    /// ```swift
    /// let fit = try BGNBD.fit(BGNBD.summarize(population, calibrationStart: s, calibrationEnd: e))
    /// fit.model.r, fit.logLikelihood
    /// ```
    /// - throws: `FitError.notEnoughData` when nobody has made a repeat purchase.
    public static func fit(_ customers: [Customer]) throws -> Fit {
        let repeaters = customers.count { $0.x > 0 }
        guard !customers.isEmpty, repeaters > 0 else {
            throw FitError.notEnoughData(customers: customers.count, repeatBuyers: repeaters)
        }
        // Identical summaries are common (every one-off buyer of a week shares x = 0 and
        // t_x = 0); weighting unique rows makes each evaluation several times cheaper.
        var weights: [Customer: Double] = [:]
        for c in customers { weights[c, default: 0] += 1 }
        let rows = weights.keys.sorted { ($0.x, $0.tx, $0.T) < ($1.x, $1.tx, $1.T) }
        let counts = rows.map { weights[$0]! }

        func negativeLL(_ p: [Double]) -> Double {
            // Keep the search out of numerically meaningless corners.
            guard p.allSatisfy({ abs($0) < 30 }) else { return .infinity }
            let m = BGNBD(r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3]))
            var total = 0.0
            for (c, w) in zip(rows, counts) { total += w * m.logLikelihood(x: c.x, tx: c.tx, T: c.T) }
            return -total
        }

        let meanT = customers.reduce(0) { $0 + $1.T } / Double(customers.count)
        let starts: [[Double]] = [
            [0, log(max(meanT, 1) / 4), 0, 0],
            [log(0.5), log(5), log(0.5), log(2)],
            [log(2), log(max(meanT, 1)), log(2), log(5)],
        ]
        var optimizer = NelderMead()
        optimizer.step = 0.7
        var best: NelderMead.Result?
        for s in starts {
            let r = optimizer.minimize(start: s, negativeLL)
            if best == nil || r.value < best!.value { best = r }
        }
        let p = best!.point
        return Fit(model: BGNBD(r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3])),
                   logLikelihood: -best!.value, customers: customers.count, converged: best!.converged)
    }
}
