import CrescentCore
import CrescentPersistence
import CrescentStore
import Testing
@testable import CrescentPostgres

/// A store's columns (`loadColumns`, what a live node starts from) are its records as columns,
/// on both stores: PostgreSQL reads them page by page without records, SQLite from its snapshot.
@Suite(.serialized)
struct ColumnsLoadTests {
    let asOf = Day("2026-01-01")!

    /// Members with tags and consent, orders whose ids do not follow members (text ids'
    /// negative stand-ins, ids far apart), ties on time and orders of unknown members.
    func population() -> (members: [Member], orders: [Order]) {
        var members = SyntheticPopulation.generate(members: 60, seed: 4, asOf: asOf).members
        members[3].tags = ["vip", "tea"]; members[5].consent = ["sms", "push", "email"]; members[7].birthday = nil
        var rng = SeededGenerator(seed: 9)
        let t = Timestamp(day: asOf.adding(days: -30)).seconds
        let orders = (0..<300).map { k in
            let id: Int64 = k % 3 == 0 ? OrderIdentity.standIn(for: "SO-\(k)") : k % 3 == 1 ? Int64(k) : Int64.max - Int64(k)
            let member = k % 17 == 0 ? Int64(9_000_000 + k) : members[Int(rng.next() % UInt64(members.count))].id
            return Order(id: id, memberId: member, time: Timestamp(seconds: t - Int64(rng.next() % 5) * 3_600),
                         amount: Money(minorUnits: Int64(100 + k)), quantity: 1 + k % 3,
                         reference: k % 3 == 0 ? "SO-\(k)" : nil)
        }
        return (members, orders)
    }

    @Test(arguments: StoreKind.available)
    func columnsAreTheRecordsAsColumns(kind: StoreKind) throws {
        try kind.withStore { store in
            let (members, orders) = population()
            try store.insert(members: members, orders: orders, events: [])
            let expected = try ColumnarPopulation(try store.loadPopulation())
            #expect(expected.count == members.count)
            #expect(try store.loadColumns() == expected)
            // Pages smaller than either table: rows on page boundaries are read once.
            if let postgres = store as? PostgresStore {
                for page in [1, 7, 60] { #expect(try postgres.loadColumns(pageSize: page) == expected, "page \(page)") }
            }
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipped))
    func anOrderOutsideTheCalendarIsRefusedWithItsId() throws {
        try TestPostgres.withStore { store in
            try store.insert(members: [Member(id: 1, joinDate: asOf.adding(days: -10))], orders: [], events: [])
            try store.pool.withSession { s in
                try s.execute("INSERT INTO orders (id, member_id, time, amount, quantity) VALUES (77, 1, \(Int64.max), 100, 1)")
            }
            #expect { try store.loadColumns() } throws: { ($0 as? StoredRowError)?.id == "77" }
        }
    }
}
