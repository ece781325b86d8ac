import CrescentCore
import CrescentPersistence
import Foundation
import PostgresNIO

/// Members, orders (with items) and events: the same columns and text encodings as SQLite
/// (tags and consent comma-separated, attributes flat JSON).
extension PostgresStore {
    public func insert(members: [Member], orders: [Order], events: [BehaviorEvent]) throws {
        // The server's own words ("duplicate key … Key (id)=(2) already exists"), not where in Crescent it failed.
        func refused(_ table: String) -> (Int, any Error) -> any Error {
            { index, error in StoreInsertError(table: table, index: index, message: (error as? PostgresStoreError)?.message ?? "\(error)") }
        }
        try pool.transaction(retries: 0) { s in
            try Self.memberRows.insert(s, members, refused: refused("members"))
            try Self.orderRows.insert(s, orders, refused: refused("orders"))
            try Self.eventRows.insert(s, events, refused: refused("events"))
            try Self.logMemberChanges(s, MemberChangeLog.written(members: members, orders: orders))
        }
    }

    static let memberRows = PostgresBulkInsert<Member>(
        table: "members", columns: PostgresStore.memberColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
        bind: { m, b in
            try b.append(m.id); try b.append(m.name); try b.append(m.gender); try b.append(m.birthday?.description)
            try b.append(m.phone); try b.append(m.email); try b.append(m.city); try b.append(m.joinDate.description)
            try b.append(m.tier); try b.append(m.pointsBalance); try b.append(m.tags.joined(separator: ","))
            try b.append(m.consent.sorted().joined(separator: ",")); try b.append(FlatJSON.encode(m.attributes))
            try b.append(Int64(m.utcOffsetMinutes))
        },
        single: { s, m in try PostgresStore.insertMember(s, m, upsert: false) })

    static let orderRows: PostgresBulkInsert<Order> = {
        var rows = PostgresBulkInsert<Order>(
            table: "orders", columns: ["id", "member_id", "time", "store", "amount", "quantity", "discount", "reference"],
            bind: { o, b in
                try b.append(o.id); try b.append(o.memberId); try b.append(o.time.seconds); try b.append(o.store)
                try b.append(o.amount.minorUnits); try b.append(Int64(o.quantity)); try b.append(o.discount.minorUnits)
                try b.append(o.reference)
            },
            single: { s, o in try PostgresStore.insertOrder(s, o, ignoringExisting: false) })
        // The chunk's items, numbered from 1 per order as `insertOrder` numbers them.
        rows.after = { s, chunk in
            let items = chunk.flatMap { o in o.items.enumerated().map { (order: o.id, line: Int64($0.offset + 1), item: $0.element) } }
            try PostgresStore.itemRows.insert(s, items) { _, error in error }
        }
        return rows
    }()

    static let itemRows = PostgresBulkInsert<(order: Int64, line: Int64, item: OrderItem)>(
        table: "order_items", columns: ["order_id", "line", "sku", "category", "quantity", "amount"],
        bind: { r, b in
            try b.append(r.order); try b.append(r.line); try b.append(r.item.sku); try b.append(r.item.category)
            try b.append(Int64(r.item.quantity)); try b.append(r.item.amount.minorUnits)
        },
        single: { s, r in
            try s.execute("""
                INSERT INTO order_items (order_id, line, sku, category, quantity, amount)
                VALUES (\(r.order), \(r.line), \(r.item.sku), \(r.item.category), \(Int64(r.item.quantity)), \(r.item.amount.minorUnits))
                """)
        })

    static let eventRows = PostgresBulkInsert<BehaviorEvent>(
        table: "events", columns: ["id", "member_id", "kind", "time", "attributes"],
        bind: { e, b in
            try b.append(e.id); try b.append(e.memberId); try b.append(e.kind); try b.append(e.time.seconds)
            try b.append(FlatJSON.encode(e.attributes))
        },
        single: { s, e in
            try s.execute("""
                INSERT INTO events (id, member_id, kind, time, attributes)
                VALUES (\(e.id), \(e.memberId), \(e.kind), \(e.time.seconds), \(FlatJSON.encode(e.attributes)))
                """)
        })

    /// Members, orders and events, and a generated population's opening points lots (earn rows
    /// a year before they expire, keyed `opening:<member>:<day>` as on SQLite), in one transaction.
    public func insert(population: Population) throws {
        try insert(members: population.members, orders: population.orders, events: population.events)
        guard !population.pointsExpiries.isEmpty else { return }
        try pool.transaction { s in
            for lot in population.pointsExpiries {
                try Self.insertPoints(s, member: lot.member,
                                      entry: PointsEntry(kind: .earn, points: lot.points, day: lot.day.adding(days: -365),
                                                         expiresOn: lot.day, reason: "opening_balance"),
                                      key: "opening:\(lot.member):\(lot.day)", runId: nil, playbook: nil, channel: nil)
            }
        }
    }

