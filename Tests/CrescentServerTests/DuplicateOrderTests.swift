import CrescentCore
import CrescentPersistence
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing
@testable import CrescentServer

/// An order the API sends under an id an earlier import already used: the store keeps the
/// imported order, and the engine's kept metrics must count it once, as a restart (which loads
/// the store) would. On each store.
@Suite(.serialized)
struct DuplicateOrderTests {
    static let imported = Order(id: 42, memberId: 5, time: Timestamp(day: Day(year: 2026, month: 11, day: 20), hour: 3),
                                amount: Money(major: 60), quantity: 1)

    /// Orders and spend of `ids` as the engine's kept metrics have them.
    func kept(_ engine: LiveEngine, _ ids: [Int64]) async throws -> [(orders: Int, spend: Money)] {
        try await engine.onWorker {
            try engine.members.subset(ids, asOf: engine.asOfToday).views.map { ($0.orders, $0.totalSpend) }
        }
    }

    @Test(arguments: TestStoreKind.all)
    func anAPIOrderUnderAnImportedOrdersIdCountsOnce(kind: TestStoreKind) async throws {
        try await ServerFixtures.withWorkspace(kind) { ws in
            try ServerFixtures.withStore(ws.db) { try $0.insert(orders: [Self.imported]) }
            let engine = try await LiveEngine.open(ws.configuration, clock: FixedClock(ServerFixtures.now))
            defer { engine.stop() }
            // The same order id again through the API (another time and amount: a resend from the till).
            let again = try IngestDecoder.decode(Data(ServerFixtures.orderJSON(id: 42, member: 5).utf8), as: .orders)
            _ = try ServerFixtures.withStore(ws.db) { try $0.journal([again], receivedAt: ServerFixtures.now) }
            #expect(try await engine.processPending() == 1)
            let live = try await kept(engine, [5])
            #expect(live.map(\.orders) == [1])
            #expect(live.map(\.spend) == [Money(major: 60)])
            // The payment still fired, on the member's one order.
            #expect(try ServerFixtures.coupons(ws.db, member: 5, playbook: "thanks_for_paying") == 1)
            // What a restart loads from the store agrees.
            let restarted = try await LiveEngine.open(ws.configuration, clock: FixedClock(ServerFixtures.now))
            defer { restarted.stop() }
            #expect(try await kept(restarted, [5]).map(\.orders) == [1])
        }
    }

    @Test(arguments: TestStoreKind.all)
    func anAPIOrderReusingAnotherMembersOrderIdDoesNotCountForEither(kind: TestStoreKind) async throws {
        try await ServerFixtures.withWorkspace(kind) { ws in
            try ServerFixtures.withStore(ws.db) { try $0.insert(orders: [Self.imported]) }
            let engine = try await LiveEngine.open(ws.configuration, clock: FixedClock(ServerFixtures.now))
            defer { engine.stop() }
            // Order 42 for member 6: the store keeps member 5's order 42.
            let entries = try IngestDecoder.decode(Data(ServerFixtures.orderJSON(id: 42, member: 6).utf8), as: .orders)
            _ = try ServerFixtures.withStore(ws.db) { try $0.journal([entries], receivedAt: ServerFixtures.now) }
            #expect(try await engine.processPending() == 1)
            let live = try await kept(engine, [5, 6])
            #expect(live.map(\.orders) == [1, 0])
            #expect(live.map(\.spend) == [Money(major: 60), Money(minorUnits: 0)])
            let stored = try ServerFixtures.withStore(ws.db) { try $0.loadMembers(ids: [5, 6]) }
            #expect(stored.orders.map(\.memberId) == [5])
        }
    }
}
