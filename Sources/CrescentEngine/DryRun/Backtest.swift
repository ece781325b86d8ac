import CrescentCore

/// With an as-of day in the past, measures what actually happened: members given an
/// offer who placed an order meeting its minimum spend within its validity, and their revenue.
enum Backtest {
    static func measure(context: CampaignContext, members: [Int32], candidates: [ForecastCandidate],
                        offers: [Int32: (offer: Int, channel: String)], economics: [Int: OfferEconomics],
                        windowDays: Int, forecast: ForecastFigures) -> ForecastReport.Backtest? {
        let full = context.fullPopulation
        let from = Timestamp(day: context.asOf), to = Timestamp(day: context.asOf.adding(days: windowDays))
        guard context.hasOrders(from: from) else { return nil }
        var redeemers = 0
        var revenue: Int64 = 0
        for i in members {
            let id = context.population.members[Int(i)].id
            guard let fi = full.index(ofMember: id), let given = offers[i] else { continue }
            let minSpend = economics[given.offer]?.minSpend ?? .zero
            if let order = RealisedRedemption.firstQualifyingOrder(in: full.orders(ofMemberAt: fi), minSpend: minSpend,
                                                                   from: from, to: to) {
                redeemers += 1
                revenue += order.amount.minorUnits
            }
        }
        return ForecastReport.Backtest(from: context.asOf, to: context.asOf.adding(days: windowDays - 1), metrics: [
            .init(name: "redemptions", forecast: forecast.redemptions, actual: Double(redeemers)),
            .init(name: "revenue", forecast: forecast.revenue, actual: Double(revenue) / 100),
        ])
    }
}
