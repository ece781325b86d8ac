import Foundation
import Testing
@testable import CrescentCore

@Suite struct ResponseModelTests {
    let model = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
    let asOf = Day(year: 1997, month: 10, day: 1)

    private func order(_ id: Int64, _ member: Int64, _ day: Day, _ amount: String) -> Order {
        Order(id: id, memberId: member, time: Timestamp(day: day), amount: Money(parsing: amount)!, quantity: 1)
    }

    @Test func probabilitiesAndValuesFollowEachMembersHistory() {
        let d0 = Day(year: 1997, month: 1, day: 1)
        let population = Population(
            members: [Member(id: 1, joinDate: d0), Member(id: 2, joinDate: d0), Member(id: 3, joinDate: d0)],
            orders: [order(1, 1, d0, "10.00"), order(2, 1, d0.adding(days: 70), "20.01"),
                     order(3, 1, d0.adding(days: 70), "5.00"), // same day: not a second repeat
                     order(4, 3, d0.adding(days: 10), "40.00"),
                     order(5, 3, asOf, "999.00")]) // on the offer day: not history
        var response = ResponseModel(model: model, asOf: asOf, prospectProbability: 0.02)
        let rows = response.responses(for: population, windowDays: 14)
        #expect(rows.count == 3)
        let T1 = Double(asOf.days(since: d0)) / 7
        let expected1 = model.probabilityOfPurchase(within: 2, x: 1, tx: 10, T: T1)
        #expect(abs(rows[0].baseProbability - expected1) < 1e-15)
        #expect(rows[0].orderValue == Money(minorUnits: 1167)) // (1000 + 2001 + 500) / 3 = 1167.0
        #expect(rows[1].isProspect && rows[1].probability == 0.02)
        #expect(rows[1].orderValue == Money(minorUnits: 1875)) // (3501 + 4000) / 4 = 1875.25
        #expect(rows[2].orderValue == Money(major: 40) && !rows[2].isProspect)

        response.uplift = 1e6
        #expect(response.responses(for: population, windowDays: 14).allSatisfy { $0.probability == 1 })
    }

    @Test func roundedMeanRoundsHalfAwayFromZero() {
        #expect(ResponseModel.roundedMean(5, 2) == Money(minorUnits: 3))
        #expect(ResponseModel.roundedMean(-5, 2) == Money(minorUnits: -3))
        #expect(ResponseModel.roundedMean(4, 3) == Money(minorUnits: 1))
        #expect(ResponseModel.roundedMean(7, 0) == .zero)
    }

    /// A small backtest on CDNOW: fit on 1997-01-01…09-30, predict who buys in the next
    /// four weeks, compare with who did.
    @Test func predictedBuyersTrackTheHoldout() throws {
        let population = try ForecastCDNOWFixture.load()
        let fit = try BGNBD.fit(BGNBD.summarize(population, start: Day(year: 1997, month: 1, day: 1),
                                                end: Day(year: 1997, month: 9, day: 30)))
        let rows = ResponseModel(model: fit.model, asOf: asOf).responses(for: population, windowDays: 28)
        let predicted = rows.reduce(0) { $0 + $1.probability }
        let end = Timestamp(day: asOf.adding(days: 28))
        var actual = 0
        for i in 0..<population.count where population.orders(ofMemberAt: i).contains(where: {
            $0.time >= Timestamp(day: asOf) && $0.time < end
        }) { actual += 1 }
        #expect(abs(predicted - Double(actual)) < 0.2 * Double(actual), "predicted \(predicted), actual \(actual)")
    }
}
