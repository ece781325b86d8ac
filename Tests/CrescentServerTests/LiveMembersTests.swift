import CrescentCore
import CrescentEngine
import CrescentLua
import XCTest
@testable import CrescentServer

/// The live members' metrics, kept member by member as orders arrive, against a full
/// re-derive of the same history.
final class LiveMembersTests: XCTestCase {
    static let asOf = Day(year: 2026, month: 11, day: 24)
    static let start = Timestamp(day: Day(year: 2026, month: 11, day: 23), hour: 2)

    /// A seeded population, then `n` seeded orders (some to members who signed up live, some
    /// older than the member's last order) fed to the live members one at a time.
    static func fed(orders n: Int, seed: UInt64) throws -> (live: LiveMembers, full: Population) {
        let base = SyntheticPopulation.generate(members: 400, seed: seed, asOf: asOf)
        let live = try LiveMembers(population: base, asOf: asOf, now: start)
        var members = base.members, orders = base.orders
        var rng = SeededGenerator(seed: seed &+ 1)
        for k in 0..<n {
            if k % 50 == 0 {
                let m = Member(id: 100_000 + Int64(k), joinDate: asOf.adding(days: -1), consent: ["sms"])
                try live.upsert(m)
                members.append(m)
            }
            let member = members[Int(rng.next() % UInt64(members.count))].id
            let daysAgo = Int64(rng.next() % 400)
            let order = Order(id: 10_000_000 + Int64(k), memberId: member,
                              time: Timestamp(seconds: start.seconds - daysAgo * 86_400 - Int64(k)),
                              amount: Money(minorUnits: 1_000 + Int64(rng.next() % 50_000)), quantity: 1 + Int(rng.next() % 3),
                              items: [OrderItem(sku: "s\(k % 7)", category: ["tea", "rice", "soap"][k % 3], quantity: 1,
                                                amount: Money(minorUnits: 1_000))])
            XCTAssertTrue(live.add(order))
            orders.append(order)
        }
        return (live, Population(members: members, orders: orders))
    }

    func testIncrementalViewsEqualAFullReDeriveAfterManyOrders() throws {
        for seed: UInt64 in [3, 11] {
            let (live, full) = try Self.fed(orders: 2_000, seed: seed)
            // The scale is rebuilt hourly from the kept metrics; after that, scores match too.
            live.refreshReference(asOf: Self.asOf, now: Self.start.adding(seconds: LiveMembers.referenceMaxAge))
            let derived = DerivedViews.compute(full, asOf: Self.asOf)
            let expected = MemberViews.build(full, derived)
            let got = try live.subset(full.members.map(\.id), asOf: Self.asOf)
            XCTAssertEqual(got.views.count, expected.count)
            for (g, e) in zip(got.views, expected) {
                XCTAssertEqual(Self.fields(g), Self.fields(e), "seed \(seed), member \(e.member.id)")
            }
            XCTAssertEqual(got.derived.metrics, derived.metrics, "seed \(seed)")
        }
    }

    func testAnOrderReDerivesItsMemberOnceAndAReplayChangesNothing() throws {
        let (live, _) = try Self.fed(orders: 10, seed: 5)
        let id = live.ids[0]
        let before = try live.subset([id], asOf: Self.asOf).views[0]
        let order = Order(id: 20_000_000, memberId: id, time: Self.start, amount: Money(minorUnits: 900), quantity: 1)
        XCTAssertTrue(live.add(order))
        let once = try live.subset([id], asOf: Self.asOf).views[0]
        XCTAssertEqual(once.orders, before.orders + 1)
        XCTAssertEqual(once.totalSpend.minorUnits, before.totalSpend.minorUnits + 900)
        XCTAssertEqual(once.recencyDays, 1)
        XCTAssertTrue(live.add(order), "a replayed order is known")
        XCTAssertEqual(Self.fields(try live.subset([id], asOf: Self.asOf).views[0]), Self.fields(once))
        XCTAssertFalse(live.add(Order(id: 1, memberId: 987_654_321, time: Self.start, amount: .zero, quantity: 1)))
    }

    /// What scripts read of a view, comparable.
    static func fields(_ v: MemberView) -> String {
        "\(v.member.id) \(v.lifecycle) r\(v.recencyDays.map(String.init) ?? "-") f\(v.frequency) m\(v.monetary) "
            + "rfm\(v.rfm.r)\(v.rfm.f)\(v.rfm.m) n\(v.orders) \(v.totalSpend) \(v.firstOrder?.description ?? "-")…"
            + "\(v.lastOrder?.description ?? "-") \(v.lastBoughtDaysAgo.sorted { $0.key < $1.key }) \(v.asOf)"
    }
}
