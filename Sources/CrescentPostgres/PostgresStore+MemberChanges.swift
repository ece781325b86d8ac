import CrescentCore
import CrescentPersistence
import PostgresNIO

/// The log of member writes (``MemberChangeFeed``) on a store several nodes write at once.
///
/// Why transaction ids and not the log's sequence: a transaction that took sequence 10 may
/// commit after one that took 11 was already read, so "after 11" would miss it for good. A mark
/// is instead the oldest transaction still running when it was taken (the snapshot's xmin):
/// every transaction that commits later has an id at or above it, so "xid ≥ mark" misses none.
/// Rows read twice are harmless (a read-back replaces the member's rows).
extension PostgresStore {
    public func memberChangeMark() throws -> MemberChangeMark {
        try pool.withSession { s in MemberChangeMark(try Self.snapshotXmin(s)) }
    }

    public func memberChanges(since mark: MemberChangeMark) throws -> MemberChanges {
        try pool.transaction { s in
            try s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let next = try Self.snapshotXmin(s)
            let rows = try s.query("""
                SELECT DISTINCT member_id FROM member_changes WHERE xid >= (\(mark.value)::text)::xid8 ORDER BY member_id
                """).map { try $0.decode(Int64?.self) }
            return MemberChanges(members: rows.compactMap { $0 }, everyone: rows.contains(nil), mark: MemberChangeMark(next))
        }
    }

    private static func snapshotXmin(_ s: PostgresSession) throws -> Int64 {
        try s.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")[0].decode(Int64.self)
    }

    /// Logs members written in the caller's transaction (nil: everyone).
    static func logMemberChanges(_ s: PostgresSession, _ ids: [Int64?]) throws {
        if ids.contains(nil) {
            try s.execute("INSERT INTO member_changes(member_id) VALUES (NULL)")
        }
        let known = ids.compactMap { $0 }
        guard !known.isEmpty else { return }
        try s.execute("INSERT INTO member_changes(member_id) SELECT unnest(\(known)::BIGINT[])")
    }

    /// Logs the members of finished `payment` and `member_upsert` rows: their order (or row)
    /// is what `loadMembers` shows from now on.
    static func logFinishedEvents(_ s: PostgresSession, _ seqs: [Int64]) throws {
        try s.execute("""
            INSERT INTO member_changes(member_id) SELECT member_id FROM events
            WHERE seq = ANY(\(seqs)) AND kind IN (\(JournalKind.payment), \(JournalKind.memberUpsert))
            """)
    }
}
