import GRDB

extension CrescentStore {
    /// Issue 17 (issuing speed): a launch writes each journey once, at its position after the
    /// first step, in that step's batch transaction, instead of inserting every journey in one
    /// entry transaction and updating each again in its batch.
    ///
    /// The audience no longer enters in one transaction, so "some journey has this entry key"
    /// no longer means "the launch entered everyone". `launches_entering` lists the launches
    /// whose members are still entering: a row is written before the first batch and deleted
    /// after the last, and a relaunch that finds one enters whoever is not in yet. Launches from
    /// before this migration entered in one transaction and have no row: they count as entered.
    static func registerLaunchEntryMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v13 launches entering with their first step") { db in
            try db.execute(sql: """
                CREATE TABLE launches_entering (
                  playbook TEXT NOT NULL,
                  entry_key TEXT NOT NULL,
                  started_at INTEGER NOT NULL,
                  PRIMARY KEY (playbook, entry_key)) WITHOUT ROWID
                """)
        }
    }
}
