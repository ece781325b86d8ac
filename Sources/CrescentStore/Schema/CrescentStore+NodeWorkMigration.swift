import GRDB

extension CrescentStore {
    /// Issue 18: per-node tallies of shared work (events, due steps, scheduled runs,
    /// deliveries), so `/metrics` and `/health` can show a node's share. SQLite runs one node
    /// per file, so its share is all of it; the table exists so both stores answer alike.
    static func registerNodeWorkMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v8 node work") { db in
            try db.execute(sql: """
                CREATE TABLE node_work (
                  node TEXT NOT NULL,
                  kind TEXT NOT NULL,
                  count INTEGER NOT NULL DEFAULT 0,
                  updated_at INTEGER NOT NULL,
                  PRIMARY KEY (node, kind)) WITHOUT ROWID;
                """)
        }
    }
}