    public func loadPopulation() throws -> Population {
        try pool.transaction { s in
            // One snapshot for the three reads.
            try s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let members = try s.query("SELECT \(unescaped: Self.memberColumns) FROM members ORDER BY id").map(Self.member)
            let orders = try Self.orders(s, members: nil)
            let events = try s.query("""
                SELECT id, member_id, kind, time, attributes FROM events
                WHERE time BETWEEN \(Timestamp.validSeconds.lowerBound) AND \(Timestamp.validSeconds.upperBound)
                ORDER BY member_id, time, id
                """).map { row in
                let (id, member, kind, time, attributes) = try row.decode((String, Int64, String, Int64, String).self)
                return BehaviorEvent(id: id, memberId: member, kind: kind, time: Timestamp(seconds: time),
                                     attributes: FlatJSON.decode(attributes) ?? [:])
            }
            var population = Population(members: members, orders: orders, events: events)
            population.pointsExpiries = try loadPointsExpiries()
            return population
        }
    }

    public func loadMembers(ids: [Int64]) throws -> Population {
        guard !ids.isEmpty else { return Population(members: [], orders: []) }
        return try pool.transaction { s in
            try s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let members = try s.query("SELECT \(unescaped: Self.memberColumns) FROM members WHERE id = ANY(\(ids)) ORDER BY id")
                .map(Self.member)
            return Population(members: members, orders: try Self.orders(s, members: ids))
        }
    }

    /// Orders with their items, by id: every order (`members` nil), or those of `members` whose
    /// `payment` event is not pending (``loadMembers(ids:)``).
    static func orders(_ s: PostgresSession, members: [Int64]?) throws -> [Order] {
        let rows: [PostgresRow]
        if let ids = members {
            rows = try s.query("""
                SELECT o.id, o.member_id, o.time, o.store, o.amount, o.quantity, o.discount, o.reference FROM orders o
                WHERE o.member_id = ANY(\(ids)) AND NOT EXISTS (
                  SELECT 1 FROM events e WHERE e.id = 'order:' || coalesce(o.reference, o.id::text) AND e.state = 'pending'
                    AND e.attributes NOT LIKE \(JournalKind.orderStoredBeforePattern))
                ORDER BY o.id
                """)
        } else {
            rows = try s.query("SELECT id, member_id, time, store, amount, quantity, discount, reference FROM orders ORDER BY id")
        }
        var orders: [Order] = []
        for row in rows {
            let (id, member, time, store, amount, quantity, discount, reference) =
                try row.decode((Int64, Int64, Int64, String?, Int64, Int64, Int64, String?).self)
            guard let t = Timestamp(checkedSeconds: time) else {
                throw StoredRowError(table: "orders", id: String(id),
                                     message: "time \(time) is outside 0001-01-01 ... 9999-12-31; fix or delete the row")
            }
            orders.append(Order(id: id, memberId: member, time: t, store: store, amount: Money(minorUnits: amount),
                                quantity: Int(quantity), discount: Money(minorUnits: discount), reference: reference))
        }
        guard !orders.isEmpty else { return [] }
        let items = members == nil
            ? try s.query("SELECT order_id, sku, category, quantity, amount FROM order_items ORDER BY order_id, line")
            : try s.query("""
                SELECT order_id, sku, category, quantity, amount FROM order_items WHERE order_id = ANY(\(orders.map(\.id)))
                ORDER BY order_id, line
                """)
        // Merge join: both sides ascend by order id.
        var k = 0
        for row in items {
            let (id, sku, category, quantity, amount) = try row.decode((Int64, String, String, Int64, Int64).self)
            while k < orders.count && orders[k].id < id { k += 1 }
            guard k < orders.count, orders[k].id == id else { continue }
            orders[k].items.append(OrderItem(sku: sku, category: category, quantity: Int(quantity),
                                             amount: Money(minorUnits: amount)))
        }
        return orders
    }

    public func counts() throws -> (members: Int, orders: Int, items: Int, events: Int) {
        try pool.withSession { s in
            let (m, o, i, e) = try s.query("""
                SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM orders),
                       (SELECT count(*) FROM order_items), (SELECT count(*) FROM events)
                """)[0].decode((Int64, Int64, Int64, Int64).self)
            return (Int(m), Int(o), Int(i), Int(e))
        }
    }

