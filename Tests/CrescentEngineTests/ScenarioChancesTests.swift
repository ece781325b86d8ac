import CrescentCore
@testable import CrescentEngine
import CrescentStore
import Testing

/// Pricing each distinct candidate once gives the very sum of pricing every candidate.
@Suite struct ScenarioChancesTests {
    @Test func theSumEqualsPricingEveryCandidateToTheLastBit() throws {
        let asOf = Day(year: 1997, month: 10, day: 1)
        let population = try PopulationLoader.load(path: cdnowPath).asOf(asOf)
        let model = try #require(try ResponseFit.fit(population, asOf: asOf))
        let spends = [Money(major: 30), Money(major: 60)].map { QualifyingSpend(population, before: Timestamp(day: asOf), minSpend: $0) }
        var rng = SeededGenerator(seed: 9)
        let candidates = (0..<population.count).map { i in
            (member: i, spend: spends[i % 2], lift: 1.2 * (1 + 0.1 * Double(rng.nextInt(below: 3))))
        }
        let pricing = ScenarioChances(model: model, windowDays: 14, candidates: candidates)
        var g = SeededGenerator(seed: 4)
        for drawn in [nil] + (0..<5).map({ _ in model.fit.drawModel(using: &g) }) as [BGNBD?] {
            let plain = candidates.reduce(0.0) { sum, c in
                sum + min(1, c.lift * model.probability(member: c.member, windowDays: 14, spend: c.spend, model: drawn))
            }
            #expect(pricing.expected(drawn) == plain)
            #expect(plain > 0)
        }
    }
}
