import CrescentCore
import PostgresNIO

/// Hands shared work to one node at a time: due journey steps, accepted events, scheduled
/// runs and pending deliveries.
///
/// A claim stamps `claimed_by` and `lease_until` on the rows, chosen with `FOR UPDATE SKIP
/// LOCKED` so concurrent claimers never wait on each other nor take the same row: a row is
/// claimable when nobody holds it (`lease_until` NULL) or its lease expired (the node died or
/// hung). Finishing the work clears the claim (saving a journey, finishing an event, recording a
/// delivery attempt).
/// Leases are about sharing the work; exactly-once comes from the ledgers' idempotency keys, so
/// a step a lease expired on and another node redoes is written once all the same.
struct PostgresWorkClaims: Sendable {
    let pool: PostgresSessionPool

    /// Claims up to `limit` open journeys due by `now`, earliest first, for `node` until
    /// `now + leaseSeconds`; returns their members per playbook. Another claimer is not handed
    /// them until the lease expires or the journey is saved (its step written).
    public func claimDueJourneyMembers(now: Timestamp, limit: Int, node: String,
                                       leaseSeconds: Int64) throws -> [String: [Int64]] {
        let until = now.seconds + leaseSeconds
        let rows = try pool.withSession { s in
            try s.query("""
                WITH due AS (
                  SELECT id FROM journeys
                  WHERE state = 'active' AND next_due_at <= \(now.seconds)
                    AND (lease_until IS NULL OR lease_until <= \(now.seconds))
                  ORDER BY next_due_at, member_id LIMIT \(Int64(limit))
                  FOR UPDATE SKIP LOCKED)
                UPDATE journeys j SET claimed_by = \(node), lease_until = \(until)
                FROM due WHERE j.id = due.id
                RETURNING j.playbook, j.member_id
                """)
        }
        var out: [String: [Int64]] = [:]
        for row in rows {
            let (playbook, member) = try row.decode((String, Int64).self)
            out[playbook, default: []].append(member)
        }
        for k in out.keys { out[k]!.sort() }
        return out
    }

    /// Claims up to `limit` pending events, oldest first, for `node`, and counts an attempt on
    /// each, committed before the caller processes them.
    ///
    /// A node may claim again what it holds itself (a restart under the same `--node` resumes at
    /// once instead of waiting out its own lease; the attempts count still isolates a poison row).
    /// A member's events are processed in order: an event is not handed out while an earlier
    /// pending event of the same member is held by another live lease. A row attempted before
    /// (it may take a process down) is claimed alone, so one poison row cannot sink a batch.
    /// Claims are serialized by an advisory lock (a few milliseconds each): the per-member check
    /// must see every earlier claim committed.
    public func claimEvents(limit: Int, now: Timestamp, node: String, leaseSeconds: Int64) throws -> [ClaimedEvent] {
        let until = now.seconds + leaseSeconds
        return try pool.transaction { s in
            try s.execute("SELECT pg_advisory_xact_lock(\(Self.eventClaimLock))")
            let candidates = try s.query("""
                SELECT e.seq, e.attempts FROM events e
                WHERE e.state = 'pending'
                  AND (e.lease_until IS NULL OR e.lease_until <= \(now.seconds) OR e.claimed_by = \(node))
                  AND NOT EXISTS (
                    SELECT 1 FROM events o
                    WHERE o.state = 'pending' AND o.member_id = e.member_id AND o.seq < e.seq
                      AND o.lease_until > \(now.seconds) AND o.claimed_by <> \(node))
                ORDER BY e.seq LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED
                """).map { try $0.decode((Int64, Int64).self) }
            // The first row attempted before goes alone; otherwise the rows before it.
            let seqs: [Int64]
            if let first = candidates.first, first.1 > 0 {
                seqs = [first.0]
            } else {
                seqs = candidates.prefix { $0.1 == 0 }.map(\.0)
            }
            guard !seqs.isEmpty else { return [] }
            return try s.query("""
                UPDATE events SET claimed_by = \(node), lease_until = \(until), attempts = attempts + 1
                WHERE seq = ANY(\(seqs))
                RETURNING seq, id, member_id, kind, time, attributes, received_at, payload, attempts - 1
                """).map { row in
                let (seq, id, member, kind, time, attributes, receivedAt, payload, attempts) =
                    try row.decode((Int64, String, Int64, String, Int64, String, Int64?, String?, Int64).self)
                return ClaimedEvent(seq: seq, id: id, memberId: member, kind: kind, time: Timestamp(seconds: time),
                                    attributes: attributes, receivedAt: Timestamp(seconds: receivedAt ?? 0),
                                    payload: payload, attempts: Int(attempts))
            }.sorted { $0.seq < $1.seq }
        }
    }

