import GRDB

extension CrescentStore {
    /// Issue 17 (issuing speed): idempotency keys in member order.
    ///
    /// New runs key their rows `run/playbook/step/000000000042` (``IssueScope/KeyFormat/padded``),
    /// so a batch's inserts append to the UNIQUE key indexes instead of landing all over them.
    /// A run already under way keeps `…/42` to its end: providers saw those keys, and a resumed
    /// step must find the rows it wrote. `legacy_key_runs` lists those runs (the entries of
    /// every journey still open; a finished journey never writes again) and nothing adds to it.
    ///
    /// `journeys_latest (playbook, member_id, entered_at)` goes: the UNIQUE
    /// `(playbook, member_id, entry_key)` index already finds a member's few journeys of a
    /// playbook, and every journey entered paid for both.
    static func registerMonotonicKeysMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v11 monotonic issue keys") { db in
            try db.execute(sql: """
                CREATE TABLE legacy_key_runs (
                  run_id TEXT NOT NULL,
                  playbook TEXT NOT NULL,
                  PRIMARY KEY (run_id, playbook)) WITHOUT ROWID;
                INSERT OR IGNORE INTO legacy_key_runs(run_id, playbook)
                  SELECT DISTINCT entry_key, playbook FROM journeys WHERE state = 'active';
                DROP INDEX journeys_latest;
                """)
        }
    }
}
