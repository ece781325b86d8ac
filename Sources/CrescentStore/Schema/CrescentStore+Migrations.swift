import CrescentPersistence
import GRDB

/// The schema, as an ordered list of migrations. Never edit a shipped migration: add one.
///
/// Conventions: money in integer minor units; timestamps in integer seconds since 1970 UTC;
/// calendar days as `YYYY-MM-DD` text; lists (tags, consent) as comma-separated text and
/// free-form attributes as a JSON object, so a loader reads one row per member.
/// `orders.member_id` is not a foreign key: orders may be imported before their members.
extension CrescentStore {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1 members, orders, events") { db in
            try db.execute(sql: """
                CREATE TABLE members (
                  id INTEGER PRIMARY KEY,
                  name TEXT NOT NULL DEFAULT '',
                  gender TEXT, birthday TEXT, phone TEXT, email TEXT, city TEXT,
                  join_date TEXT NOT NULL,
                  tier TEXT NOT NULL DEFAULT 'basic',
                  points_balance INTEGER NOT NULL DEFAULT 0,
                  tags TEXT NOT NULL DEFAULT '',
                  consent TEXT NOT NULL DEFAULT '',
                  attributes TEXT NOT NULL DEFAULT '{}',
                  utc_offset_minutes INTEGER NOT NULL DEFAULT 480);
                CREATE TABLE orders (
                  id INTEGER PRIMARY KEY,
                  member_id INTEGER NOT NULL,
                  time INTEGER NOT NULL,
                  store TEXT,
                  amount INTEGER NOT NULL,
                  quantity INTEGER NOT NULL,
                  discount INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX orders_member_time ON orders(member_id, time);
                CREATE TABLE order_items (
                  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                  line INTEGER NOT NULL,
                  sku TEXT NOT NULL, category TEXT NOT NULL,
                  quantity INTEGER NOT NULL, amount INTEGER NOT NULL,
                  PRIMARY KEY (order_id, line)) WITHOUT ROWID;
                CREATE TABLE events (
                  id TEXT PRIMARY KEY,
                  member_id INTEGER NOT NULL,
                  kind TEXT NOT NULL,
                  time INTEGER NOT NULL,
                  attributes TEXT NOT NULL DEFAULT '{}');
                CREATE INDEX events_member_time ON events(member_id, time);
                """)
        }
        m.registerMigration("v1 ledgers") { db in
            // Shapes only; issue 6 (offers) owns their behaviour.
            try db.execute(sql: """
                CREATE TABLE coupon_ledger (
                  id INTEGER PRIMARY KEY,
                  idempotency_key TEXT NOT NULL UNIQUE,
                  run_id TEXT NOT NULL, playbook TEXT NOT NULL,
                  member_id INTEGER NOT NULL,
                  coupon_type TEXT NOT NULL, channel TEXT,
                  state TEXT NOT NULL DEFAULT 'issued' CHECK (state IN ('issued','redeemed','expired')),
                  issued_at INTEGER NOT NULL, valid_until INTEGER,
                  value_minor INTEGER NOT NULL DEFAULT 0,
                  redeemed_order_id INTEGER);
                CREATE INDEX coupon_ledger_member ON coupon_ledger(member_id, state);
                CREATE TABLE points_ledger (
                  id INTEGER PRIMARY KEY,
                  member_id INTEGER NOT NULL,
                  delta INTEGER NOT NULL,
                  reason TEXT NOT NULL,
                  time INTEGER NOT NULL,
                  expires_on TEXT,
                  idempotency_key TEXT NOT NULL UNIQUE);
                CREATE INDEX points_ledger_member ON points_ledger(member_id, time);
                CREATE TABLE tier_changes (
                  id INTEGER PRIMARY KEY,
                  member_id INTEGER NOT NULL,
                  from_tier TEXT NOT NULL, to_tier TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  time INTEGER NOT NULL);
                CREATE TABLE deliveries (
                  id INTEGER PRIMARY KEY,
                  idempotency_key TEXT NOT NULL UNIQUE,
                  run_id TEXT NOT NULL, playbook TEXT NOT NULL,
                  member_id INTEGER NOT NULL,
                  channel TEXT NOT NULL,
                  state TEXT NOT NULL,
                  reason TEXT,
                  time INTEGER NOT NULL);
                CREATE INDEX deliveries_member ON deliveries(member_id, time);
                """)
        }
        registerIssuingMigration(&m)
        registerLiveMigration(&m)
        registerDeliveryMigration(&m)
        registerJourneyMigration(&m)
        registerEventFailureMigration(&m)
        registerOrderReferenceMigration(&m)
        registerVariantMigration(&m)
        registerNodeWorkMigration(&m)
        registerGenerationMigration(&m)
        registerIssuingSpeedMigration(&m)
        registerIssueWritesMigration(&m)
        registerMemberChangesMigration(&m)
        registerLaunchEntryMigration(&m)
        return m
    }
}
