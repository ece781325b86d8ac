import CrescentCore
import CrescentPersistence
import PostgresNIO

/// Points and tier ledgers: every change a row with an idempotency key. A spend or an expiry
/// locks the member's ledger (an advisory lock on the member id) for its transaction, so two
/// nodes never spend the same lot.
extension PostgresStore {
    public func points(member: Int64) throws -> PointsLedger {
        try pool.withSession { try Self.replayPoints($0, member: member) }
    }

    @discardableResult
    public func earnPoints(member: Int64, points: Int64, on day: Day, expiresOn: Day?, reason: String, key: String,
                           runId: String?, playbook: String?, channel: String?) throws -> Bool {
        try pool.withSession { s in
            try Self.insertPoints(s, member: member, entry: PointsEntry(kind: .earn, points: points, day: day,
                                                                        expiresOn: expiresOn, reason: reason),
                                  key: key, runId: runId, playbook: playbook, channel: channel)
        }
    }

    public func spendPoints(member: Int64, points: Int64, on day: Day, reason: String, key: String) throws -> [PointsEntry] {
        try pool.transaction { s in
            try Self.lockMembers(s, [member])
            if try !s.query("SELECT 1 FROM points_ledger WHERE idempotency_key = \(key + "#0")").isEmpty { return [] }
            var ledger = try Self.replayPoints(s, member: member)
            let entries = try ledger.spend(points, on: day, reason: reason)
            for (n, e) in entries.enumerated() {
                try Self.insertPoints(s, member: member, entry: e, key: "\(key)#\(n)", runId: nil, playbook: nil, channel: nil)
            }
            return entries
        }
    }

    public func expirePoints(member: Int64, asOf day: Day) throws -> [PointsEntry] {
        try pool.transaction { s in
            try Self.lockMembers(s, [member])
            var ledger = try Self.replayPoints(s, member: member)
            let entries = ledger.expire(asOf: day)
            for (n, e) in entries.enumerated() {
                try Self.insertPoints(s, member: member, entry: e, key: "expire/\(member)/\(day)#\(n)", runId: nil,
                                      playbook: nil, channel: nil)
            }
            return entries
        }
    }

    @discardableResult
    public func recordTierChange(member: Int64, _ decision: TierDecision, at time: Timestamp, key: String) throws -> Bool {
        guard decision.change != .none else { return false }
        return try pool.transaction { s in
            let n = try s.execute("""
                INSERT INTO tier_changes(member_id, from_tier, to_tier, reason, time, idempotency_key)
                VALUES (\(member), \(decision.previousTier), \(decision.newTier),
                  \("\(decision.change.rawValue): \(decision.reason)"), \(time.seconds), \(key))
                ON CONFLICT (idempotency_key) DO NOTHING
                """)
            guard n > 0 else { return false }
            try s.execute("UPDATE members SET tier = \(decision.newTier) WHERE id = \(member)")
            try Self.logMemberChanges(s, [member])
            return true
        }
    }

    // MARK: - Rows

    /// Serializes transactions that touch the same members, across nodes, until commit.
    /// Sorted, so two transactions never wait on each other in opposite orders.
    static func lockMembers(_ s: PostgresSession, _ members: [Int64]) throws {
        guard !members.isEmpty else { return }
        try s.execute("""
            SELECT pg_advisory_xact_lock(\(memberLockSpace), m::INT4)
            FROM (SELECT DISTINCT unnest(\(members.map { Int64(Int32(truncatingIfNeeded: $0)) })) AS m ORDER BY 1) AS ids
            """)
    }

    /// The advisory lock space of member locks (`pg_advisory_xact_lock(space, id)`); ids wider
    /// than 32 bits share a lock with another id, which only serializes more.
    static let memberLockSpace: Int32 = 0x4D45_4D42 // "MEMB"

    static func replayPoints(_ s: PostgresSession, member: Int64) throws -> PointsLedger {
        let rows = try s.query("""
            SELECT id, kind, delta, time, expires_on FROM points_ledger WHERE member_id = \(member) ORDER BY id
            """).map { row in
            let (id, kind, delta, time, expires) = try row.decode((Int64, String, Int64, Int64, String?).self)
            return StoredPointsRow(id: id, kind: kind, delta: delta, time: Timestamp(seconds: time),
                                   expiresOn: expires.flatMap { Day($0) })
        }
        return try PointsLedger.replay(rows, member: member)
    }

    @discardableResult
    static func insertPoints(_ s: PostgresSession, member: Int64, entry e: PointsEntry, key: String, runId: String?,
                             playbook: String?, channel: String?) throws -> Bool {
        try s.execute("""
            INSERT INTO points_ledger(idempotency_key, member_id, kind, delta, reason, time, expires_on, run_id, playbook, channel)
            VALUES (\(key), \(member), \(e.kind.rawValue), \(e.kind == .earn ? e.points : -e.points), \(e.reason ?? e.kind.rawValue),
              \(Timestamp(day: e.day).seconds), \(e.expiresOn?.description), \(runId), \(playbook), \(channel))
            ON CONFLICT (idempotency_key) DO NOTHING
            """) > 0
    }
}
