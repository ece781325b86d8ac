import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore {
    /// The members with `ids` (ascending, as `loadColumnar` orders them) with their orders,
    /// items, events and points lots, as `loadPopulation` would give them, and nobody else.
    ///
    /// Why: a dry-run over millions of members picks its audience from columns first and needs
    /// whole records only for those members. Every read is an index lookup per member (or per
    /// order for items), so the cost follows the audience, not the store; from a quarter of the
    /// store on (`denseShare`), one pass per table in member order is cheaper and is taken.
    /// - parameter expectedOrders: how many orders they are expected to have (the columns'
    ///   count): reserved up front, since growing an array of millions of orders by doubling
    ///   copies it and faults its pages in again each time (a third of the read at 1M).
    /// - throws: `StoredRowError` naming the first id with no member row.
    public func loadPopulation(memberIds ids: [Int64], expectedOrders: Int = 0) throws -> Population {
        try writer.read { db in
            let hasItems = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM order_items)") ?? false
            let hasEvents = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events)") ?? false
            let it = try RawStatement(db, "SELECT sku, category, quantity, amount FROM order_items WHERE order_id = ? ORDER BY line")
            var shared = SharedMemberFields()
            var members: [Member] = [], orders: [Order] = [], events: [BehaviorEvent] = []
            members.reserveCapacity(ids.count)
            orders.reserveCapacity(expectedOrders)
            func withItems(_ order: Order) throws -> Order {
                guard hasItems else { return order }
                var order = order
                it.bind(1, order.id)
                while try it.step(db) { order.items.append(CrescentStore.item(at: it, from: 0)) }
                return order
            }
            func missing(_ id: Int64) -> StoredRowError {
                StoredRowError(table: "members", id: String(id), message: "no such member (the store changed while it was read?)")
            }
            let wanted = Set(ids)
            let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM members") ?? 0
            if ids.count >= stored / Self.denseShare {
                // A large share of the store: one pass over each table in member order, keeping
                // the wanted members' rows, costs less than a lookup per member.
                let m = try RawStatement(db, "SELECT \(CrescentStore.memberColumns) FROM members ORDER BY id")
                while try m.step(db) {
                    if wanted.contains(m.int(0)) { members.append(CrescentStore.member(at: m, sharing: &shared)) }
                }
                // `ids` ascend, as the scan does: the same members in the same order, unless one is gone.
                if members.count != ids.count {
                    let found = Set(members.map(\.id))
                    throw missing(ids.first { !found.contains($0) } ?? ids[0])
                }
                // Grouped by member (and each member's sorted) by `Population`, as the whole load is.
                orders = try loadOrders(db, of: wanted, reserving: expectedOrders)
                if hasEvents { events = try loadEvents(db, of: wanted) }
            } else {
                let m = try RawStatement(db, "SELECT \(CrescentStore.memberColumns) FROM members WHERE id = ?")
                let o = try RawStatement(db, "SELECT \(CrescentStore.orderColumns) FROM orders WHERE member_id = ? ORDER BY time, id")
                let e = try RawStatement(db, """
                    SELECT id, member_id, kind, time, attributes FROM events
                    WHERE member_id = ? AND time BETWEEN ? AND ? ORDER BY time, id
                    """)
                for id in ids {
                    m.bind(1, id)
                    guard try m.step(db) else { throw missing(id) }
                    members.append(CrescentStore.member(at: m, sharing: &shared))
                    while try m.step(db) {}
                    o.bind(1, id)
                    while try o.step(db) { orders.append(try withItems(CrescentStore.order(at: o))) }
                    if hasEvents {
                        e.bind(1, id); e.bind(2, Timestamp.validSeconds.lowerBound); e.bind(3, Timestamp.validSeconds.upperBound)
                        while try e.step(db) { events.append(CrescentStore.event(at: e)) }
                    }
                }
            }
            var population = Population(members: members, orders: orders, events: events)
            // One pass over the ledger (a lookup per member sorts each member's rows: slower at
            // millions), replaying only these members' rows.
            population.pointsExpiries = try loadPointsExpiries(db, of: wanted)
            return population
        }
    }

    /// From one member in this many on, `loadPopulation(memberIds:)` reads whole tables in
    /// member order instead of looking each member up.
    static let denseShare = 4
}
