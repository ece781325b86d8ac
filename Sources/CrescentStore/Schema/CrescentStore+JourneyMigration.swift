import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Issue 13: journey state, one row per (playbook, member, entry).
    ///
    /// - `entry_key` is the run id of every ledger row the journey writes, so the ledgers'
    ///   idempotency keys (`entry/playbook/step/member`) make each step happen once.
    /// - `journeys_due` serves the scheduler's question "what is due now?" from an index on
    ///   the next due time of open journeys, never by scanning members.
    /// - `journeys_latest` serves re-entry ("is this member in a journey of this playbook?").
    /// - `scene_days` remembers which days' date scenes were generated, per playbook, so a
    ///   restart does not generate a day twice.
    static func registerJourneyMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v5 journeys") { db in
            try db.execute(sql: """
                CREATE TABLE journeys (
                  id INTEGER PRIMARY KEY,
                  playbook TEXT NOT NULL,
                  member_id INTEGER NOT NULL,
                  entry_key TEXT NOT NULL,
                  entered_at INTEGER NOT NULL,
                  step INTEGER NOT NULL DEFAULT 0,
                  next_due_at INTEGER,
                  state TEXT NOT NULL CHECK (state IN ('active','done','exited')),
                  exit_reason TEXT,
                  offer_variables_id INTEGER,
                  updated_at INTEGER NOT NULL,
                  UNIQUE (playbook, member_id, entry_key));
                CREATE INDEX journeys_due ON journeys(next_due_at) WHERE state = 'active';
                CREATE INDEX journeys_latest ON journeys(playbook, member_id, entered_at);
                CREATE TABLE scene_days (
                  playbook TEXT NOT NULL,
                  day TEXT NOT NULL,
                  done_at INTEGER NOT NULL,
                  PRIMARY KEY (playbook, day)) WITHOUT ROWID;
                """)
        }
    }
}
