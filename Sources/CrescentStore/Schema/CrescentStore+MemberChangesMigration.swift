import GRDB

extension CrescentStore {
    /// Issue 17 (the live engine at 10M): a log of member writes, so a node on a shared store
    /// reads back only the members changed since its last look before a run over everyone
    /// (``MemberChangeFeed``). A NULL member is a bulk write: everyone. SQLite runs one node per
    /// file; the table exists so both stores answer alike.
    static func registerMemberChangesMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v12 member changes") { db in
            try db.execute(sql: "CREATE TABLE member_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, member_id INTEGER)")
        }
    }
}
