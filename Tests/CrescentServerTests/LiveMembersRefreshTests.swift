import CrescentCore
import CrescentEngine
import XCTest
@testable import CrescentServer

/// Another node's writes, read back from the store (``LiveMembers/refresh(from:)``): the
/// members' rows and order histories are replaced and their views match a full re-derive.
final class LiveMembersRefreshTests: XCTestCase {
    func testARefreshReplacesMembersAndOrdersAndTheirViewsMatchAFullReDerive() throws {
        let asOf = LiveMembersTests.asOf
        let (live, full) = try LiveMembersTests.fed(orders: 200, seed: 9)
        let known = full.members[3]
        var renamed = known
        renamed.name = "Renamed elsewhere"
        let newcomer = Member(id: 900_001, joinDate: asOf.adding(days: -2), consent: ["sms"])
        // The store's view: the known member renamed with one more order, and a member this node never saw.
        let extra = Order(id: 30_000_000, memberId: known.id, time: LiveMembersTests.start, amount: Money(minorUnits: 4_200),
                          quantity: 1)
        let newcomerOrder = Order(id: 30_000_001, memberId: newcomer.id, time: LiveMembersTests.start,
                                  amount: Money(minorUnits: 1_500), quantity: 2)
        let knownOrders = Array(full.orders(ofMemberAt: 3)) + [extra]
        let stored = Population(members: [renamed, newcomer], orders: knownOrders + [newcomerOrder])
        let other = full.members[5].id
        let otherBefore = LiveMembersTests.fields(try live.subset([other], asOf: asOf).views[0])
        let versionBefore = live.version
        XCTAssertFalse(live.contains(newcomer.id))

        try live.refresh(from: stored)

        XCTAssertGreaterThan(live.version, versionBefore)
        XCTAssertTrue(live.contains(newcomer.id))
        let got = try live.subset([renamed.id, newcomer.id], asOf: asOf)
        // Metrics as a full re-derive of the store's rows has them (scores aside: the scale is the population's).
        let expected = DerivedViews.compute(stored, asOf: asOf)
        XCTAssertEqual(got.views.map(\.member.name), ["Renamed elsewhere", ""])
        XCTAssertEqual(got.views.map(\.orders), [knownOrders.count, 1])
        XCTAssertEqual(got.derived.metrics.map(\.frequency), expected.metrics.map(\.frequency))
        XCTAssertEqual(got.views.map(\.totalSpend), expected.metrics.map(\.totalSpend))
        XCTAssertEqual(got.derived.metrics.map(\.recencyDays), expected.metrics.map(\.recencyDays))
        // A member the read-back did not return is left as it was.
        XCTAssertEqual(LiveMembersTests.fields(try live.subset([other], asOf: asOf).views[0]), otherBefore)
        try live.refresh(from: Population(members: [], orders: []))
        XCTAssertTrue(live.contains(other))
    }
}
