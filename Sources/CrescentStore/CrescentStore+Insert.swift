import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Inserts members in one transaction: all of them or, on any error, none.
    /// - throws: `StoreInsertError` naming the first refused member.
    public func insert(members: [Member]) throws {
        try writer.write { db in
            try CrescentStore.insert(members: members, in: db)
            try CrescentStore.logMemberChanges(MemberChangeLog.written(members: members, orders: []), in: db)
        }
    }

    static func insert(members: [Member], in db: Database) throws {
            let s = try RawStatement(db, """
                INSERT INTO members (id, name, gender, birthday, phone, email, city, join_date, tier,
                  points_balance, tags, consent, attributes, utc_offset_minutes)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            for (i, m) in members.enumerated() {
                bindMember(s, m)
                do { try s.run(db) } catch { throw StoreInsertError(table: "members", index: i, message: "\(error)") }
            }
    }

    /// Binds a member to the 14 columns of `members`, in table order.
    static func bindMember(_ s: RawStatement, _ m: Member) {
        s.bind(1, m.id); s.bind(2, m.name); s.bind(3, m.gender); s.bind(4, m.birthday?.description)
        s.bind(5, m.phone); s.bind(6, m.email); s.bind(7, m.city); s.bind(8, m.joinDate.description)
        s.bind(9, m.tier); s.bind(10, m.pointsBalance); s.bind(11, m.tags.joined(separator: ","))
        s.bind(12, m.consent.sorted().joined(separator: ","))
        s.bind(13, FlatJSON.encode(m.attributes)); s.bind(14, m.utcOffsetMinutes)
    }

    /// Inserts orders and their items in one transaction: all of them or none.
    /// - throws: `StoreInsertError` naming the first refused order.
    public func insert(orders: [Order]) throws {
        try writer.write { db in
            try CrescentStore.insert(orders: orders, in: db, withItems: true)
            try CrescentStore.logMemberChanges(MemberChangeLog.written(members: [], orders: orders), in: db)
        }
    }

    /// The order insert, reusable inside a caller's transaction (the benchmark skips items).
    /// Returns the indices of the orders `ignoringExisting` left out (an order stored under
    /// the same id or reference before).
    @discardableResult
    static func insert(orders: [Order], in db: Database, withItems: Bool, ignoringExisting: Bool = false) throws -> [Int] {
        var ignored: [Int] = []
        let s = try RawStatement(db, """
            INSERT \(ignoringExisting ? "OR IGNORE " : "")INTO orders (id, member_id, time, store, amount, quantity, discount, reference)
            VALUES (?,?,?,?,?,?,?,?)
            """)
        let item = try RawStatement(db, """
            INSERT INTO order_items (order_id, line, sku, category, quantity, amount) VALUES (?,?,?,?,?,?)
            """)
        for (i, o) in orders.enumerated() {
            s.bind(1, o.id); s.bind(2, o.memberId); s.bind(3, o.time.seconds); s.bind(4, o.store)
            s.bind(5, o.amount.minorUnits); s.bind(6, o.quantity); s.bind(7, o.discount.minorUnits); s.bind(8, o.reference)
            do {
                try s.run(db)
                if ignoringExisting && db.changesCount == 0 { ignored.append(i) }
                // An ignored (existing) order keeps its items too.
                guard withItems, !ignoringExisting || db.changesCount > 0 else { continue }
                for (line, it) in o.items.enumerated() {
                    item.bind(1, o.id); item.bind(2, line + 1); item.bind(3, it.sku); item.bind(4, it.category)
                    item.bind(5, it.quantity); item.bind(6, it.amount.minorUnits)
                    try item.run(db)
                }
            } catch { throw StoreInsertError(table: "orders", index: i, message: "\(error)") }
        }
        return ignored
    }

    /// Inserts behaviour events in one transaction: all of them or none.
    /// - throws: `StoreInsertError` naming the first refused event (e.g. a duplicate id).
    public func insert(events: [BehaviorEvent]) throws {
        try writer.write { db in try CrescentStore.insert(events: events, in: db) }
    }

    static func insert(events: [BehaviorEvent], in db: Database) throws {
            let s = try RawStatement(db, "INSERT INTO events (id, member_id, kind, time, attributes) VALUES (?,?,?,?,?)")
            for (i, e) in events.enumerated() {
                s.bind(1, e.id); s.bind(2, e.memberId); s.bind(3, e.kind); s.bind(4, e.time.seconds)
                s.bind(5, FlatJSON.encode(e.attributes))
                do { try s.run(db) } catch { throw StoreInsertError(table: "events", index: i, message: "\(error)") }
            }
    }

    /// Inserts members, orders (with items) and events in one transaction: all or nothing.
    public func insert(members: [Member], orders: [Order], events: [BehaviorEvent] = []) throws {
        try writer.write { db in
            try CrescentStore.insert(members: members, in: db)
            try CrescentStore.insert(orders: orders, in: db, withItems: true)
            try CrescentStore.insert(events: events, in: db)
            try CrescentStore.logMemberChanges(MemberChangeLog.written(members: members, orders: orders), in: db)
        }
    }

    /// Inserts a whole population in one transaction.
    public func insert(population: Population) throws {
        try insert(members: population.members, orders: population.orders, events: population.events)
        try insertOpeningPoints(population.pointsExpiries)
    }

    /// Points lots a generated population starts with, as earn rows a year before they
    /// expire (keyed per member and day: inserting twice adds nothing).
    func insertOpeningPoints(_ lots: [PointsExpiry]) throws {
        guard !lots.isEmpty else { return }
        try writer.write { db in
            let s = try RawStatement(db, """
                INSERT INTO points_ledger(idempotency_key, member_id, kind, delta, reason, time, expires_on)
                VALUES (?, ?, 'earn', ?, 'opening_balance', ?, ?) ON CONFLICT(idempotency_key) DO NOTHING
                """)
            for lot in lots {
                s.bind(1, "opening:\(lot.member):\(lot.day)"); s.bind(2, lot.member); s.bind(3, lot.points)
                s.bind(4, Timestamp(day: lot.day.adding(days: -365)).seconds); s.bind(5, lot.day.description)
                try s.run(db)
            }
        }
    }
}
