import Testing
@testable import CrescentCore

@Suite struct PointsTests {
    let d1 = Day("2026-01-01")!  // a Thursday

    @Test func spendsOldestLotsFirst() throws {
        var ledger = PointsLedger()
        ledger.earn(50, on: d1.adding(days: 4), expiresOn: d1.adding(days: 34), reason: "order:2")
        ledger.earn(100, on: d1, expiresOn: d1.adding(days: 30), reason: "order:1") // inserted before
        let entries = try ledger.spend(120, on: d1.adding(days: 10), reason: "order:3")
        #expect(entries.map(\.kind) == [.spend, .spend])
        #expect(entries.map(\.points) == [100, 20])
        #expect(entries.map(\.expiresOn) == [d1.adding(days: 30), d1.adding(days: 34)])
        #expect(ledger.balance == 30)
        #expect(ledger.lots.count == 1)
    }

    @Test func expiresLotsOnTheirDayAndNotBefore() throws {
        var ledger = PointsLedger()
        ledger.earn(100, on: d1, expiresOn: d1.adding(days: 30))
        ledger.earn(40, on: d1.adding(days: 20), expiresOn: nil)
        #expect(ledger.expire(asOf: d1.adding(days: 29)).isEmpty)
        #expect(ledger.balance(on: d1.adding(days: 30)) == 40)
        // Spending more than is usable throws and changes nothing.
        do {
            _ = try ledger.spend(100, on: d1.adding(days: 30))
            Issue.record("spending more than the usable balance should throw")
        } catch {
            #expect(error == .insufficient(need: 100, have: 40))
        }
        #expect(ledger.balance == 140)
        let entries = try ledger.spend(10, on: d1.adding(days: 31))
        #expect(entries == [
            PointsEntry(kind: .expire, points: 100, day: d1.adding(days: 31), expiresOn: d1.adding(days: 30)),
            PointsEntry(kind: .spend, points: 10, day: d1.adding(days: 31), expiresOn: nil),
        ])
        #expect(ledger.balance == 30)
    }

    @Test func earnsWithTheLargestMultiplierAndRuleExpiry() {
        let rule = PointsRule(earnPerMajorUnit: 2,
                              multipliers: [PointsMultiplier(factor: 2, weekdays: [3]),   // Thursdays
                                            PointsMultiplier(factor: 3, dates: [d1])],
                              activityPoints: ["login": 5], expiryDays: 365)
        #expect(rule.earnedPoints(forPaid: Money(minorUnits: 29_999), on: d1) == 299 * 2 * 3)
        #expect(rule.earnedPoints(forPaid: Money(major: 10), on: d1.adding(days: 7)) == 40)
        #expect(rule.earnedPoints(forPaid: Money(major: 10), on: d1.adding(days: 1)) == 20)
        #expect(rule.earnedPoints(forActivity: "login") == 5)
        #expect(rule.earnedPoints(forActivity: "unknown") == 0)
        var ledger = PointsLedger()
        let entry = ledger.earn(10, on: d1, rule: rule)
        #expect(entry.expiresOn == d1.adding(days: 365))
    }

    @Test func pointsAsCashRespectCaps() {
        let percent = PointsRule(spendPointsPerMajorUnit: 100, perOrderCap: .percent(20))
        let r = percent.maxRedeemable(balance: 10_000, orderAmount: Money(major: 299))
        #expect(r.value == Money(minorUnits: 5_980))
        #expect(r.points == 5_980)
        let money = PointsRule(spendPointsPerMajorUnit: 100, perOrderCap: .money(Money(major: 10)))
        #expect(money.maxRedeemable(balance: 10_000, orderAmount: Money(major: 299)).value == Money(major: 10))
        let poor = money.maxRedeemable(balance: 250, orderAmount: Money(major: 299))
        #expect(poor.value == Money(minorUnits: 250))
        #expect(poor.points == 250)
        let coarse = PointsRule(spendPointsPerMajorUnit: 1_000)
        #expect(coarse.value(ofPoints: 15) == Money(minorUnits: 1))
        #expect(coarse.points(toPay: Money(minorUnits: 1)) == 10)
        #expect(coarse.maxRedeemable(balance: 15, orderAmount: Money(major: 5)).points == 10)
    }

    @Test func ruleValidationNamesFields() {
        let bad = PointsRule(earnPerMajorUnit: -1, multipliers: [PointsMultiplier(factor: 0, weekdays: [7])],
                             expiryDays: 0, spendPointsPerMajorUnit: 0, perOrderCap: .percent(150))
        #expect(bad.validate().map(\.field)
                == ["earn", "multipliers.factor", "multipliers.weekdays", "expiry_days", "spend", "cap_percent"])
    }

    @Test func redPacketsShrinkThenStayFixedFromTheThird() throws {
        let rule = try RedPacketRule(amounts: [Money(major: 8), Money(major: 5), Money(major: 2)])
        #expect((1...6).map(rule.amount(forClaim:)) ==
                [8, 5, 2, 2, 2, 2].map { Money(major: $0) })
        let decaying = try RedPacketRule.decaying(first: Money(major: 10), decayPercent: 40)
        #expect(decaying.amounts == [Money(major: 10), Money(major: 6), Money(minorUnits: 360)])
        #expect(decaying.amount(forClaim: 9) == Money(minorUnits: 360))
        let floored = try RedPacketRule.decaying(first: Money(major: 10), decayPercent: 90, floor: Money(major: 2))
        #expect(floored.amounts == [Money(major: 10), Money(major: 2), Money(major: 2)])
        #expect(throws: CouponSpecError(field: "amounts", message: "must not increase (claim 2 > claim 1)")) {
            try RedPacketRule(amounts: [Money(major: 1), Money(major: 2)])
        }
        #expect(throws: CouponSpecError.self) { try RedPacketRule.decaying(first: .zero, decayPercent: 10) }
    }
}
