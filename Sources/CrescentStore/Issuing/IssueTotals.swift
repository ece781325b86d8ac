import CrescentCore
import CrescentPersistence
import GRDB

/// Reads of one issuing scope: the members already decided (so a restart skips them) and
/// the counts. Both read the rows by their idempotency-key prefix, which the UNIQUE index
/// serves, so no extra index slows the inserts down.
extension IssueTotals {
    /// Members of `scope` with an issue or a suppression row.
    static func decidedMembers(_ db: Database, scope: IssueScope) throws -> Set<Int64> {
        var out = Set<Int64>()
        let (lo, hi) = range(scope)
        for table in ["deliveries", "suppressions"] {
            let s = try RawStatement(db, "SELECT member_id FROM \(table) WHERE idempotency_key >= ? AND idempotency_key < ?")
            s.bind(1, lo); s.bind(2, hi)
            while try s.step(db) { out.insert(s.int(0)) }
        }
        return out
    }

    /// The scope's counts as stored (across every restart of the run).
    static func read(_ db: Database, scope: IssueScope) throws -> IssueTotals {
        var t = IssueTotals()
        let (lo, hi) = range(scope)
        for row in try Row.fetchAll(db, sql: """
            SELECT channel, count(*) AS n FROM deliveries WHERE idempotency_key >= ? AND idempotency_key < ? GROUP BY channel
            """, arguments: [lo, hi]) {
            let n: Int = row["n"]
            t.issued += n
            t.issuedByChannel[row["channel"], default: 0] += n
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT reason, count(*) AS n FROM suppressions WHERE idempotency_key >= ? AND idempotency_key < ? GROUP BY reason
            """, arguments: [lo, hi]) {
            t.suppressed[row["reason"], default: 0] += row["n"] as Int
        }
        return t
    }

    /// `[prefix, prefix + U+10FFFF)`: every key starting with the prefix, by binary collation.
    static func range(_ scope: IssueScope) -> (String, String) {
        (scope.keyPrefix, scope.keyPrefix + "\u{10FFFF}")
    }
}
