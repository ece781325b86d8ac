import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Issue 8: what live delivery through the channel plugins needs.
    ///
    /// - `delivery_attempts` holds one row per attempt the dispatcher made (or the outbox
    ///   refused before any attempt), so a restarted process can tell a sent key from a
    ///   pending one and an operator can read why a message failed.
    /// - `offer_variables` interns the template variables of the offer a member was issued
    ///   (`{{coupon_value}}`, `{{min_spend}}`, …), and `deliveries.offer_variables_id` points
    ///   at them: the message sent later names the offer actually issued, even when the
    ///   offer formula is random or the script changed since.
    static func registerDeliveryMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3 delivery attempts") { db in
            try db.execute(sql: """
                CREATE TABLE delivery_attempts (
                  id INTEGER PRIMARY KEY,
                  idempotency_key TEXT NOT NULL,
                  attempt INTEGER NOT NULL,
                  status TEXT NOT NULL CHECK (status IN ('sent','retried','failed','duplicate')),
                  reason TEXT,
                  provider_id TEXT,
                  plugin TEXT NOT NULL,
                  channel TEXT NOT NULL,
                  member_id INTEGER NOT NULL,
                  playbook TEXT,
                  run_id TEXT,
                  at REAL NOT NULL);
                CREATE INDEX delivery_attempts_key ON delivery_attempts(idempotency_key, status);
                CREATE TABLE offer_variables (
                  id INTEGER PRIMARY KEY,
                  variables_json TEXT NOT NULL UNIQUE);
                ALTER TABLE deliveries ADD COLUMN offer_variables_id INTEGER;
                """)
        }
        // Every drain (and the live engine's, after each round of events) looks for pending
        // deliveries; without this it walked every delivery ever sent to find them.
        m.registerMigration("v4 pending deliveries index") { db in
            try db.execute(sql: "CREATE INDEX deliveries_pending ON deliveries(id, member_id) WHERE state = 'pending'")
        }
    }
}
