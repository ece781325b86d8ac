import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Text order ids ("SO-2026-0001"), kept as the shop wrote them.
    ///
    /// `orders.id` stays the integer key every ledger joins on; for a text id it holds
    /// `OrderIdentity.standIn`, and the text lives in `reference`, unique so two orders can
    /// never share one. The redemption columns keep the text beside their integer too.
    static func registerOrderReferenceMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6 order references") { db in
            try db.execute(sql: """
                ALTER TABLE orders ADD COLUMN reference TEXT;
                CREATE UNIQUE INDEX orders_reference ON orders(reference) WHERE reference IS NOT NULL;
                ALTER TABLE coupon_ledger ADD COLUMN redeemed_order_reference TEXT;
                """)
        }
    }
}
