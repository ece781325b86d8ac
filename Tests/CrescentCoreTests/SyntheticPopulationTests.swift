import Testing
@testable import CrescentCore

@Suite struct SyntheticPopulationTests {
    let asOf = Day("2026-01-01")!

    @Test func sameSeedGivesEqualPopulations() {
        let a = SyntheticPopulation.generate(members: 500, seed: 42, asOf: asOf)
        let b = SyntheticPopulation.generate(members: 500, seed: 42, asOf: asOf)
        #expect(a.members == b.members)
        #expect(a.orders == b.orders)
        let c = SyntheticPopulation.generate(members: 500, seed: 43, asOf: asOf)
        #expect(a.orders != c.orders)
    }

    @Test func historiesArePlausible() {
        var p = SyntheticPopulation.Parameters()
        p.meanOrdersPerMember = 6
        let pop = SyntheticPopulation.generate(members: 4_000, seed: 1, asOf: asOf, parameters: p)
        let cutoff = Timestamp(day: asOf)
        #expect(pop.orders.allSatisfy { $0.time < cutoff && $0.amount.minorUnits > 0 })
        #expect(pop.orphanOrders == 0)
        let buyers = (0..<pop.count).filter { !pop.orders(ofMemberAt: $0).isEmpty }.count
        let mean = Double(pop.orders.count) / Double(buyers)
        #expect(mean > 4.5 && mean < 7.5, "mean orders per buyer \(mean)")
        // Not everyone consents, not everyone is basic, and ids are unique.
        #expect(pop.members.filter { $0.consent.contains("sms") }.count < pop.count)
        #expect(Set(pop.members.map(\.tier)).count >= 3)
        #expect(Set(pop.orders.map(\.id)).count == pop.orders.count)
        #expect(pop.orders.allSatisfy { $0.items.reduce(0) { $0 + $1.quantity } == $0.quantity })
    }

    @Test func generatorIsStableAcrossReleases() {
        // Pins the PRNG: other modules replay dry-runs from these numbers.
        var rng = SeededGenerator(seed: 0)
        let first = (0..<3).map { _ in rng.next() }
        var again = SeededGenerator(seed: 0)
        #expect(first == (0..<3).map { _ in again.next() })
        #expect(first[0] == 0x99EC_5F36_CB75_F2B4)
        var r = SeededGenerator(seed: 9)
        #expect((0..<1000).allSatisfy { _ in (0..<7).contains(r.nextInt(below: 7)) })
    }
}
