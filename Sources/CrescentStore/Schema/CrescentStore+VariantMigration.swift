import GRDB

extension CrescentStore {
    /// A/B variants: each issue-ledger row names the variant its member was in (NULL when the
    /// playbook has none), so a run can be compared variant by variant after the fact.
    static func registerVariantMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7 variants") { db in
            try db.execute(sql: """
                ALTER TABLE coupon_ledger ADD COLUMN variant TEXT;
                ALTER TABLE deliveries ADD COLUMN variant TEXT;
                ALTER TABLE suppressions ADD COLUMN variant TEXT;
                ALTER TABLE points_ledger ADD COLUMN variant TEXT;
                """)
        }
    }
}