    /// Records that a scheduled run starts and claims it for `node`: true when this node should
    /// run (or resume) it; false when it finished before, or another node holds a live lease on it.
    public func beginScheduledRun(runId: String, script: String, playbook: String, due: Timestamp, at now: Timestamp,
                                  node: String, leaseSeconds: Int64) throws -> Bool {
        let until = now.seconds + leaseSeconds
        return try pool.withSession { s in
            try !s.query("""
                INSERT INTO scheduled_runs (run_id, script, playbook, due, state, started_at, claimed_by, lease_until)
                VALUES (\(runId), \(script), \(playbook), \(due.seconds), 'running', \(now.seconds), \(node), \(until))
                ON CONFLICT (run_id) DO UPDATE SET state = 'running', started_at = excluded.started_at,
                  claimed_by = excluded.claimed_by, lease_until = excluded.lease_until
                WHERE scheduled_runs.state <> 'done'
                  AND (scheduled_runs.claimed_by = excluded.claimed_by OR scheduled_runs.lease_until IS NULL
                       OR scheduled_runs.lease_until <= \(now.seconds))
                RETURNING run_id
                """).isEmpty
        }
    }

    /// Records how a scheduled run ended and clears its claim.
    public func finishScheduledRun(runId: String, state: String, outcome: String, at now: Timestamp) throws {
        try pool.withSession { s in
            try s.execute("""
                UPDATE scheduled_runs SET state = \(state), outcome = \(outcome), finished_at = \(now.seconds),
                  claimed_by = NULL, lease_until = NULL
                WHERE run_id = \(runId)
                """)
        }
    }

    /// Claims up to `limit` pending deliveries after row `afterId`, in id order (optionally of
    /// one run and only of `playbooks`), for `node`: no other sender is handed them while the
    /// lease holds; the same node may take them again (`crescent deliver` rerun after a crash,
    /// a later drain of a row left pending). Returns the claimed rows' ids.
    public func claimPendingDeliveries(afterId: Int64, runId: String?, playbooks: [String], limit: Int,
                                       now: Timestamp, node: String, leaseSeconds: Int64) throws -> [Int64] {
        let until = now.seconds + leaseSeconds
        return try pool.withSession { s in
            try s.query("""
                WITH next AS (
                  SELECT id FROM deliveries
                  WHERE state = 'pending' AND id > \(afterId)
                    AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
                    AND (cardinality(\(playbooks)::TEXT[]) = 0 OR playbook = ANY(\(playbooks)))
                    AND (lease_until IS NULL OR lease_until <= \(now.seconds) OR claimed_by = \(node))
                  ORDER BY id LIMIT \(Int64(limit))
                  FOR UPDATE SKIP LOCKED)
                UPDATE deliveries d SET claimed_by = \(node), lease_until = \(until)
                FROM next WHERE d.id = next.id
                RETURNING d.id
                """).map { try $0.decode(Int64.self) }.sorted()
        }
    }

    /// Key of the advisory lock event claims serialize on ("CRESEVT").
    static let eventClaimLock: Int64 = 0x4352_4553_4556_54
}

/// An accepted event handed to one node, as stored (the adapter decodes payloads).
struct ClaimedEvent: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var memberId: Int64
    public var kind: String
    public var time: Timestamp
    /// The attributes as the journal stored them (a flat JSON object).
    public var attributes: String
    public var receivedAt: Timestamp
    public var payload: String?
    /// How many times processing started on this row before this claim.
    public var attempts: Int
}
