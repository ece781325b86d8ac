import CrescentCore
import CrescentPersistence
import PostgresNIO

/// The live engine's outbox and scheduled runs. Accepted events are claimed per node under a
/// lease, a member's events in order (``PostgresWorkClaims/claimEvents(limit:now:node:leaseSeconds:)``).
extension PostgresStore {
    public func journal(_ requests: [[JournalEntry]], receivedAt: Timestamp) throws -> [[Bool]] {
        // No retry: a conflict is the caller's to report; a deadlock is rare and the API answers 503.
        try pool.transaction(retries: 0) { s in
            // Member upserts of one member merge one after another, on any node.
            try Self.lockMembers(s, requests.flatMap { $0 }.compactMap {
                if case .member(let p) = $0 { p.member.id } else { nil }
            })
            return try requests.enumerated().map { (r, entries) in
                try entries.enumerated().map { (n, entry) -> Bool in
                    var merged: Member?
                    var signup = false
                    if case .member(let patch) = entry {
                        let stored = try Self.member(id: patch.member.id, s)
                        merged = patch.applied(to: stored)
                        signup = stored == nil
                    }
                    let row = JournalRow(entry, merged: merged, signup: signup, receivedAt: receivedAt)
                    let written = try s.execute("""
                        INSERT INTO events (id, member_id, kind, time, attributes, state, received_at, payload)
                        VALUES (\(entry.eventId), \(row.memberId), \(row.kind), \(row.time.seconds),
                          \(FlatJSON.encode(row.attributes)), 'pending', \(receivedAt.seconds), \(row.payload))
                        ON CONFLICT (id) DO NOTHING
                        """)
                    guard written == 1 else {
                        let differences = try Self.storedJournalRow(id: entry.eventId, s)?.differences(from: entry) ?? []
                        guard differences.isEmpty else {
                            throw JournalConflict(request: r, entry: n, eventId: entry.eventId, differences: differences)
                        }
                        return false
                    }
                    switch entry {
                    case .order(let o):
                        // An order imported earlier under the same id stays as it was; its event
                        // says so, so the engine does not count the order twice.
                        if try !Self.insertOrder(s, o, ignoringExisting: true) {
                            try s.execute("""
                                UPDATE events SET attributes = \(FlatJSON.encode(JournalRow.storedBefore(entry)))
                                WHERE id = \(entry.eventId)
                                """)
                        }
                    case .member: try Self.insertMember(s, merged!, upsert: true)
                    case .event: break
                    }
                    return true
                }
            }
        }
    }

    static func storedJournalRow(id: String, _ s: PostgresSession) throws -> JournalRow? {
        try s.query("SELECT member_id, kind, time, attributes, payload FROM events WHERE id = \(id)").first.map { row in
            let (member, kind, time, attributes, payload) = try row.decode((Int64, String, Int64, String, String?).self)
            return JournalRow(memberId: member, kind: kind, time: Timestamp(seconds: time),
                              attributes: FlatJSON.decode(attributes) ?? [:], payload: payload)
        }
    }

    public func pendingEvents(after seq: Int64, limit: Int) throws -> [PendingEvent] {
        try pool.withSession { s in
            try s.query("""
                SELECT seq, id, member_id, kind, time, attributes, received_at, payload, attempts FROM events
                WHERE state = 'pending' AND seq > \(seq) ORDER BY seq LIMIT \(Int64(limit))
                """).map { row in
                let (seq, id, member, kind, time, attributes, receivedAt, payload, attempts) =
                    try row.decode((Int64, String, Int64, String, Int64, String, Int64?, String?, Int64).self)
                return PendingEvent(seq: seq, id: id, memberId: member, kind: kind, time: time, attributes: attributes,
                                    receivedAt: Timestamp(seconds: receivedAt ?? 0), payload: payload, attempts: Int(attempts))
            }
        }
    }

    public func claimEvents(limit: Int, lease: WorkLease) throws -> [PendingEvent] {
        try claims.claimEvents(limit: limit, now: clock(), node: lease.node, leaseSeconds: lease.seconds).map { e in
            PendingEvent(seq: e.seq, id: e.id, memberId: e.memberId, kind: e.kind, time: e.time.seconds,
                         attributes: e.attributes, receivedAt: e.receivedAt, payload: e.payload, attempts: e.attempts)
        }
    }

    /// Finishes events whichever node claimed them (the protocol names no node): a node only
    /// finishes what it processed, and a row another node took over after a lease expired is
    /// written once all the same, by its keys.
    public func finishEvents(_ finishes: [EventFinish]) throws {
        guard !finishes.isEmpty else { return }
        try pool.transaction { s in
            for f in finishes {
                try s.execute("""
                    UPDATE events SET state = \(f.succeeded ? "done" : "failed"), outcome = \(f.outcome),
                      claimed_by = NULL, lease_until = NULL
                    WHERE seq = \(f.seq)
                    """)
            }
            try Self.logFinishedEvents(s, finishes.map(\.seq))
        }
    }

    public func pendingEventCount() throws -> Int { try eventCount(state: "pending") }
    public func processedEventCount() throws -> Int { try eventCount(state: "done") }
    public func failedEventCount() throws -> Int { try eventCount(state: "failed") }

    private func eventCount(state: String) throws -> Int {
        try pool.withSession { Int(try $0.query("SELECT count(*) FROM events WHERE state = \(state)")[0].decode(Int64.self)) }
    }

    public func firstEvents(ofKind kind: String, among events: [PendingEvent]) throws -> Set<Int64> {
        guard !events.isEmpty else { return [] }
        let members = events.map(\.event.memberId), seqs = events.map(\.seq)
        return try pool.withSession { s in
            Set(try s.query("""
                SELECT e.seq FROM unnest(\(members)::BIGINT[], \(seqs)::BIGINT[]) AS e(member_id, seq)
                WHERE NOT EXISTS (SELECT 1 FROM events x WHERE x.member_id = e.member_id AND x.kind = \(kind)
                                  AND x.seq < e.seq)
                """).map { try $0.decode(Int64.self) })
        }
    }

    public func eventStatus(id: String) throws -> (state: String, outcome: String?)? {
        try pool.withSession { s in
            try s.query("SELECT state, outcome FROM events WHERE id = \(id)").first.map { try $0.decode((String, String?).self) }
        }
    }

    // MARK: - Scheduled runs

    public func beginScheduledRun(runId: String, script: String, playbook: String, due: Timestamp, at now: Timestamp,
                                  lease: WorkLease) throws -> Bool {
        try claims.beginScheduledRun(runId: runId, script: script, playbook: playbook, due: due, at: now,
                                     node: lease.node, leaseSeconds: lease.seconds)
    }

    public func finishScheduledRun(runId: String, state: ScheduledRunState, outcome: String, at now: Timestamp) throws {
        try claims.finishScheduledRun(runId: runId, state: state.rawValue, outcome: outcome, at: now)
    }
}
