import CrescentCore
import CrescentPersistence
import GRDB

/// The embedded store: members, orders, events and the ledgers, in one SQLite database.
///
/// A file store uses WAL (a `DatabasePool`: readers never block the writer); an in-memory
/// store uses a `DatabaseQueue`. The schema is created and upgraded by `CrescentStore.migrator`
/// when the store opens.
///
/// For example:
/// ```swift
/// let store = try CrescentStore(path: "crm.sqlite")
/// try store.insert(members: members)
/// let population = try store.loadPopulation()
/// ```
public final class CrescentStore: Sendable {
    /// The GRDB connection. Internal: every query lives in this target, behind the
    /// repositories of `CrescentPersistence` (`DataStore`).
    let writer: any DatabaseWriter
    public let location: StoreLocation

    /// Opens (creating if needed) a store file in WAL mode and migrates it.
    /// - throws: `DatabaseError` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var config = Configuration()
        // Several processes may issue into one file (claims, restarts): wait for the lock.
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        writer = try DatabasePool(path: path, configuration: config)
        location = .sqlite(path: path)
        try CrescentStore.migrator.migrate(writer)
    }

    /// A fresh private in-memory store, for tests and dry-runs.
    public init() throws {
        writer = try DatabaseQueue()
        location = .sqlite(path: ":memory:")
        try CrescentStore.migrator.migrate(writer)
    }

    /// Row counts of the main tables, for summaries and tests.
    public func counts() throws -> (members: Int, orders: Int, items: Int, events: Int) {
        try writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM members") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM orders") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM order_items") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0)
        }
    }
}
