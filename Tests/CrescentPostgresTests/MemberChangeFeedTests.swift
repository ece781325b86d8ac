import CrescentCore
import CrescentPersistence
import CrescentStore
import Foundation
import Testing
@testable import CrescentPostgres

/// The log of member writes a node reads before a run over everyone (``MemberChangeFeed``),
/// the same on both stores: what changed since a mark is named (on PostgreSQL some rows from
/// just before it may come too, when another transaction on the server was running: exact
/// sets are checked on SQLite), an order only once its `payment` is finished, and an import
/// past ``MemberChangeLog/bulkWriteMembers`` as "everyone".
@Suite(.serialized)
struct MemberChangeFeedTests {
    func finishPending(_ store: any DataStore) throws {
        let claimed = try store.claimEvents(limit: 100, lease: WorkLease(node: "n", seconds: 60))
        try store.finishEvents(claimed.map { EventFinish(seq: $0.seq, succeeded: true, outcome: "ok") })
    }

    @Test(arguments: StoreKind.available)
    func theLogNamesWhoWasWrittenSinceAMark(kind: StoreKind) throws {
        try kind.withStore { store in
            try store.insert(members: (1...4).map(member), orders: [], events: [])
            let mark = try store.memberChangeMark()
            // Member 2's order accepted: hidden while its payment is pending, and not logged yet.
            let order = Order(id: 20, memberId: 2, time: t0, amount: Money(major: 60), quantity: 1)
            _ = try store.journal([[.order(order)]], receivedAt: t0)
            let whilePending = try store.memberChanges(since: mark)
            if kind == .sqlite { #expect(whilePending.members == []) }
            try finishPending(store)
            // A signup at another node, processed.
            _ = try store.journal([[.member(MemberPatch(member: member(9), fields: MemberPatch.allFields))]], receivedAt: t0)
            try finishPending(store)
            let changes = try store.memberChanges(since: mark)
            #expect(Set<Int64>([2, 9]).isSubset(of: changes.members), "\(changes.members)")
            #expect(!changes.everyone)
            if kind == .sqlite { #expect(changes.members == [2, 9]) }
            // From the mark it returned: what came after only.
            try store.insert(members: [], orders: [Order(id: 30, memberId: 3, time: t0, amount: Money(major: 5), quantity: 1)],
                             events: [])
            let next = try store.memberChanges(since: changes.mark)
            #expect(next.members.contains(3))
            if kind == .sqlite { #expect(next.members == [3]) }
            // An import past the bulk threshold is logged as everyone.
            let many = (Int64(1_000)...Int64(1_000 + MemberChangeLog.bulkWriteMembers)).map(member)
            try store.insert(members: many, orders: [], events: [])
            let bulk = try store.memberChanges(since: next.mark)
            #expect(bulk.everyone)
            #expect(bulk.members.count < MemberChangeLog.bulkWriteMembers)
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipped))
    func aPostgresStoreOfThePreviousSchemaUpgradesAndLogsWritesFromThen() throws {
        try TestPostgres.withStore { store in
            try store.insert(members: [member(7)])
            // Back to the schema before `v5 member changes`.
            try store.pool.withSession { s in
                try s.execute("DROP TABLE member_changes")
                try s.execute("DELETE FROM crescent_migrations WHERE name = 'v5 member changes'")
            }
            #expect(try PostgresSchema.migrate(store.pool) == ["v5 member changes"])
            #expect(try store.loadPopulation().members.map(\.id) == [7])
            let mark = try store.memberChangeMark()
            try store.insert(orders: [Order(id: 1, memberId: 7, time: t0, amount: Money(major: 9), quantity: 1)])
            let changes = try store.memberChanges(since: mark)
            #expect(changes.members == [7])
            #expect(!changes.everyone)
        }
    }
}
