import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

/// The `points_expiring` scene's source: the points ledger replayed into the lots that remain.
@Suite("Points expiries from the ledger")
struct PointsExpiryLoadTests {
    @Test("earns, an oldest-first spend and an expiry leave exactly the unspent lots, by day", arguments: TestStoreKind.all)
    func ledgerReplaysIntoRemainingLots(kind: TestStoreKind) throws {
        try kind.withScratch { scratch in try scratch.withOpened { store in
        let d = Day(year: 2026, month: 1, day: 1)
        try store.insert(members: [Member(id: 1, joinDate: d.adding(days: -30)), Member(id: 2, joinDate: d.adding(days: -30)),
                                   Member(id: 3, joinDate: d.adding(days: -30))])
        try store.earnPoints(member: 1, points: 100, on: d, expiresOn: d.adding(days: 30), reason: "a", key: "1a")
        try store.earnPoints(member: 1, points: 50, on: d.adding(days: 5), expiresOn: d.adding(days: 35), reason: "b", key: "1b")
        _ = try store.spendPoints(member: 1, points: 120, on: d.adding(days: 10), reason: "order", key: "1s")
        try store.earnPoints(member: 2, points: 70, on: d, expiresOn: d.adding(days: 3), reason: "a", key: "2a")
        try store.earnPoints(member: 2, points: 20, on: d, expiresOn: nil, reason: "never", key: "2n")
        _ = try store.expirePoints(member: 2, asOf: d.adding(days: 3))
        try store.earnPoints(member: 3, points: 40, on: d, expiresOn: d.adding(days: 9), reason: "a", key: "3a")
        try store.earnPoints(member: 3, points: 60, on: d.adding(days: 1), expiresOn: d.adding(days: 9), reason: "b", key: "3b")

        #expect(try store.loadPointsExpiries() == [
            PointsExpiry(member: 1, day: d.adding(days: 35), points: 30),
            PointsExpiry(member: 3, day: d.adding(days: 9), points: 100),
        ])
        #expect(try store.loadPopulation().pointsExpiries.count == 2)
        } }
    }

    @Test("a synthetic population's balances round-trip through the store as opening lots, once", arguments: TestStoreKind.all)
    func syntheticLotsRoundTrip(kind: TestStoreKind) throws {
        try kind.withScratch { scratch in try scratch.withOpened { store in
        let asOf = Day(year: 2026, month: 1, day: 1)
        let population = SyntheticPopulation.generate(members: 300, seed: 4, asOf: asOf)
        #expect(population.pointsExpiries.count == population.members.filter { $0.pointsBalance > 0 }.count)
        #expect(population.pointsExpiries.allSatisfy { $0.day > asOf && $0.day <= asOf.adding(days: 365) })
        try store.insert(population: population)
        let loaded = try store.loadPointsExpiries()
        #expect(loaded == population.pointsExpiries.sorted { $0.member < $1.member })
        } }
    }
}
