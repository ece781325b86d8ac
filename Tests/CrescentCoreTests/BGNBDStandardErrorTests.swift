import Testing
@testable import CrescentCore

/// The full-data fit and its standard errors: on the CDNOW sample against the published
/// estimates, and on a large synthetic population drawn from known parameters.
@Suite struct BGNBDStandardErrorTests {
    static let published = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test func cdnowFitHasStandardErrorsThatCoverThePublishedEstimates() throws {
        let population = try ForecastCDNOWFixture.load()
        let customers = BGNBD.summarize(population, start: Day(year: 1997, month: 1, day: 1),
                                        end: Day(year: 1997, month: 9, day: 30))
        let fit = try BGNBD.fit(customers)
        let se = try #require(fit.standardErrors)
        // The reference is our own fit; the published figures must lie within one standard error of it.
        for (value, error, published) in [(fit.model.r, se.r, 0.243), (fit.model.alpha, se.alpha, 4.414),
                                          (fit.model.a, se.a, 0.793), (fit.model.b, se.b, 2.426)] {
            #expect(error > 0 && error < value, "standard error \(error) of \(value)")
            #expect(abs(value - published) < error, "\(value) vs published \(published) ± \(error)")
        }
        // Compression is exact: the compressed likelihood is the sum over every customer.
        #expect(abs(fit.model.logLikelihood(customers) - fit.logLikelihood) < 1e-6)
        #expect(fit.distinctSummaries < fit.customers)
    }

    @Test func modifiedFitOnCDNOWIsExactOnCompressedRowsToo() throws {
        let population = try ForecastCDNOWFixture.load()
        let customers = BGNBD.summarize(population, start: Day(year: 1997, month: 1, day: 1),
                                        end: Day(year: 1997, month: 9, day: 30))
        let fit = try BGNBD.fit(customers, variant: .modified)
        #expect(fit.model.variant == .modified)
        #expect(fit.standardErrors != nil)
        #expect(abs(fit.model.logLikelihood(customers) - fit.logLikelihood) < 1e-6)
        // Any other parameters do worse on the same data.
        var nudged = fit.model
        nudged.r *= 1.05
        #expect(nudged.logLikelihood(customers) < fit.logLikelihood)
    }

    @Test(arguments: [BGNBD.Variant.classic, .modified])
    func recoversKnownParametersOfA200kPopulationWithinTheirStandardErrors(variant: BGNBD.Variant) throws {
        let truth = BGNBD(r: 0.25, alpha: 4, a: 0.8, b: 2.5, variant: variant)
        let customers = Self.draw(truth, count: 200_000, seed: 2026)
        let fit = try BGNBD.fit(customers, variant: variant)
        let se = try #require(fit.standardErrors)
        for (name, value, error, known) in [("r", fit.model.r, se.r, truth.r), ("alpha", fit.model.alpha, se.alpha, truth.alpha),
                                            ("a", fit.model.a, se.a, truth.a), ("b", fit.model.b, se.b, truth.b)] {
            #expect(error < 0.15 * known, "\(name): standard error \(error) is not small")
            #expect(abs(value - known) < 2 * error, "\(name): \(value) vs true \(known) ± \(error)")
        }
    }

    /// Customers acquired evenly over a year (T from 26 to 78 weeks, in whole days), each
    /// buying as the model says; the last purchase time is kept to the day so rows compress.
    static func draw(_ m: BGNBD, count: Int, seed: UInt64) -> [BGNBD.Customer] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { k in
            let days = 182 + (k * 7) % 364
            let T = Double(days) / 7
            let lambda = g.nextGamma(shape: m.r, rate: m.alpha)
            let p = g.nextBeta(m.a, m.b)
            var t = 0.0, x = 0.0, tx = 0.0
            var alive = m.variant == .classic || !g.chance(p)
            while alive {
                t += g.nextExponential(rate: lambda)
                guard t <= T else { break }
                x += 1
                tx = min(T, (t * 7).rounded() / 7) // to the nearest day: a negligible shift
                alive = !g.chance(p)
            }
            return BGNBD.Customer(x: x, tx: tx, T: T)
        }
    }
}
