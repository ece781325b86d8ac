import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore {
    /// The members with `ids` (ascending, as `loadColumnar` orders them) with their orders,
    /// items, events and points lots, as `loadPopulation` would give them, and nobody else.
    ///
    /// Why: a dry-run over millions of members picks its audience from columns first and needs
    /// whole records only for those members. Every read is an index lookup per member (or per
    /// order for items), so the cost follows the audience, not the store.
    /// - parameter expectedOrders: how many orders they are expected to have (the columns'
    ///   count): reserved up front, since growing an array of millions of orders by doubling
    ///   copies it and faults its pages in again each time (a third of the read at 1M).
    /// - throws: `StoredRowError` naming the first id with no member row.
    public func loadPopulation(memberIds ids: [Int64], expectedOrders: Int = 0) throws -> Population {
        try writer.read { db in
            let m = try RawStatement(db, "SELECT \(CrescentStore.memberColumns) FROM members WHERE id = ?")
            let o = try RawStatement(db, "SELECT \(CrescentStore.orderColumns) FROM orders WHERE member_id = ? ORDER BY time, id")
            let e = try RawStatement(db, """
                SELECT id, member_id, kind, time, attributes FROM events
                WHERE member_id = ? AND time BETWEEN ? AND ? ORDER BY time, id
                """)
            let hasItems = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM order_items)") ?? false
            let hasEvents = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events)") ?? false
            let it = try RawStatement(db, "SELECT sku, category, quantity, amount FROM order_items WHERE order_id = ? ORDER BY line")
            var shared = SharedMemberFields()
            var members: [Member] = [], orders: [Order] = [], events: [BehaviorEvent] = []
            members.reserveCapacity(ids.count)
            orders.reserveCapacity(expectedOrders)
            for id in ids {
                m.bind(1, id)
                guard try m.step(db) else {
                    throw StoredRowError(table: "members", id: String(id), message: "no such member (the store changed while it was read?)")
                }
                members.append(CrescentStore.member(at: m, sharing: &shared))
                while try m.step(db) {}
                o.bind(1, id)
                while try o.step(db) {
                    var order = try CrescentStore.order(at: o)
                    if hasItems {
                        it.bind(1, order.id)
                        while try it.step(db) { order.items.append(CrescentStore.item(at: it, from: 0)) }
                    }
                    orders.append(order)
                }
                if hasEvents {
                    e.bind(1, id); e.bind(2, Timestamp.validSeconds.lowerBound); e.bind(3, Timestamp.validSeconds.upperBound)
                    while try e.step(db) { events.append(CrescentStore.event(at: e)) }
                }
            }
            var population = Population(members: members, orders: orders, events: events)
            // One pass over the ledger (a lookup per member sorts each member's rows: slower at
            // millions), replaying only these members' rows.
            population.pointsExpiries = try loadPointsExpiries(db, of: Set(ids))
            return population
        }
    }
}
