import Testing
@testable import CrescentCore

@Suite struct ForecastSimulationTests {
    private func candidates() -> [ForecastCandidate] {
        (0..<400).map { (i: Int) -> ForecastCandidate in
            let segment: String = i % 2 == 0 ? "segment:even" : "segment:odd"
            let value = Money(major: 50 + Int64(i % 7))
            return ForecastCandidate(probability: Double(i % 10) / 20, orderValue: value,
                                     merchantCost: Money(major: 3), platformCost: Money(major: 2),
                                     isSilent: i % 3 == 0, groups: [segment, "channel:sms"])
        }
    }

    @Test func sameSeedSameOutcome() {
        var a = ForecastTestGenerator(seed: 11), b = ForecastTestGenerator(seed: 11)
        let sim = ForecastSimulation(runs: 200, valueSpread: 0.3)
        #expect(sim.run(candidates(), using: &a) == sim.run(candidates(), using: &b))
    }

    @Test func meansMatchExpectationsAndIntervalsBracketThem() {
        var g = ForecastTestGenerator(seed: 3)
        let list = candidates()
        let outcome = ForecastSimulation(runs: 2000).run(list, using: &g)
        let expected = list.reduce(0) { $0 + $1.probability }
        let t = outcome.totals
        #expect(abs(t.redemptions.mean - expected) < 0.01 * expected)
        #expect(t.redemptions.low < t.redemptions.mean && t.redemptions.mean < t.redemptions.high)
        #expect(abs(t.cost.mean - 5 * t.redemptions.mean) < 1e-9)
        #expect(abs(t.merchantCost.mean - 3 * t.redemptions.mean) < 1e-9)
        let aov = t.averageOrderValue!.mean
        #expect(aov > 50 && aov < 56)
        // ROI per run = (revenue − cost) / cost = AOV / 5 − 1 per redemption.
        #expect(abs(t.roi!.mean - (aov / 5 - 1)) < 0.05)
        #expect(abs(t.discountDepth!.mean - 5 / (aov + 5)) < 0.001)
        #expect(t.candidates == 400 && t.silentCandidates == 134)
        #expect(outcome.groups.keys.sorted() == ["channel:sms", "segment:even", "segment:odd"])
        let halves = outcome.groups["segment:even"]!.redemptions.mean + outcome.groups["segment:odd"]!.redemptions.mean
        #expect(abs(halves - t.redemptions.mean) < 1e-9)
        #expect(outcome.groups["channel:sms"]! == t)
    }

    @Test func certainOutcomesHaveNoSpreadAndUndefinedRatiosAreNil() {
        var g = ForecastTestGenerator(seed: 1)
        let sure = [ForecastCandidate(probability: 1, orderValue: Money(major: 80), merchantCost: Money(major: 20))]
        let t = ForecastSimulation(runs: 50).run(sure, using: &g).totals
        #expect(t.revenue == Estimate(exactly: 80))
        #expect(t.roi == Estimate(exactly: 3))
        #expect(t.discountDepth == Estimate(exactly: 0.2))
        #expect(t.silentRecallRate == nil)
        let never = [ForecastCandidate(probability: 0, orderValue: Money(major: 80))]
        let n = ForecastSimulation(runs: 50).run(never, using: &g).totals
        #expect(n.averageOrderValue == nil && n.roi == nil && n.redemptions == Estimate(exactly: 0))
    }

    @Test func estimateQuantilesInterpolateLikeRAndNumPy() {
        let e = Estimate(samples: [3, 1, 2, 5, 4])!
        #expect(e.mean == 3)
        #expect(abs(e.low - 1.2) < 1e-12 && abs(e.high - 4.8) < 1e-12)
        #expect(Estimate(samples: []) == nil)
        #expect(Estimate(mean: -0.00001, low: 1.23456, high: 2).rounded(toPlaces: 2)
                == Estimate(mean: 0, low: 1.23, high: 2))
    }
}