    public func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        try purchased([(member, from, to)])[0]
    }

    public func purchased(_ spans: [(member: Int64, from: Timestamp, to: Timestamp)]) throws -> [Bool] {
        guard !spans.isEmpty else { return [] }
        return try pool.withSession { s in
            try spans.map { span in
                try s.query("""
                    SELECT EXISTS(SELECT 1 FROM orders WHERE member_id = \(span.member) AND time >= \(span.from.seconds)
                      AND time < \(span.to.seconds))
                    """)[0].decode(Bool.self)
            }
        }
    }

    public func loadPointsExpiries() throws -> [PointsExpiry] {
        try pool.withSession { s in
            var replay = PointsExpiryReplay()
            for row in try s.query("SELECT member_id, kind, delta, time, expires_on FROM points_ledger ORDER BY member_id, id") {
                let (member, kind, delta, time, expires) = try row.decode((Int64, String, Int64, Int64, String?).self)
                replay.add(member: member, kind: kind, delta: delta, day: Timestamp(seconds: time).day,
                           expiresOn: expires.flatMap { Day($0) })
            }
            return replay.finish()
        }
    }

    // MARK: - Rows

    static let memberColumns = """
        id, name, gender, birthday, phone, email, city, join_date, tier, points_balance,
        tags, consent, attributes, utc_offset_minutes
        """

    /// Inserts a member; `upsert` replaces every column of an existing one (a merged patch).
    static func insertMember(_ s: PostgresSession, _ m: Member, upsert: Bool) throws {
        let onConflict = upsert ? """
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, gender = excluded.gender,
              birthday = excluded.birthday, phone = excluded.phone, email = excluded.email,
              city = excluded.city, join_date = excluded.join_date, tier = excluded.tier,
              points_balance = excluded.points_balance, tags = excluded.tags, consent = excluded.consent,
              attributes = excluded.attributes, utc_offset_minutes = excluded.utc_offset_minutes
            """ : ""
        try s.execute("""
            INSERT INTO members (\(unescaped: memberColumns))
            VALUES (\(m.id), \(m.name), \(m.gender), \(m.birthday?.description), \(m.phone), \(m.email), \(m.city),
              \(m.joinDate.description), \(m.tier), \(m.pointsBalance), \(m.tags.joined(separator: ",")),
              \(m.consent.sorted().joined(separator: ",")), \(FlatJSON.encode(m.attributes)), \(Int64(m.utcOffsetMinutes)))
            \(unescaped: onConflict)
            """)
    }

    /// Inserts an order and its items; with `ignoringExisting` an order stored under the same
    /// id (imported earlier) stays as it was, items included. False when it was left out.
    @discardableResult
    static func insertOrder(_ s: PostgresSession, _ o: Order, ignoringExisting: Bool) throws -> Bool {
        let written = try s.execute("""
            INSERT INTO orders (id, member_id, time, store, amount, quantity, discount, reference)
            VALUES (\(o.id), \(o.memberId), \(o.time.seconds), \(o.store), \(o.amount.minorUnits), \(Int64(o.quantity)),
              \(o.discount.minorUnits), \(o.reference))
            \(unescaped: ignoringExisting ? "ON CONFLICT DO NOTHING" : "")
            """)
        guard written == 1 else { return false }
        for (line, it) in o.items.enumerated() {
            try s.execute("""
                INSERT INTO order_items (order_id, line, sku, category, quantity, amount)
                VALUES (\(o.id), \(Int64(line + 1)), \(it.sku), \(it.category), \(Int64(it.quantity)), \(it.amount.minorUnits))
                """)
        }
        return true
    }

    static func member(_ row: PostgresRow) throws -> Member {
        let (id, name, gender, birthday, phone, email, city, joinDate, tier, points, tags, consent, attributes, offset) =
            try row.decode((Int64, String, String?, String?, String?, String?, String?, String, String, Int64, String,
                            String, String, Int64).self)
        return Member(id: id, name: name, gender: gender, birthday: birthday.flatMap { Day($0) }, phone: phone,
                      email: email, city: city, joinDate: Day(joinDate) ?? Day(index: 0), tier: tier, pointsBalance: points,
                      tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init),
                      consent: consent.isEmpty ? [] : Set(consent.split(separator: ",").map(String.init)),
                      attributes: attributes == "{}" ? [:] : FlatJSON.decode(attributes) ?? [:],
                      utcOffsetMinutes: Int(offset))
    }

    /// One stored member, or nil.
    static func member(id: Int64, _ s: PostgresSession) throws -> Member? {
        try s.query("SELECT \(unescaped: memberColumns) FROM members WHERE id = \(id)").first.map(member)
    }
}
