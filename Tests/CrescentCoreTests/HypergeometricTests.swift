import Foundation
import Testing
@testable import CrescentCore

@Suite struct HypergeometricTests {
    @Test func matchesClosedForms() throws {
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z
            let log1 = z == 0 ? 1 : -log(1 - z) / z
            #expect(abs(try Hypergeometric.f21(1, 1, 2, z) - log1) <= 1e-12 * log1)
            // ₂F₁(a, b; b; z) = (1 − z)^(−a)
            let power = pow(1 - z, -0.7)
            #expect(abs(try Hypergeometric.f21(0.7, 3.2, 3.2, z) - power) <= 1e-12 * power)
        }
    }

    @Test func matchesMpmathWhereTermsGrowBeforeShrinking() throws {
        let big = try Hypergeometric.f21(10.243, 12.426, 12.219, 0.6)
        #expect(abs(big - 14_097.063_734_220_73) < 1e-8 * big)
        let steep = try Hypergeometric.f21(2.5, 3.5, 1.5, 0.95)
        #expect(abs(steep - 1_621_894.639_679_841) < 1e-9 * steep)
    }

    /// Euler's integral Γ(c)/(Γ(b)Γ(c−b)) ∫₀¹ s^(b−1) (1−s)^(c−b−1) (1−zs)^(−a) ds by
    /// Simpson's rule: an independent numeric route to the same number. Cases keep
    /// b ≥ 1 and c − b ≥ 1 so the integrand has no endpoint singularity.
    @Test func matchesEulersIntegral() throws {
        for (a, b, c, z) in [(1.3, 2.0, 4.5, 0.7), (0.243, 2.426, 4.0, 0.4), (5.2, 3.0, 6.5, 0.85)] {
            let n = 20_000
            let h = 1.0 / Double(n)
            var sum = 0.0
            for i in 0...n {
                let s = Double(i) * h
                let w = i == 0 || i == n ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
                let f = pow(s, b - 1) * pow(1 - s, c - b - 1) * pow(1 - z * s, -a)
                sum += w * (f.isFinite ? f : 0)
            }
            let integral = sum * h / 3 * exp(lgamma(c) - lgamma(b) - lgamma(c - b))
            let series = try Hypergeometric.f21(a, b, c, z)
            #expect(abs(series - integral) < 1e-6 * series, "a=\(a) b=\(b) c=\(c) z=\(z)")
        }
    }

    @Test func refusesWhatItCannotSum() {
        #expect(throws: Hypergeometric.Failure.argumentOutOfRange(1)) { try Hypergeometric.f21(1, 1, 2, 1) }
        #expect(throws: Hypergeometric.Failure.argumentOutOfRange(-0.5)) { try Hypergeometric.f21(1, 1, 2, -0.5) }
        #expect(throws: Hypergeometric.Failure.poleInC(-2)) { try Hypergeometric.f21(1, 1, -2, 0.5) }
        #expect(throws: Hypergeometric.Failure.notConverged(terms: 10)) {
            try Hypergeometric.f21(1, 1, 2, 0.999, maxTerms: 10)
        }
    }
}
