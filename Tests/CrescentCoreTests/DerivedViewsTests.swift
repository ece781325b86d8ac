import Testing
@testable import CrescentCore

@Suite struct DerivedViewsTests {
    @Test func tiesShareAScore() {
        #expect(QuintileScores.higherIsBetter([1, 1, 1, 2, 5]) == [1, 1, 1, 4, 5])
        #expect(QuintileScores.lowerIsBetter([10, 10, 3, 1]) == [1, 1, 3, 4])
        #expect(QuintileScores.higherIsBetter(Array(0..<10)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    /// One member per lifecycle stage, built by hand.
    @Test func assignsEachLifecycleStage() {
        let asOf = Day("2026-01-01")!
        func order(_ id: Int64, _ member: Int64, daysAgo: Int) -> Order {
            Order(id: id, memberId: member, time: Timestamp(day: asOf.adding(days: -daysAgo), hour: 12),
                  amount: Money(major: 10), quantity: 1)
        }
        let members = (1...7).map { Member(id: Int64($0), joinDate: asOf.adding(days: -900)) }
        var orders: [Order] = [order(1, 2, daysAgo: 10),                        // new
                               order(2, 3, daysAgo: 400), order(3, 4, daysAgo: 120)] // churned, silent
        // 5: steady one order a month for a year → mature
        orders += (0..<12).map { order(10 + Int64($0), 5, daysAgo: 15 + 30 * $0) }
        // 6: one order in the earlier year, four recently → rising
        orders += [order(30, 6, daysAgo: 300)] + (0..<4).map { order(31 + Int64($0), 6, daysAgo: 5 + 20 * $0) }
        // 7: weekly in the earlier period, one recent → declining
        orders += (0..<40).map { order(40 + Int64($0), 7, daysAgo: 100 + 7 * $0) } + [order(99, 7, daysAgo: 20)]
        orders.append(order(100, 5, daysAgo: -3))                           // after asOf: ignored
        let views = DerivedViews.compute(Population(members: members, orders: orders), asOf: asOf)
        let stages = views.metrics.map(\.lifecycle)
        #expect(stages == [.prospect, .new, .churned, .silent, .activeMature, .activeRising, .declining])
        #expect(views.metrics[0].r == 0 && views.metrics[0].recencyDays == nil)
        #expect(views.metrics[4].orderCount == 12 && views.metrics[4].recencyDays == 15)
        #expect(views.metrics[1].firstOrder == asOf.adding(days: -10))
        let s = views.summary
        // Member 3 ordered 400 days ago (outside the window); 2, 4, 5, 6 first ordered inside it.
        #expect(s.activeCustomers == 5 && s.newCustomers == 4)
        #expect(CustomerValueSummary.annualTarget(aov: s.aov, frequency: s.purchaseFrequency,
                newCustomers: s.newCustomers, returningCustomers: s.returningCustomers) == s.revenue)
    }

    @Test func distinctDaysCountsSameDayOrdersOnce() {
        let asOf = Day("2026-01-01")!
        let d = asOf.adding(days: -5)
        let orders = [Order(id: 1, memberId: 1, time: Timestamp(day: d, hour: 9), amount: Money(major: 5), quantity: 1),
                      Order(id: 2, memberId: 1, time: Timestamp(day: d, hour: 10), amount: Money(major: 7), quantity: 2)]
        let pop = Population(members: [Member(id: 1, joinDate: d)], orders: orders)
        let byDays = DerivedViews.compute(pop, asOf: asOf, config: .init(windowDays: 365, frequencyCounting: .distinctDays))
        #expect(byDays.metrics[0].frequency == 1)
        #expect(byDays.metrics[0].monetary == Money(major: 12))
        #expect(DerivedViews.compute(pop, asOf: asOf).metrics[0].frequency == 2)
    }
}

@Suite struct PopulationGroupingTests {
    @Test func groupsOrdersWhetherOrNotTheyArriveSorted() {
        let d = Day("2025-01-01")!
        let members = [Member(id: 10, joinDate: d), Member(id: 20, joinDate: d)]
        func o(_ id: Int64, _ m: Int64, _ h: Int) -> Order {
            Order(id: id, memberId: m, time: Timestamp(day: d, hour: h), amount: .zero, quantity: 1)
        }
        let sorted = [o(1, 10, 1), o(2, 10, 2), o(3, 20, 1)]
        let shuffled = [o(3, 20, 1), o(2, 10, 2), o(9, 99, 0), o(1, 10, 1)]
        let a = Population(members: members, orders: sorted), b = Population(members: members, orders: shuffled)
        #expect(a.orders == b.orders && a.orderStart == [0, 2, 3] && b.orderStart == [0, 2, 3])
        #expect(a.orphanOrders == 0 && b.orphanOrders == 1)
    }
}
