import CrescentCore
import CrescentPersistence
import GRDB

/// Points and tier ledgers of the store: every change a row with an idempotency key.
///
/// Points are kept as signed rows (`earn` +, `spend` and `expire` −) and replayed into a
/// ``PointsLedger`` to decide a spend or an expiry, so the store follows the same
/// oldest-first rule as the dry-run. Each operation is one transaction; replaying a key
/// changes nothing.
///
/// For example:
/// ```swift
/// let ledgers = MemberLedgers(store: store)
/// try ledgers.earn(member: 7, points: 100, on: day, expiresOn: day.adding(days: 365), reason: "order:42", key: "earn/order:42")
/// let entries = try ledgers.spend(member: 7, points: 30, on: day, reason: "order:43", key: "spend/order:43")
/// ```
public struct MemberLedgers: Sendable {
    public let store: CrescentStore

    public init(store: CrescentStore) { self.store = store }

    /// The member's points lots as the ledger rows leave them.
    public func points(member: Int64) throws -> PointsLedger {
        try store.writer.read { try Self.replay($0, member: member) }
    }

    /// Adds points. Returns false when `key` was already written.
    @discardableResult
    public func earn(member: Int64, points: Int64, on day: Day, expiresOn: Day?, reason: String, key: String,
                     runId: String? = nil, playbook: String? = nil, channel: String? = nil) throws -> Bool {
        try store.writer.write { db in
            try Self.insert(db, member: member, entry: PointsEntry(kind: .earn, points: points, day: day,
                                                                   expiresOn: expiresOn, reason: reason),
                            key: key, runId: runId, playbook: playbook, channel: channel)
        }
    }

    /// Spends points oldest first (expiring what is due on `day` first); one row per entry,
    /// keyed `key#n`. A replayed key returns no entries.
    /// - throws: ``PointsError`` when the member has too few usable points.
    public func spend(member: Int64, points: Int64, on day: Day, reason: String, key: String) throws -> [PointsEntry] {
        try store.writer.write { db in
            if try Self.seen(db, key + "#0") { return [] }
            var ledger = try Self.replay(db, member: member)
            let entries = try ledger.spend(points, on: day, reason: reason)
            for (n, e) in entries.enumerated() {
                try Self.insert(db, member: member, entry: e, key: "\(key)#\(n)", runId: nil, playbook: nil, channel: nil)
            }
            return entries
        }
    }

    /// Expires every lot due by `day`; rows keyed `expire/<member>/<day>#n`.
    public func expire(member: Int64, asOf day: Day) throws -> [PointsEntry] {
        try store.writer.write { db in
            var ledger = try Self.replay(db, member: member)
            let entries = ledger.expire(asOf: day)
            for (n, e) in entries.enumerated() {
                try Self.insert(db, member: member, entry: e, key: "expire/\(member)/\(day)#\(n)", runId: nil,
                                playbook: nil, channel: nil)
            }
            return entries
        }
    }

    /// Records a tier decision that changed something and moves the member's tier.
    /// Returns false for `.none` decisions and replayed keys.
    @discardableResult
    public func recordTierChange(member: Int64, _ decision: TierDecision, at time: Timestamp, key: String) throws -> Bool {
        guard decision.change != .none else { return false }
        return try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO tier_changes(member_id, from_tier, to_tier, reason, time, idempotency_key)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING
                """, arguments: [member, decision.previousTier, decision.newTier,
                                 "\(decision.change.rawValue): \(decision.reason)", time.seconds, key])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE members SET tier = ? WHERE id = ?", arguments: [decision.newTier, member])
            try CrescentStore.logMemberChanges([member], in: db)
            return true
        }
    }

    // MARK: - Rows

    static func seen(_ db: Database, _ key: String) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT 1 FROM points_ledger WHERE idempotency_key = ?", arguments: [key]) != nil
    }

    @discardableResult
    static func insert(_ db: Database, member: Int64, entry e: PointsEntry, key: String, runId: String?,
                       playbook: String?, channel: String?) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO points_ledger(idempotency_key, member_id, kind, delta, reason, time, expires_on, run_id, playbook, channel)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING
            """, arguments: [key, member, e.kind.rawValue, e.kind == .earn ? e.points : -e.points, e.reason ?? e.kind.rawValue,
                             Timestamp(day: e.day).seconds, e.expiresOn?.description, runId, playbook, channel])
        return db.changesCount > 0
    }

    /// The member's rows replayed in row order (``PointsLedger/replay(_:member:)``).
    static func replay(_ db: Database, member: Int64) throws -> PointsLedger {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, kind, delta, time, expires_on FROM points_ledger WHERE member_id = ? ORDER BY id
            """, arguments: [member]).map { row in
            StoredPointsRow(id: row["id"], kind: row["kind"], delta: row["delta"], time: Timestamp(seconds: row["time"]),
                            expiresOn: (row["expires_on"] as String?).flatMap { Day($0) })
        }
        return try PointsLedger.replay(rows, member: member)
    }
}
