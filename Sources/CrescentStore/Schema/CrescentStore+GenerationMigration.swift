import GRDB

extension CrescentStore {
    /// The members-and-orders generation a columnar snapshot (`ColumnarSnapshot`) is valid for.
    ///
    /// `store_meta` holds one row: a random store id (so a snapshot never matches another store
    /// later written at the same path) and `generation`, which every change to a column the
    /// columnar load reads moves on, in the changing transaction itself: triggers, so no write
    /// path (the importers, `serve`, tier changes, a hand edit in `sqlite3`) can forget it.
    ///
    /// A trigger runs once per row, so a bulk import pays for it on every order. `dirty` keeps
    /// that cheap: only the first change after a snapshot was taken bumps the generation
    /// (later rows only read `dirty`); taking a snapshot clears it before reading (see
    /// `CrescentStore.loadColumnar`), so the next change bumps again.
    static func registerGenerationMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v9 columnar generation") { db in
            try db.execute(sql: """
                CREATE TABLE store_meta (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  store_id TEXT NOT NULL,
                  generation INTEGER NOT NULL,
                  dirty INTEGER NOT NULL);
                INSERT INTO store_meta (id, store_id, generation, dirty) VALUES (1, lower(hex(randomblob(16))), 1, 1);
                """)
            let bump = """
                WHEN (SELECT dirty FROM store_meta WHERE id = 1) = 0
                BEGIN UPDATE store_meta SET generation = generation + 1, dirty = 1 WHERE id = 1; END;
                """
            let watched = [
                ("members", "id, gender, birthday, city, join_date, tier, points_balance, tags, consent, utc_offset_minutes"),
                ("orders", "id, member_id, time, amount, quantity"),
            ]
            for (table, columns) in watched {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_generation_insert AFTER INSERT ON \(table) \(bump)
                    CREATE TRIGGER \(table)_generation_delete AFTER DELETE ON \(table) \(bump)
                    CREATE TRIGGER \(table)_generation_update AFTER UPDATE OF \(columns) ON \(table) \(bump)
                    """)
            }
        }
    }
}
