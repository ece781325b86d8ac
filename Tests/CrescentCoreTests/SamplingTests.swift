import Foundation
import Testing
@testable import CrescentCore

@Suite struct SamplingTests {
    /// Sample mean and variance of `n` draws.
    private func moments(_ n: Int, _ draw: (inout ForecastTestGenerator) -> Double) -> (Double, Double) {
        var g = ForecastTestGenerator(seed: 2024)
        var sum = 0.0, sq = 0.0
        for _ in 0..<n { let v = draw(&g); sum += v; sq += v * v }
        let mean = sum / Double(n)
        return (mean, sq / Double(n) - mean * mean)
    }

    @Test func uniformStaysInsideTheOpenInterval() {
        var g = ForecastTestGenerator(seed: 1)
        for _ in 0..<10_000 {
            let u = Sampling.uniform(using: &g)
            #expect(u > 0 && u < 1)
        }
        let (m, v) = moments(50_000) { Sampling.uniform(using: &$0) }
        #expect(abs(m - 0.5) < 0.01 && abs(v - 1.0 / 12) < 0.005)
    }

    @Test func normalAndLogNormalHaveTheirMoments() {
        let (m, v) = moments(50_000) { Sampling.normal(mean: 3, sd: 2, using: &$0) }
        #expect(abs(m - 3) < 0.05 && abs(v - 4) < 0.15)
        let (lm, _) = moments(50_000) { Sampling.logNormal(mean: 80, sigma: 0.5, using: &$0) }
        #expect(abs(lm - 80) < 1.5)
    }

    @Test(arguments: [0.243, 1.0, 2.5, 9.0])
    func gammaHasItsMoments(shape: Double) {
        let (m, v) = moments(50_000) { Sampling.gamma(shape: shape, scale: 2, using: &$0) }
        #expect(abs(m - 2 * shape) < 0.04 * 2 * shape + 0.01)
        #expect(abs(v - 4 * shape) < 0.1 * 4 * shape)
    }

    @Test func betaHasItsMoments() {
        let (a, b) = (0.793, 2.426)
        let (m, v) = moments(50_000) { Sampling.beta(a, b, using: &$0) }
        let mean = a / (a + b), variance = a * b / ((a + b) * (a + b) * (a + b + 1))
        #expect(abs(m - mean) < 0.005 && abs(v - variance) < 0.003)
    }

    @Test(arguments: [0.3, 4.0, 45.0, 900.0])
    func poissonHasItsMoments(lambda: Double) {
        let (m, v) = moments(20_000) { Double(Sampling.poisson(lambda, using: &$0)) }
        #expect(abs(m - lambda) < 0.03 * lambda + 0.01)
        #expect(abs(v - lambda) < 0.08 * lambda + 0.02)
    }

    @Test func bernoulliHitsItsRateAndAlwaysConsumesOneWord() {
        let (m, _) = moments(50_000) { Sampling.bernoulli(0.3, using: &$0) ? 1 : 0 }
        #expect(abs(m - 0.3) < 0.01)
        var a = ForecastTestGenerator(seed: 5), b = ForecastTestGenerator(seed: 5)
        _ = Sampling.bernoulli(0, using: &a)
        _ = Sampling.bernoulli(1, using: &b)
        #expect(a.next() == b.next())
    }

    @Test func sameSeedSameDraws() {
        var a = ForecastTestGenerator(seed: 99), b = ForecastTestGenerator(seed: 99)
        for _ in 0..<1000 {
            #expect(Sampling.gamma(shape: 0.5, using: &a) == Sampling.gamma(shape: 0.5, using: &b))
            #expect(Sampling.poisson(12, using: &a) == Sampling.poisson(12, using: &b))
        }
    }
}
