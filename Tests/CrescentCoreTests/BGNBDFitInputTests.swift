import Foundation
import Testing
@testable import CrescentCore

/// The fit's input built straight from columns, and the likelihood summed in blocks on
/// several cores: both must give exactly what the customer-by-customer path gives.
@Suite struct BGNBDFitInputTests {
    static let asOf = Day(year: 2025, month: 6, day: 1)
    static let points: [[Double]] = [[log(0.4), log(6), log(0.8), log(2.5)], [0.3, 1.2, -0.4, 0.9]]

    @Test func fromColumnsInOnePassIsTheSameInputAsFromCustomers() throws {
        // Over `pilotSize` buyers, so the pilot subset is compared too.
        let population = SyntheticPopulation.generate(members: 26_000, seed: 5, asOf: Self.asOf)
        let customers = BaselineResponse.summaries(population, asOf: Self.asOf).compactMap { $0 }
        #expect(customers.count > BGNBD.pilotSize)
        let expected = BGNBD.FitInput(customers)
        let columns = try ColumnarPopulation(population)
        let input = BaselineResponse.fitInput(columns, asOf: Self.asOf)
        #expect(input.customers == expected.customers)
        #expect(input.repeatBuyers == expected.repeatBuyers)
        #expect(input.repeatBuyers > 0 && input.repeatBuyers < input.customers)
        #expect(input.meanT == expected.meanT)
        #expect(input.full.count == expected.full.count && input.full.count < input.customers)
        #expect(input.full.xs == expected.full.xs && input.full.txs == expected.full.txs && input.full.Ts == expected.full.Ts)
        let pilot = try #require(input.pilot), expectedPilot = try #require(expected.pilot)
        #expect(pilot.count == expectedPilot.count)
        for p in Self.points {
            #expect(input.full.negativeLogLikelihood(p, variant: .modified)
                    == expected.full.negativeLogLikelihood(p, variant: .modified))
            #expect(pilot.negativeLogLikelihood(p, variant: .classic) == expectedPilot.negativeLogLikelihood(p, variant: .classic))
        }
        // The per-member summaries of the members a context holds are those of the record path.
        let held = Array(stride(from: 3, to: population.count, by: 97))
        let all = BaselineResponse.summaries(population, asOf: Self.asOf)
        #expect(BaselineResponse.summaries(columns, asOf: Self.asOf, members: held) == held.map { all[$0] })
    }

    @Test func theLikelihoodIsTheSameWhateverTheCoreCountAndEqualsTheModelsOwn() {
        var g = SeededGenerator(seed: 17)
        let customers = (0..<150_000).map { _ in
            let T = Int.random(in: 1...730, using: &g), tx = Int.random(in: 0...T, using: &g)
            let x = tx == 0 ? 0 : Int.random(in: 1...25, using: &g)
            return BGNBD.Customer(x: Double(x), tx: Double(tx) / 7, T: Double(T) / 7)
        }
        let data = CompressedSummaries(customers)
        #expect(data.count > 3 * CompressedSummaries.blockRows)
        for variant in BGNBD.Variant.allCases {
            for p in Self.points {
                let one = data.negativeLogLikelihood(p, variant: variant, workers: 1)
                for workers in [2, 3, 8] {
                    #expect(data.negativeLogLikelihood(p, variant: variant, workers: workers) == one)
                }
                let model = BGNBD(r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3]), variant: variant)
                let direct = -model.logLikelihood(customers)
                #expect(abs(one - direct) <= 1e-9 * abs(direct), "\(variant) at \(p): \(one) against \(direct)")
            }
        }
    }

    @Test func noBuyersGiveAnEmptyInputThatTheFitRefuses() throws {
        let population = SyntheticPopulation.generate(members: 50, seed: 2, asOf: Self.asOf)
        // An as-of day before anyone's first order: no summaries at all.
        let early = Day(year: 1990, month: 1, day: 1)
        let input = BaselineResponse.fitInput(try ColumnarPopulation(population), asOf: early)
        #expect(input.customers == 0 && input.full.count == 0 && input.pilot == nil)
        #expect(throws: BGNBD.FitError.notEnoughData(customers: 0, repeatBuyers: 0)) {
            try BGNBD.fit(input)
        }
    }

    @Test func asOfWithNothingToCutIsThePopulationItself() {
        let population = SyntheticPopulation.generate(members: 400, seed: 3, asOf: Self.asOf)
        // Generated up to its as-of day: nothing after it, so the arrays are shared, not copied.
        let same = population.asOf(Self.asOf)
        #expect(same.members == population.members && same.orders == population.orders)
        #expect(same.orderStart == population.orderStart)
        #expect(same.orders.withUnsafeBufferPointer(\.baseAddress) == population.orders.withUnsafeBufferPointer(\.baseAddress))
        // A cut still filters: an as-of day inside the history drops later orders.
        let cut = population.asOf(Self.asOf.adding(days: -200))
        #expect(cut.orders.count < population.orders.count)
        #expect(cut.orders.allSatisfy { $0.time < Timestamp(day: Self.asOf.adding(days: -200)) })
    }
}
