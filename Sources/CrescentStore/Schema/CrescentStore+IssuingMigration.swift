import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Issue 6: what the issuing engine needs beyond the v1 ledger shapes.
    ///
    /// - `coupon_ledger` gains the columns a redemption needs to rebuild the coupon
    ///   (`spec_id`, the holder's offset) and the guards need to replay history
    ///   (`campaign`, `source`, `step`).
    /// - `deliveries` gains campaign, business line, coupon type, source and local day: one
    ///   delivery row per issue is the guard history (sends, claims, overlap), replayed into
    ///   `InMemoryGuardState.recordIssue` exactly as a live run records it.
    /// - `campaign_reservations` holds reserved stock and budget, updated in the same
    ///   transaction as the issue rows.
    /// - `coupon_events` records redemptions and expiries (issues and claims are the ledger rows).
    /// - `suppressions` records every guard refusal, keyed like issues so a restart skips it.
    static func registerIssuingMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v2 issuing") { db in
            try db.execute(sql: """
                ALTER TABLE coupon_ledger ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE coupon_ledger ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
                ALTER TABLE coupon_ledger ADD COLUMN source TEXT NOT NULL DEFAULT 'crm';
                ALTER TABLE coupon_ledger ADD COLUMN spec_id INTEGER;
                ALTER TABLE coupon_ledger ADD COLUMN utc_offset_minutes INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE coupon_ledger ADD COLUMN redeemed_at INTEGER;
                ALTER TABLE coupon_ledger ADD COLUMN discount_minor INTEGER;
                CREATE TABLE coupon_specs (
                  id INTEGER PRIMARY KEY,
                  spec_json TEXT NOT NULL UNIQUE);
                ALTER TABLE deliveries ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE deliveries ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
                ALTER TABLE deliveries ADD COLUMN business_line TEXT NOT NULL DEFAULT '';
                ALTER TABLE deliveries ADD COLUMN coupon_type TEXT;
                ALTER TABLE deliveries ADD COLUMN source TEXT NOT NULL DEFAULT 'crm';
                ALTER TABLE deliveries ADD COLUMN local_day INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE deliveries ADD COLUMN value_minor INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE campaign_reservations (
                  campaign TEXT PRIMARY KEY,
                  stock INTEGER NOT NULL DEFAULT 0,
                  budget_minor INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
                CREATE TABLE coupon_events (
                  id INTEGER PRIMARY KEY,
                  idempotency_key TEXT NOT NULL UNIQUE,
                  coupon_id INTEGER NOT NULL REFERENCES coupon_ledger(id),
                  kind TEXT NOT NULL CHECK (kind IN ('redeem','expire')),
                  member_id INTEGER NOT NULL,
                  channel TEXT, run_id TEXT, playbook TEXT,
                  order_id INTEGER, discount_minor INTEGER,
                  time INTEGER NOT NULL);
                CREATE INDEX coupon_events_coupon ON coupon_events(coupon_id);
                CREATE TABLE suppressions (
                  id INTEGER PRIMARY KEY,
                  idempotency_key TEXT NOT NULL UNIQUE,
                  run_id TEXT NOT NULL, playbook TEXT NOT NULL, step INTEGER NOT NULL DEFAULT 0,
                  member_id INTEGER NOT NULL,
                  reason TEXT NOT NULL,
                  time INTEGER NOT NULL);
                ALTER TABLE points_ledger ADD COLUMN kind TEXT NOT NULL DEFAULT 'earn'
                  CHECK (kind IN ('earn','spend','expire'));
                ALTER TABLE points_ledger ADD COLUMN run_id TEXT;
                ALTER TABLE points_ledger ADD COLUMN playbook TEXT;
                ALTER TABLE points_ledger ADD COLUMN channel TEXT;
                ALTER TABLE tier_changes ADD COLUMN idempotency_key TEXT;
                CREATE UNIQUE INDEX tier_changes_key ON tier_changes(idempotency_key);
                """)
        }
    }
}
