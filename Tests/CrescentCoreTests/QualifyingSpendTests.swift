import Testing
@testable import CrescentCore

@Suite struct QualifyingSpendTests {
    static let asOf = Day(year: 2025, month: 6, day: 1)

    /// Members by the amounts (major units) of their orders, one purchase day each, before `asOf`.
    static func population(_ amounts: [[Int64]]) -> Population {
        var members: [Member] = [], orders: [Order] = []
        var id: Int64 = 0
        for (m, list) in amounts.enumerated() {
            members.append(Member(id: Int64(m + 1), joinDate: Day(year: 2024, month: 1, day: 1)))
            for (k, amount) in list.enumerated() {
                id += 1
                orders.append(Order(id: id, memberId: Int64(m + 1), time: Timestamp(day: Day(year: 2024, month: 2, day: 1).adding(days: 7 * k)),
                                    amount: Money(major: amount), quantity: 1))
            }
        }
        return Population(members: members, orders: orders)
    }

    @Test func membersWhoNeverReachedTheThresholdArePricedFromThePopulation() {
        // Big spenders, small spenders, mixed ones, and a member without orders.
        let pop = Self.population([[120, 150, 130], [110, 20, 140], [20, 25, 30, 15], [20, 20], [200, 40], []])
        let spend = QualifyingSpend(pop, before: Timestamp(day: Self.asOf), minSpend: Money(major: 100))
        #expect(spend.populationShare > 0.2 && spend.populationShare < 0.8)
        #expect(spend.share[0] > spend.share[1] && spend.share[1] > spend.share[2])
        // Never reached 100, yet a real (population-priced) chance, falling with more evidence.
        #expect(spend.share[2] > 0 && spend.share[3] > spend.share[2])
        // No orders: the population's share.
        #expect(abs(spend.share[5] - spend.populationShare) < 1e-12)
        // A qualifying order is worth at least the minimum, and more for big spenders.
        #expect(spend.value.allSatisfy { $0 >= 100 })
        #expect(spend.value[0] > 100 && spend.value[2] == spend.populationValue)
        #expect(abs(spend.populationValue - (120 + 150 + 130 + 110 + 140 + 200) / 6.0) < 1e-9)
    }

    @Test func severalOrdersOnOneDayAreOneChance() {
        var pop = Self.population([[10, 200]])
        // Put both orders on the same day.
        let same = pop.orders.map { o in
            Order(id: o.id, memberId: o.memberId, time: Timestamp(day: Day(year: 2024, month: 2, day: 1)), amount: o.amount, quantity: 1)
        }
        pop = Population(members: pop.members, orders: same)
        let spend = QualifyingSpend(pop, before: Timestamp(day: Self.asOf), minSpend: Money(major: 100))
        #expect(spend.populationShare == 1) // the only purchase day qualifies
    }

    @Test func degenerateThresholds() {
        let pop = Self.population([[10, 20], [30]])
        let none = QualifyingSpend(pop, before: Timestamp(day: Self.asOf), minSpend: Money(major: 500))
        #expect(none.share.allSatisfy { $0 == 0 })
        let all = QualifyingSpend(pop, before: Timestamp(day: Self.asOf), minSpend: .zero)
        #expect(all.share.allSatisfy { $0 == 1 })
    }

    @Test func qualifyingPurchaseChanceCountsSeveralChances() {
        let m = BGNBD(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let any = m.probabilityOfPurchase(within: 8, x: 6, tx: 30, T: 32)
        #expect(abs(m.probabilityOfQualifyingPurchase(within: 8, share: 1, x: 6, tx: 30, T: 32) - any) < 1e-12)
        let half = m.probabilityOfQualifyingPurchase(within: 8, share: 0.5, x: 6, tx: 30, T: 32)
        // More than "one purchase × ½": a frequent buyer gets several tries in 8 weeks.
        #expect(half > 0.5 * any && half < any)
        #expect(m.probabilityOfQualifyingPurchase(within: 8, share: 0, x: 6, tx: 30, T: 32) == 0)
    }

    @Test func qualifyingPurchaseChanceAgreesWithSimulation() {
        // A new customer (x = 0, T = 0): λ ~ Gamma(r, α), p ~ Beta(a, b); each purchase
        // qualifies with q; dropout after each purchase.
        let m = BGNBD(r: 2, alpha: 4, a: 1, b: 6)
        let q = 0.3, weeks = 12.0
        var g = SeededGenerator(seed: 7)
        var hits = 0
        let n = 100_000
        for _ in 0..<n {
            let lambda = g.nextGamma(shape: m.r, rate: m.alpha), p = g.nextBeta(m.a, m.b)
            var t = 0.0
            while true {
                t += g.nextExponential(rate: lambda)
                if t > weeks { break }
                if g.chance(q) { hits += 1; break }
                if g.chance(p) { break }
            }
        }
        let formula = m.probabilityOfQualifyingPurchase(within: weeks, share: q, x: 0, tx: 0, T: 0)
        #expect(abs(Double(hits) / Double(n) - formula) < 0.01, "simulated \(Double(hits) / Double(n)) vs \(formula)")
    }

    @Test func modifiedModelLetsSilentOneTimeBuyersGo() {
        let classic = BGNBD(r: 0.5, alpha: 6.8, a: 0.7, b: 1.4)
        var modified = classic
        modified.variant = .modified
        #expect(classic.probabilityAlive(x: 0, tx: 0, T: 60) == 1)
        let recent = modified.probabilityAlive(x: 0, tx: 0, T: 4), silent = modified.probabilityAlive(x: 0, tx: 0, T: 60)
        #expect(silent < recent && recent < 1)
        #expect(silent < 0.6)
    }
}
