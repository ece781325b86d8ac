import CrescentCore
import CrescentPersistence
import GRDB

/// The log of member writes (``MemberChangeFeed``): one writer at a time, so a mark is simply
/// the log's last row.
extension CrescentStore {
    public func memberChangeMark() throws -> MemberChangeMark {
        try writer.read { db in MemberChangeMark(try Self.lastChange(db)) }
    }

    public func memberChanges(since mark: MemberChangeMark) throws -> MemberChanges {
        try writer.read { db in
            let last = try Self.lastChange(db)
            let rows = try Int64?.fetchAll(db, sql: """
                SELECT DISTINCT member_id FROM member_changes WHERE seq > ? AND seq <= ? ORDER BY member_id
                """, arguments: [mark.value, last])
            return MemberChanges(members: rows.compactMap { $0 }, everyone: rows.contains(nil), mark: MemberChangeMark(last))
        }
    }

    private static func lastChange(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM member_changes") ?? 0
    }

    /// Logs members written in the caller's transaction (nil: everyone).
    static func logMemberChanges(_ ids: [Int64?], in db: Database) throws {
        guard !ids.isEmpty else { return }
        let s = try RawStatement(db, "INSERT INTO member_changes(member_id) VALUES (?)")
        for id in ids { s.bind(1, id); try s.run(db) }
    }

    /// Logs the members of finished `payment` and `member_upsert` rows: their order (or row)
    /// is what `loadMembers` shows from now on.
    static func logFinishedEvents(_ seqs: [Int64], in db: Database) throws {
        let s = try RawStatement(db, """
            INSERT INTO member_changes(member_id) SELECT member_id FROM events
            WHERE rowid = ? AND kind IN ('\(JournalKind.payment)', '\(JournalKind.memberUpsert)')
            """)
        for seq in seqs { s.bind(1, seq); try s.run(db) }
    }
}
