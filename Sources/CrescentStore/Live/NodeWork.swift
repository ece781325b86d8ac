import CrescentCore
import CrescentPersistence
import GRDB

/// Per-node work tallies and member read-back (``NodeWorkLedger``, ``MemberRepository/loadMembers(ids:)``).
extension CrescentStore {
    /// One engine per file: nothing else writes members while `serve` runs.
    public var sharedByNodes: Bool { false }

    public func addNodeWork(node: String, _ delta: [NodeWork: Int], at now: Timestamp) throws {
        let rows = delta.filter { $0.value != 0 }
        guard !rows.isEmpty else { return }
        try writer.write { db in
            for (kind, n) in rows {
                try db.execute(sql: """
                    INSERT INTO node_work (node, kind, count, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (node, kind) DO UPDATE SET count = count + excluded.count, updated_at = excluded.updated_at
                    """, arguments: [node, kind.rawValue, n, now.seconds])
            }
        }
    }

    public func nodeWork() throws -> [String: [NodeWork: Int]] {
        try writer.read { db in
            var out: [String: [NodeWork: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT node, kind, count FROM node_work") {
                // A kind a newer version wrote is not this version's to show.
                guard let kind = NodeWork(rawValue: row["kind"]) else { continue }
                out[row["node"], default: [:]][kind] = row["count"]
            }
            return out
        }
    }

    public func loadMembers(ids: [Int64]) throws -> Population {
        guard !ids.isEmpty else { return Population(members: [], orders: []) }
        return try writer.read { db in
            var members: [Member] = []
            var orders: [Order] = []
            // Chunks stay far below SQLite's limit on bound variables.
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let list = chunk.map(String.init).joined(separator: ",")
                let m = try RawStatement(db, "SELECT \(Self.memberColumns) FROM members WHERE id IN (\(list)) ORDER BY id")
                while try m.step(db) { members.append(Self.member(at: m)) }
                let o = try RawStatement(db, """
                    SELECT o.id, o.member_id, o.time, o.store, o.amount, o.quantity, o.discount, o.reference FROM orders o
                    WHERE o.member_id IN (\(list)) AND NOT EXISTS (
                      SELECT 1 FROM events e WHERE e.id = 'order:' || coalesce(o.reference, o.id) AND e.state = 'pending'
                        AND e.attributes NOT LIKE ?)
                    ORDER BY o.id
                    """)
                // A pending `payment` whose order an import stored before does not hide that order.
                o.bind(1, JournalKind.orderStoredBeforePattern)
                while try o.step(db) {
                    guard let time = Timestamp(checkedSeconds: o.int(2)) else {
                        throw StoredRowError(table: "orders", id: String(o.int(0)),
                                             message: "time \(o.int(2)) is outside 0001-01-01 ... 9999-12-31; fix or delete the row")
                    }
                    orders.append(Order(id: o.int(0), memberId: o.int(1), time: time, store: o.text(3),
                                        amount: Money(minorUnits: o.int(4)), quantity: Int(o.int(5)),
                                        discount: Money(minorUnits: o.int(6)), reference: o.text(7)))
                }
            }
            var k: [Int64: Int] = [:]
            for (i, order) in orders.enumerated() { k[order.id] = i }
            if !orders.isEmpty {
                let list = orders.map { String($0.id) }.joined(separator: ",")
                let it = try RawStatement(db, """
                    SELECT order_id, sku, category, quantity, amount FROM order_items WHERE order_id IN (\(list))
                    ORDER BY order_id, line
                    """)
                while try it.step(db) {
                    guard let i = k[it.int(0)] else { continue }
                    orders[i].items.append(OrderItem(sku: it.text(1) ?? "", category: it.text(2) ?? "",
                                                     quantity: Int(it.int(3)), amount: Money(minorUnits: it.int(4))))
                }
            }
            return Population(members: members, orders: orders)
        }
    }
}
