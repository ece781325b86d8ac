import CrescentCore
import CrescentStore
import Testing

@Suite("IssuingLedgers")
struct IssuingLedgersTests {
    @Test("points are spent oldest first, expire by date and replay as no-ops")
    func pointsOldestFirst() throws {
        let store = try CrescentStore()
        let ledgers = MemberLedgers(store: store)
        let d1 = Day(year: 2026, month: 1, day: 1), d5 = d1.adding(days: 4), d10 = d1.adding(days: 9)
        #expect(try ledgers.earn(member: 7, points: 100, on: d1, expiresOn: d1.adding(days: 30), reason: "order:1", key: "e1"))
        #expect(try !ledgers.earn(member: 7, points: 100, on: d1, expiresOn: d1.adding(days: 30), reason: "order:1", key: "e1"))
        try ledgers.earn(member: 7, points: 50, on: d5, expiresOn: d5.adding(days: 60), reason: "order:2", key: "e2")

        let spent = try ledgers.spend(member: 7, points: 120, on: d10, reason: "order:3", key: "s1")
        #expect(spent.map(\.points) == [100, 20])
        #expect(try ledgers.spend(member: 7, points: 120, on: d10, reason: "order:3", key: "s1").isEmpty)
        #expect(try ledgers.points(member: 7).balance == 30)

        let expired = try ledgers.expire(member: 7, asOf: d5.adding(days: 60))
        #expect(expired.map(\.points) == [30])
        #expect(try ledgers.points(member: 7).balance == 0)
        #expect(try IssuingFixtures.count(store, "SELECT sum(delta) FROM points_ledger WHERE member_id = 7") == 0)
        #expect(throws: PointsError.self) { try ledgers.spend(member: 7, points: 1, on: d10, reason: "x", key: "s2") }
    }
}
