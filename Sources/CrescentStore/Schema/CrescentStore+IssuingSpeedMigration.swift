import GRDB

extension CrescentStore {
    /// Issue 17: issuing at the store's speed.
    ///
    /// `journeys_due` gains `member_id`: the scheduler asks for due journeys `ORDER BY
    /// next_due_at, member_id LIMIT n`, and with the due time alone every batch of a launch
    /// (a million journeys due at the same second) sorted all the open journeys to return
    /// the first few thousand. With both columns the index hands them over in order.
    static func registerIssuingSpeedMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v10 journeys due in member order") { db in
            try db.execute(sql: """
                DROP INDEX journeys_due;
                CREATE INDEX journeys_due ON journeys(next_due_at, member_id) WHERE state = 'active';
                """)
        }
    }
}
