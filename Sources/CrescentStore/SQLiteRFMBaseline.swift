import CrescentCore
import CrescentPersistence
import Foundation
import GRDB

/// The SQLite side of `crescent bench rfm`: the RFM aggregates as one `GROUP BY` over the
/// store's `orders` table in an in-memory database, read back row by row.
///
/// It computes recency, frequency (orders in the window) and monetary per member — less
/// than `DerivedViews` does (no scores, no lifecycle) — so it is a generous baseline.
public enum SQLiteRFMBaseline {
    public struct Result: Sendable {
        /// Time to create the store and insert the orders (not compared).
        public var load: Duration
        /// Time to run the query and step through every row.
        public var query: Duration
        public var rows: Int
        /// Σ frequency and Σ monetary (minor units) over all members, to check both sides agree.
        public var totalFrequency: Int64
        public var totalMonetary: Int64
    }

    public static let sql = """
        SELECT member_id,
               :asOfDay - max(time) / 86400 AS recency_days,
               sum(time >= :windowStart) AS frequency,
               sum(CASE WHEN time >= :windowStart THEN amount ELSE 0 END) AS monetary
        FROM orders
        WHERE time < :cutoff
        GROUP BY member_id
        """

    public static func run(orders: [Order], asOf: Day, windowDays: Int) throws -> Result {
        let clock = ContinuousClock()
        var store: CrescentStore!
        let load = try clock.measure {
            store = try CrescentStore()
            try store.writer.write { db in try CrescentStore.insert(orders: orders, in: db, withItems: false) }
        }
        var result = try run(store: store, asOf: asOf, windowDays: windowDays)
        result.load = load
        return result
    }

    /// The query alone, over a store's own `orders` table (a file written before): `load` is zero.
    public static func run(store: CrescentStore, asOf: Day, windowDays: Int) throws -> Result {
        let clock = ContinuousClock()
        var rows = 0, freq: Int64 = 0, money: Int64 = 0
        let cutoff = Timestamp(day: asOf).seconds
        let windowStart = Timestamp(day: asOf.adding(days: -windowDays)).seconds
        let query = try clock.measure {
            try store.writer.read { db in
                let s = try RawStatement(db, sql.replacingOccurrences(of: ":asOfDay", with: String(asOf.index))
                    .replacingOccurrences(of: ":windowStart", with: String(windowStart))
                    .replacingOccurrences(of: ":cutoff", with: String(cutoff)))
                while try s.step(db) {
                    rows += 1
                    _ = s.int(0); _ = s.int(1)
                    freq += s.int(2); money += s.int(3)
                }
            }
        }
        return Result(load: .zero, query: query, rows: rows, totalFrequency: freq, totalMonetary: money)
    }
}
