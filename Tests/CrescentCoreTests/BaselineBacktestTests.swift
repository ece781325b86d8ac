import Testing
@testable import CrescentCore

@Suite struct BaselineBacktestTests {
    static func grid() -> BaselineBacktest {
        var grid = BaselineBacktest(asOfDays: [Day(year: 1998, month: 2, day: 1)])
        grid.audiences = [.everyone, .oneTime]
        grid.minSpends = [Money(major: 100)]
        grid.windows = [60]
        grid.runs = 60
        return grid
    }

    @Test func beatsTheTextbookAtAHighMinimumSpendAndIsDeterministic() throws {
        let population = try ForecastCDNOWFixture.load()
        let scored = try Self.grid().run(population)
        #expect(scored.count == 2)
        let everyone = try #require(scored.first { $0.campaign.audience == .everyone })
        #expect(everyone.members == 2357)
        #expect(everyone.actualRedemptions > 0)
        let ours = try #require(everyone.redemptions[.crescent(.modified)])
        let textbook = try #require(everyone.redemptions[.textbook])
        // The textbook's (k + ½)/(n + 1) share gives every small spender a real chance at 100.
        #expect(abs(ours.mean - everyone.actualRedemptions) < abs(textbook.mean - everyone.actualRedemptions))
        #expect(textbook.mean > 1.5 * everyone.actualRedemptions)
        let again = try Self.grid().run(population)
        #expect(again.map { $0.redemptions[.crescent(.modified)] } == scored.map { $0.redemptions[.crescent(.modified)] })
        #expect(again.map { $0.revenue[.textbook] } == scored.map { $0.revenue[.textbook] })
    }

    @Test func accuracySummarisesErrorBiasAndCoverage() {
        let campaign = BaselineBacktest.Campaign(asOf: Day(year: 2025, month: 1, day: 1), audience: .everyone,
                                                 minSpend: .zero, windowDays: 30)
        func scored(_ forecast: Estimate, actual: Double) -> BaselineBacktest.Scored {
            .init(campaign: campaign, members: 100, actualRedemptions: actual, actualRevenue: actual,
                  redemptions: [.textbook: forecast], revenue: [.textbook: forecast])
        }
        let rows = [scored(Estimate(mean: 110, low: 90, high: 130), actual: 100),  // +10 %, inside
                    scored(Estimate(mean: 40, low: 30, high: 45), actual: 50),     // −20 %, outside
                    scored(Estimate(mean: 2, low: 0, high: 4), actual: 0)]         // no percentage, inside
        let a = BaselineBacktest.accuracy(rows, method: .textbook, revenue: false)
        #expect(abs(a.meanAbsolutePercentError - 0.15) < 1e-12)
        #expect(abs(a.bias - (-0.05)) < 1e-12)
        #expect(abs(a.coverage - 2.0 / 3) < 1e-12)
        #expect(a.largeCampaigns == 2 && abs(a.largeCampaignError - 0.15) < 1e-12)
        #expect(BaselineBacktest.accuracy(rows, method: .crescent(.modified), revenue: false).coverage == 0)
    }
}
