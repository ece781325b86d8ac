import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Testing

@Suite("IssuingLedgers")
struct IssuingLedgersTests {
    @Test("points are spent oldest first, expire by date and replay as no-ops", arguments: TestStoreKind.all)
    func pointsOldestFirst(kind: TestStoreKind) throws {
        try kind.withStore { store in
            let d1 = Day(year: 2026, month: 1, day: 1), d5 = d1.adding(days: 4), d10 = d1.adding(days: 9)
            #expect(try store.earnPoints(member: 7, points: 100, on: d1, expiresOn: d1.adding(days: 30), reason: "order:1", key: "e1"))
            #expect(try !store.earnPoints(member: 7, points: 100, on: d1, expiresOn: d1.adding(days: 30), reason: "order:1", key: "e1"))
            try store.earnPoints(member: 7, points: 50, on: d5, expiresOn: d5.adding(days: 60), reason: "order:2", key: "e2")

            let spent = try store.spendPoints(member: 7, points: 120, on: d10, reason: "order:3", key: "s1")
            #expect(spent.map(\.points) == [100, 20])
            #expect(try store.spendPoints(member: 7, points: 120, on: d10, reason: "order:3", key: "s1").isEmpty)
            #expect(try store.points(member: 7).balance == 30)

            let expired = try store.expirePoints(member: 7, asOf: d5.adding(days: 60))
            #expect(expired.map(\.points) == [30])
            #expect(try store.points(member: 7).balance == 0)
            #expect(try store.snapshot().points.filter { $0.member == 7 }.reduce(0) { $0 + $1.delta } == 0)
            #expect(throws: PointsError.self) { try store.spendPoints(member: 7, points: 1, on: d10, reason: "x", key: "s2") }
        }
    }

    @Test("a stored spend the earlier rows cannot cover stops the next action and names the row", arguments: TestStoreKind.all)
    func corruptLedgerStops(kind: TestStoreKind) throws {
        try kind.withStore { store in
            let d1 = Day(year: 2026, month: 1, day: 1)
            try store.earnPoints(member: 8, points: 10, on: d1, expiresOn: nil, reason: "order:1", key: "e1")
            // A spend of 500 written behind the ledger's back (a bad migration, a hand edit).
            try ScratchStore.faults(store).injectPointsRow(member: 8, kind: "spend", delta: -500, key: "bad")
            let row = try store.snapshot().points.first { $0.idempotencyKey == "bad" }?.id
            #expect(throws: PointsLedgerCorrupt.self) { try store.points(member: 8) }
            do {
                _ = try store.spendPoints(member: 8, points: 5, on: d1, reason: "order:2", key: "s1")
                Issue.record("spent on a ledger that does not add up")
            } catch let corrupt as PointsLedgerCorrupt {
                #expect(corrupt.member == 8 && corrupt.row == row)
            }
            #expect(try store.snapshot().points.filter { $0.idempotencyKey.hasPrefix("s1") }.count == 0)
        }
    }
}
