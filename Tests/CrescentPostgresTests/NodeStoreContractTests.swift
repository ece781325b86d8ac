import CrescentCore
import CrescentPersistence
import Testing

/// What several nodes need from a store, the same on SQLite and PostgreSQL: reading back some
/// members as they are now, and per-node work tallies.
@Suite(.serialized)
struct NodeStoreContractTests {
    func order(_ id: Int64, member: Int64, at time: Timestamp, reference: String? = nil) -> Order {
        Order(id: id, memberId: member, time: time, store: "SH-01", amount: Money(major: 80), quantity: 1,
              items: [OrderItem(sku: "A-\(id)", category: "skincare", quantity: 1, amount: Money(major: 80))],
              reference: reference)
    }

    @Test(arguments: StoreKind.available)
    func loadMembersReadsSomeMembersAndOnlyOrdersWhoseEventWasProcessed(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.insert(members: [member(1), member(2), member(3)],
                             orders: [order(10, member: 1, at: t0), order(11, member: 2, at: t0), order(12, member: 3, at: t0)],
                             events: [])
            // Accepted through the live API, not processed yet: pending orders do not count.
            let late = order(13, member: 1, at: t0.adding(seconds: 60))
            let referenced = order(14, member: 2, at: t0.adding(seconds: 60), reference: "SHOP-14")
            #expect(try store.journal([[.order(late), .order(referenced)]], receivedAt: t0) == [[true, true]])
            var upsert = member(4)
            upsert.name = "New"
            #expect(try store.journal([[.member(MemberPatch(member: upsert, fields: MemberPatch.allFields))]],
                                      receivedAt: t0) == [[true]])

            let before = try store.loadMembers(ids: [2, 1, 4, 99])
            // Unknown ids are left out; a member written through the journal is there at once.
            #expect(before.members.map(\.id) == [1, 2, 4])
            #expect(before.members.last?.name == "New")
            #expect(before.orders == [order(10, member: 1, at: t0), order(11, member: 2, at: t0)])
            #expect(try store.loadMembers(ids: []).members.isEmpty)

            let claimed = try store.claimEvents(limit: 10, lease: WorkLease(node: "a", seconds: 60))
            #expect(claimed.count == 3)
            try store.finishEvents(claimed.map { EventFinish(seq: $0.seq, succeeded: true, outcome: "ok") })
            let after = try store.loadMembers(ids: [1, 2])
            #expect(after.orders.map(\.id) == [10, 13, 11, 14])
            #expect(after.orders.map { $0.items.count } == [1, 1, 1, 1])
            #expect(after.orders.last?.reference == "SHOP-14")
        }
    }

    @Test(arguments: StoreKind.available)
    func nodeWorkTalliesAddUpPerNodeAndKind(kind: StoreKind) throws {
        try kind.withStore { store in
            #expect(try store.nodeWork().isEmpty)
            try store.addNodeWork(node: "a", [.events: 5, .dueSteps: 2], at: t0)
            try store.addNodeWork(node: "b", [.events: 3, .deliveries: 0], at: t0)
            try store.addNodeWork(node: "a", [.events: 1, .scheduledRuns: 1], at: t0.adding(seconds: 5))
            try store.addNodeWork(node: "c", [:], at: t0)
            #expect(try store.nodeWork() == ["a": [.events: 6, .dueSteps: 2, .scheduledRuns: 1], "b": [.events: 3]])
        }
    }
}
