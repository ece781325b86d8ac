import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Issue 9: what `crescent serve` needs.
    ///
    /// - `events` becomes the live engine's outbox: a row is written (state `pending`) before
    ///   the API answers 202, and moves to `done` once its playbooks ran. Imported events are
    ///   `done` already. `payload` carries the order or member the event stands for, so a
    ///   restart can replay it without the request.
    /// - `scheduled_runs` remembers which scheduled playbook runs started and finished, so a
    ///   restart finishes a half-done run (same run id) and never starts a finished one again.
    static func registerLiveMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3 live engine") { db in
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
                ALTER TABLE events ADD COLUMN received_at INTEGER;
                ALTER TABLE events ADD COLUMN payload TEXT;
                ALTER TABLE events ADD COLUMN outcome TEXT;
                CREATE INDEX events_pending ON events(state) WHERE state = 'pending';
                CREATE TABLE scheduled_runs (
                  run_id TEXT PRIMARY KEY,
                  script TEXT NOT NULL,
                  playbook TEXT NOT NULL,
                  due INTEGER NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('running','done','failed')),
                  started_at INTEGER NOT NULL,
                  finished_at INTEGER,
                  outcome TEXT);
                """)
        }
    }

    /// Issue 14: an outbox row that fails is dead-lettered (`state = 'failed'`, the reason in
    /// `outcome`), and `attempts` counts how often processing started on a row, so a row
    /// that takes the process down is isolated and then dead-lettered instead of crash-looping.
    static func registerEventFailureMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4 event attempts") { db in
            try db.execute(sql: "ALTER TABLE events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
        }
    }
}
