import Foundation
import Testing
@testable import CrescentCore

/// Predictions checked against values computed independently with mpmath (30 digits)
/// for the published CDNOW parameters.
@Suite struct BGNBDPredictionTests {
    let model = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
    let tx = 213.0 / 7, T = 272.0 / 7

    @Test func probabilityAliveMatchesTheClosedForm() {
        #expect(abs(model.probabilityAlive(x: 2, tx: tx, T: T) - 0.726_589_72) < 1e-7)
        // No repeat purchase: no chance to have dropped out yet.
        #expect(model.probabilityAlive(x: 0, tx: 0, T: 38.86) == 1)
        // Huge, overflow-prone exponents still give a clean probability.
        let silent = model.probabilityAlive(x: 400, tx: 1, T: 52)
        #expect(silent >= 0 && silent < 1e-100)
    }

    @Test func probabilityAliveFallsWithSilenceAndRisesWithRecency() {
        var last = 1.0
        for T in stride(from: 31.0, through: 80, by: 7) {
            let p = model.probabilityAlive(x: 3, tx: 30, T: T)
            #expect(p < last)
            last = p
        }
        #expect(model.probabilityAlive(x: 3, tx: 35, T: 40) > model.probabilityAlive(x: 3, tx: 10, T: 40))
    }

    @Test func conditionalExpectationMatchesThePaper() throws {
        // The paper's worked example: 1.226 purchases expected in the next 39 weeks.
        #expect(abs(try model.expectedPurchases(t: 39, x: 2, tx: tx, T: T) - 1.226_115_81) < 1e-6)
        #expect(abs(try model.expectedPurchases(t: 39, x: 7, tx: 35.71, T: 38.86) - 4.472_242_20) < 1e-6)
        #expect(abs(try model.expectedPurchases(t: 39, x: 0, tx: 0, T: 38.86) - 0.195_098_05) < 1e-7)
        #expect(try model.expectedPurchases(t: 0, x: 2, tx: tx, T: T) == 0)
    }

    @Test func newCustomerExpectationMatchesTheClosedForm() throws {
        #expect(abs(try model.expectedPurchasesNewCustomer(t: 39) - 1.196_723_19) < 1e-6)
        #expect(abs(try model.expectedPurchasesNewCustomer(t: 78) - 1.860_519_06) < 1e-6)
    }

    @Test func expectationsAreContinuousThroughTheSingularAEqualsOne() throws {
        var m = model
        m.a = 1
        let at = try m.expectedPurchases(t: 20, x: 3, tx: 20, T: 30)
        m.a = 1.01
        let above = try m.expectedPurchases(t: 20, x: 3, tx: 20, T: 30)
        m.a = 0.99
        let below = try m.expectedPurchases(t: 20, x: 3, tx: 20, T: 30)
        #expect(at.isFinite)
        #expect(min(above, below) - 1e-3 < at && at < max(above, below) + 1e-3)
    }

    @Test func purchaseProbabilityIsBoundedAndGrowsWithTheWindow() {
        var last = 0.0
        for weeks in [0.5, 1, 2, 4, 8, 26, 52] {
            let p = model.probabilityOfPurchase(within: weeks, x: 2, tx: tx, T: T)
            #expect(p > last && p < model.probabilityAlive(x: 2, tx: tx, T: T))
            last = p
        }
        // A brand-new customer: 1 − (α / (α + t))^r.
        let fresh = model.probabilityOfPurchase(within: 39, x: 0, tx: 0, T: 0)
        #expect(abs(fresh - (1 - pow(4.414 / 43.414, 0.243))) < 1e-12)
    }

    /// Simulates the model's own story — Poisson purchases, a coin after each — and checks
    /// the closed forms against it. This also exercises the gamma and beta samplers.
    @Test func closedFormsAgreeWithSimulation() throws {
        var g = ForecastTestGenerator(seed: 7)
        let n = 20_000, t = 39.0
        var total = 0, anyPurchase = 0
        for _ in 0..<n {
            let lambda = Sampling.gamma(shape: model.r, scale: 1 / model.alpha, using: &g)
            let p = Sampling.beta(model.a, model.b, using: &g)
            var clock = 0.0, count = 0
            while true {
                clock += Sampling.exponential(rate: lambda, using: &g)
                if clock > t { break }
                count += 1
                if Sampling.bernoulli(p, using: &g) { break }
            }
            total += count
            if count > 0 { anyPurchase += 1 }
        }
        let mean = Double(total) / Double(n)
        #expect(abs(mean - (try model.expectedPurchasesNewCustomer(t: t))) < 0.06)
        let share = Double(anyPurchase) / Double(n)
        #expect(abs(share - model.probabilityOfPurchase(within: t, x: 0, tx: 0, T: 0)) < 0.012)
    }
}
