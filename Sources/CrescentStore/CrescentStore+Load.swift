import CrescentCore
import GRDB

extension CrescentStore {
    /// Loads every member with their orders, items and events.
    ///
    /// Reads with the SQLite C API row by row (no `Row` or `Codable` decoding): members by
    /// id, orders by id merged with items by `(order_id, line)` — both in primary-key
    /// order, so SQLite never sorts — then `Population` groups orders by member.
    public func loadPopulation() throws -> Population {
        try writer.read { db in
            var members: [Member] = []
            members.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM members") ?? 0)
            let m = try RawStatement(db, """
                SELECT id, name, gender, birthday, phone, email, city, join_date, tier, points_balance,
                  tags, consent, attributes, utc_offset_minutes FROM members ORDER BY id
                """)
            while try m.step(db) {
                let tags = m.text(10) ?? "", consent = m.text(11) ?? "", attrs = m.text(12) ?? "{}"
                members.append(Member(
                    id: m.int(0), name: m.text(1) ?? "", gender: m.text(2), birthday: m.day(3),
                    phone: m.text(4), email: m.text(5), city: m.text(6),
                    joinDate: m.day(7) ?? Day(index: 0), tier: m.text(8) ?? "basic",
                    pointsBalance: m.int(9),
                    tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init),
                    consent: consent.isEmpty ? [] : Set(consent.split(separator: ",").map(String.init)),
                    attributes: attrs == "{}" ? [:] : FlatJSON.decode(attrs) ?? [:],
                    utcOffsetMinutes: Int(m.int(13))))
            }
            return Population(members: members, orders: try loadOrders(db), events: try loadEvents(db))
        }
    }

    private func loadOrders(_ db: Database) throws -> [Order] {
        var orders: [Order] = []
        orders.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0)
        let o = try RawStatement(db, "SELECT id, member_id, time, store, amount, quantity, discount, reference FROM orders ORDER BY id")
        while try o.step(db) {
            orders.append(Order(id: o.int(0), memberId: o.int(1), time: Timestamp(seconds: o.int(2)),
                                store: o.text(3), amount: Money(minorUnits: o.int(4)), quantity: Int(o.int(5)),
                                discount: Money(minorUnits: o.int(6)), reference: o.text(7)))
        }
        // Merge join: both sides ascend by order id.
        let it = try RawStatement(db, "SELECT order_id, sku, category, quantity, amount FROM order_items ORDER BY order_id, line")
        var k = 0
        while try it.step(db) {
            let id = it.int(0)
            while k < orders.count && orders[k].id < id { k += 1 }
            guard k < orders.count, orders[k].id == id else { continue }
            orders[k].items.append(OrderItem(sku: it.text(1) ?? "", category: it.text(2) ?? "",
                                             quantity: Int(it.int(3)), amount: Money(minorUnits: it.int(4))))
        }
        return orders
    }

    private func loadEvents(_ db: Database) throws -> [BehaviorEvent] {
        var events: [BehaviorEvent] = []
        let e = try RawStatement(db, "SELECT id, member_id, kind, time, attributes FROM events ORDER BY member_id, time, id")
        while try e.step(db) {
            let attrs = e.text(4) ?? "{}"
            events.append(BehaviorEvent(id: e.text(0) ?? "", memberId: e.int(1), kind: e.text(2) ?? "",
                                        time: Timestamp(seconds: e.int(3)),
                                        attributes: attrs == "{}" ? [:] : FlatJSON.decode(attrs) ?? [:]))
        }
        return events
    }
}
