import CrescentCore
import CrescentPersistence
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
            let m = try RawStatement(db, "SELECT \(CrescentStore.memberColumns) FROM members ORDER BY id")
            var shared = SharedMemberFields()
            while try m.step(db) { members.append(CrescentStore.member(at: m, sharing: &shared)) }
            var population = Population(members: members, orders: try loadOrders(db), events: try loadEvents(db))
            population.pointsExpiries = try loadPointsExpiries(db)
            return population
        }
    }

    /// Every member's points lots that will expire, replayed from the points ledger.
    public func loadPointsExpiries() throws -> [PointsExpiry] { try writer.read { try loadPointsExpiries($0) } }

    /// - parameter members: only these members' lots (nil: everyone's); other rows are skipped undecoded.
    func loadPointsExpiries(_ db: Database, of members: Set<Int64>? = nil) throws -> [PointsExpiry] {
        var replay = PointsExpiryReplay()
        let rows = try RawStatement(db, "SELECT member_id, kind, delta, time, expires_on FROM points_ledger ORDER BY member_id, id")
        while try rows.step(db) {
            let member = rows.int(0)
            if let members, !members.contains(member) { continue }
            replay.add(member: member, kind: rows.text(1) ?? "", delta: rows.int(2),
                       day: Timestamp(seconds: rows.int(3)).day, expiresOn: rows.text(4).flatMap { Day($0) })
        }
        return replay.finish()
    }

    /// Orders with their items, by id. `members`: only theirs (other rows are skipped undecoded),
    /// `reserving` room for that many.
    func loadOrders(_ db: Database, of members: Set<Int64>? = nil, reserving: Int = 0) throws -> [Order] {
        var orders: [Order] = []
        orders.reserveCapacity(members == nil ? try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0 : reserving)
        let o = try RawStatement(db, "SELECT \(CrescentStore.orderColumns) FROM orders ORDER BY id")
        while try o.step(db) {
            if let members, !members.contains(o.int(1)) { continue }
            orders.append(try CrescentStore.order(at: o))
        }
        // Merge join: both sides ascend by order id.
        let it = try RawStatement(db, "SELECT order_id, sku, category, quantity, amount FROM order_items ORDER BY order_id, line")
        var k = 0
        while try it.step(db) {
            let id = it.int(0)
            while k < orders.count && orders[k].id < id { k += 1 }
            guard k < orders.count, orders[k].id == id else { continue }
            orders[k].items.append(CrescentStore.item(at: it, from: 1))
        }
        return orders
    }

    /// Events by member, then time and id. `members`: only theirs.
    func loadEvents(_ db: Database, of members: Set<Int64>? = nil) throws -> [BehaviorEvent] {
        var events: [BehaviorEvent] = []
        // An event outside the calendar is no part of the population; a pending one is
        // dead-lettered by the live engine with that reason.
        let e = try RawStatement(db, """
            SELECT id, member_id, kind, time, attributes FROM events WHERE time BETWEEN ? AND ?
            ORDER BY member_id, time, id
            """)
        e.bind(1, Timestamp.validSeconds.lowerBound); e.bind(2, Timestamp.validSeconds.upperBound)
        while try e.step(db) {
            if let members, !members.contains(e.int(1)) { continue }
            events.append(CrescentStore.event(at: e))
        }
        return events
    }

    static let orderColumns = "id, member_id, time, store, amount, quantity, discount, reference"

    /// An `orderColumns` row; refuses a time outside the calendar with the row.
    static func order(at o: RawStatement) throws -> Order {
        // Written by an older version or by hand: refuse with the row, instead of letting
        // every later stats or dry-run trap on date arithmetic.
        guard let time = Timestamp(checkedSeconds: o.int(2)) else {
            throw StoredRowError(table: "orders", id: String(o.int(0)),
                                 message: "time \(o.int(2)) is outside 0001-01-01 ... 9999-12-31; fix or delete the row")
        }
        return Order(id: o.int(0), memberId: o.int(1), time: time,
                     store: o.text(3), amount: Money(minorUnits: o.int(4)), quantity: Int(o.int(5)),
                     discount: Money(minorUnits: o.int(6)), reference: o.text(7))
    }

    /// `sku, category, quantity, amount` from column `c` on.
    static func item(at it: RawStatement, from c: Int32) -> OrderItem {
        OrderItem(sku: it.text(c) ?? "", category: it.text(c + 1) ?? "",
                  quantity: Int(it.int(c + 2)), amount: Money(minorUnits: it.int(c + 3)))
    }

    /// `id, member_id, kind, time, attributes`.
    static func event(at e: RawStatement) -> BehaviorEvent {
        let attrs = e.text(4) ?? "{}"
        return BehaviorEvent(id: e.text(0) ?? "", memberId: e.int(1), kind: e.text(2) ?? "",
                             time: Timestamp(seconds: e.int(3)),
                             attributes: attrs == "{}" ? [:] : FlatJSON.decode(attrs) ?? [:])
    }
}
