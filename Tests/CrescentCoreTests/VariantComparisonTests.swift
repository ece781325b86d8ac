import Testing
@testable import CrescentCore

@Suite struct VariantComparisonTests {
    @Test func aClearDifferenceNamesTheWinnerWithItsInterval() throws {
        let c = VariantComparison([("a", 2_000, 240), ("b", 2_000, 180)])
        #expect(c.leader == "a" && c.winner == "a" && c.pairConfidence == 0.95)
        #expect(c.arms.map(\.rate) == [0.12, 0.09])
        let d = try #require(c.versus.first)
        #expect(d.name == "b" && abs(d.difference.estimate - 0.03) < 1e-12 && d.difference.low > 0)
        // The same interval as LiftStatistics' rate difference at 95 %.
        #expect(d.difference == LiftStatistics.rateDifference(treated: (240, 2_000), control: (180, 2_000)))
        #expect(c.text("redemption rate").contains("winner: a"))
    }

    @Test func aDifferenceWithinTheNoiseNamesNoWinner() {
        let c = VariantComparison([("a", 1_000, 95), ("b", 1_000, 100)])
        #expect(c.leader == "b" && c.winner == nil)
        #expect(c.versus.count == 1 && c.versus[0].difference.low < 0 && c.versus[0].difference.high > 0)
        #expect(c.text("redemption rate").contains("winner: none yet"))
        // A variant nobody was measured in is shown but not compared; one measured variant has no winner.
        let lonely = VariantComparison([("a", 500, 60), ("b", 0, 0)])
        #expect(lonely.leader == "a" && lonely.versus.isEmpty && lonely.winner == nil && lonely.arms[1].rate == 0)
    }

    @Test func equalVariantsRarelyGetAWinnerAndARealDifferenceUsuallyDoes() {
        var g = SeededGenerator(seed: 15)
        func draw(_ p: Double, _ n: Int) -> Int { (0..<n).count { _ in g.chance(p) } }
        let trials = 300
        var falseTwo = 0, falseThree = 0, found = 0
        for _ in 0..<trials {
            if VariantComparison([("a", 1_000, draw(0.1, 1_000)), ("b", 1_000, draw(0.1, 1_000))]).winner != nil { falseTwo += 1 }
            let three = VariantComparison([("a", 800, draw(0.1, 800)), ("b", 800, draw(0.1, 800)), ("c", 800, draw(0.1, 800))])
            if three.winner != nil { falseThree += 1 }
            if VariantComparison([("a", 3_000, draw(0.12, 3_000)), ("b", 3_000, draw(0.09, 3_000))]).winner == "a" { found += 1 }
        }
        // At 95 % a false winner comes up about 2.5 % of the time (the leader must be significantly ahead).
        #expect(Double(falseTwo) / Double(trials) < 0.06)
        #expect(Double(falseThree) / Double(trials) < 0.06)
        #expect(Double(found) / Double(trials) > 0.9)
    }

    @Test func wilsonIntervalsAndTheNormalQuantile() {
        #expect(abs(LiftStatistics.normalQuantile(0.975) - LiftStatistics.z95) < 1e-8)
        #expect(abs(LiftStatistics.normalQuantile(0.01) + 2.326_347_874) < 1e-8)
        #expect(abs(LiftStatistics.normalQuantile(0.5)) < 1e-12)
        let zero = VariantComparison.wilson(successes: 0, size: 100)
        #expect(zero.low == 0 && abs(zero.high - 0.036_994) < 1e-5)
        let half = VariantComparison.wilson(successes: 50, size: 100)
        #expect(abs(half.low - 0.403_832) < 1e-5 && abs(half.high - 0.596_168) < 1e-5)
        // Three variants: each comparison at 97.5 %, so the intervals are wider than at 95 %.
        let three = VariantComparison([("a", 1_000, 150), ("b", 1_000, 100), ("c", 1_000, 100)])
        #expect(three.pairConfidence == 0.975)
        let two = VariantComparison([("a", 1_000, 150), ("b", 1_000, 100)])
        #expect(three.versus[0].difference.low < two.versus[0].difference.low)
    }
}
