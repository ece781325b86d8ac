import Testing
@testable import CrescentCore

/// The columnar population holds the same members and orders as `Population`, and its derived
/// columns equal `DerivedViews` member for member.
@Suite struct ColumnarPopulationTests {
    let asOf = Day("2026-01-01")!

    @Test func chunkedSyntheticGenerationEqualsTheRecordsConverted() throws {
        let population = SyntheticPopulation.generate(members: 2_500, seed: 9, asOf: asOf)
        var chunks: [Population] = []
        let columns = try ColumnarPopulation.synthetic(members: 2_500, seed: 9, asOf: asOf, chunkSize: 700) { chunks.append($0) }
        #expect(columns == (try ColumnarPopulation(population)))
        #expect(chunks.count == 4)
        // Chunks carry the whole population's ids and order ids.
        #expect(chunks.flatMap(\.members) == population.members)
        #expect(chunks.flatMap(\.orders) == population.orders)
        #expect(columns.count == 2_500 && columns.orderCount == population.orders.count)
        for i in [0, 1, 777, 2_499] {
            let m = population.members[i]
            #expect(columns.memberId[i] == m.id)
            #expect(columns.tiers.name(columns.tier[i]) == m.tier)
            #expect(columns.consentNames(ofMemberAt: i) == m.consent.sorted())
            #expect(columns.tagCodes(ofMemberAt: i).map { columns.tags.name($0) } == m.tags)
            #expect(columns.orderCount(ofMemberAt: i) == population.orders(ofMemberAt: i).count)
        }
    }

    @Test(arguments: [("2026-01-01", FrequencyCounting.orders, 365), ("2025-06-15", .distinctDays, 180),
                      ("2024-02-29", .orders, 90)])
    func derivedColumnsEqualDerivedViews(day: String, counting: FrequencyCounting, window: Int) throws {
        let population = SyntheticPopulation.generate(members: 3_000, seed: 21, asOf: asOf)
        let config = DerivedViewsConfig(windowDays: window, frequencyCounting: counting)
        let views = DerivedViews.compute(population, asOf: Day(day)!, config: config)
        let columns = try ColumnarPopulation(population)
        let derived = DerivedColumns.compute(columns, asOf: Day(day)!, config: config)
        #expect(derived.count == views.metrics.count)
        // Folded in several ranges at once: the same columns and totals.
        let split = DerivedColumns.compute(columns, asOf: Day(day)!, config: config, parts: 3)
        #expect(split.lifecycle == derived.lifecycle && split.r == derived.r && split.m == derived.m
                && split.monetary == derived.monetary && split.summary == derived.summary)
        var mismatches = 0
        for i in views.metrics.indices where derived.metrics(at: i) != views.metrics[i] { mismatches += 1 }
        #expect(mismatches == 0)
        #expect(derived.summary == views.summary)
        // Every stage occurs on the main as-of day, so the comparison covers them all.
        if day == "2026-01-01" { #expect(Set(derived.lifecycle).count == LifecycleStage.allCases.count) }
    }

    @Test func lifecycleOrdinalsArePositionsInAllCases() {
        #expect(LifecycleStage.allCases.enumerated().allSatisfy { Int($0.element.ordinal) == $0.offset })
    }

    @Test func membersWithoutOrdersOrFieldsAreProspectsWithEmptyColumns() throws {
        var c = ColumnarPopulation()
        try c.appendMember(id: 1, joinDay: asOf.adding(days: -10))
        try c.appendMember(id: 2, joinDay: asOf.adding(days: -10), city: "Hangzhou", consent: ["sms", "email"])
        c.appendOrder(seconds: Timestamp(day: asOf.adding(days: -3)).seconds, amount: 1_000, quantity: 1)
        c.appendOrder(seconds: Timestamp(day: asOf).seconds, amount: 9_000, quantity: 1)   // on the as-of day: not counted
        let d = DerivedColumns.compute(c, asOf: asOf)
        #expect(d.metrics(at: 0) == MemberMetrics())
        #expect(c.city[0] == ColumnarPopulation.noCode && c.birthDay[0] == ColumnarPopulation.noDay)
        #expect(d.metrics(at: 1).orderCount == 1 && d.metrics(at: 1).recencyDays == 3 && d.lifecycleStage(at: 1) == .new)
        #expect(c.consentNames(ofMemberAt: 1) == ["email", "sms"])
        #expect(c.dayAfterLastOrder == asOf.adding(days: 1))
    }

    @Test func theSixtyFifthConsentChannelIsRefusedNamingTheMember() throws {
        var c = ColumnarPopulation()
        try c.appendMember(id: 1, joinDay: asOf, consent: (0..<64).map { "ch\($0)" })
        #expect(throws: ColumnarPopulationError(memberId: 2, message:
            "consent channel \"ch64\" is the 65th distinct channel; at most 64 are supported")) {
            try c.appendMember(id: 2, joinDay: asOf, consent: ["ch64"])
        }
        #expect(c.count == 1)   // nothing half-written
    }
}
