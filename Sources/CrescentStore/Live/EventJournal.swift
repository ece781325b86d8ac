import CrescentCore
import CrescentPersistence
import Foundation
import GRDB

extension CrescentStore {
    /// Writes every request's entries in ONE transaction (group commit) and returns, per
    /// entry, whether it was new. A replayed entry (same event id) changes nothing.
    ///
    /// Orders go into `orders` and members are upserted into `members` in the same
    /// transaction as their outbox row, so a restart loads them with the population and
    /// replays only the triggers.
    /// - throws: `DatabaseError`; then nothing of any request was written.
    public func journal(_ requests: [[JournalEntry]], receivedAt: Timestamp) throws -> [[Bool]] {
        try writer.write { db in
            let event = try RawStatement(db, """
                INSERT OR IGNORE INTO events (id, member_id, kind, time, attributes, state, received_at, payload)
                VALUES (?,?,?,?,?,'pending',?,?)
                """)
            let upsert = try RawStatement(db, """
                INSERT INTO members (\(Self.memberColumns))
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, gender = excluded.gender,
                  birthday = excluded.birthday, phone = excluded.phone, email = excluded.email,
                  city = excluded.city, join_date = excluded.join_date, tier = excluded.tier,
                  points_balance = excluded.points_balance, tags = excluded.tags, consent = excluded.consent,
                  attributes = excluded.attributes, utc_offset_minutes = excluded.utc_offset_minutes
                """)
            var newOrders: [Order] = []
            let fresh = try requests.enumerated().map { (r, entries) in
                try entries.enumerated().map { (n, entry) -> Bool in
                    // A member patch is applied over the stored member here, inside the
                    // transaction, so concurrent patches of one member cannot lose fields.
                    var merged: Member?
                    var signup = false
                    if case .member(let patch) = entry {
                        let stored = try Self.member(id: patch.member.id, in: db)
                        merged = patch.applied(to: stored)
                        signup = stored == nil
                    }
                    let row = JournalRow(entry, merged: merged, signup: signup, receivedAt: receivedAt)
                    event.bind(1, entry.eventId); event.bind(2, entry.memberId); event.bind(3, row.kind)
                    event.bind(4, row.time.seconds); event.bind(5, FlatJSON.encode(row.attributes))
                    event.bind(6, receivedAt.seconds); event.bind(7, row.payload)
                    try event.run(db)
                    guard db.changesCount > 0 else {
                        let differences = try Self.storedRow(id: entry.eventId, in: db)?.differences(from: entry) ?? []
                        guard differences.isEmpty else {
                            throw JournalConflict(request: r, entry: n, eventId: entry.eventId, differences: differences)
                        }
                        return false
                    }
                    switch entry {
                    case .order(let o): newOrders.append(o)
                    case .member: Self.bindMember(upsert, merged!); try upsert.run(db)
                    case .event: break
                    }
                    return true
                }
            }
            // An order imported earlier under the same id stays as it was; its event says so,
            // so the engine does not count the order twice.
            let ignored = try Self.insert(orders: newOrders, in: db, withItems: true, ignoringExisting: true)
            let mark = try RawStatement(db, "UPDATE events SET attributes = ? WHERE id = ?")
            for i in ignored {
                let entry = JournalEntry.order(newOrders[i])
                mark.bind(1, FlatJSON.encode(JournalRow.storedBefore(entry))); mark.bind(2, entry.eventId)
                try mark.run(db)
            }
            return fresh
        }
    }

    /// The outbox row journaled under `id`, if any.
    private static func storedRow(id: String, in db: Database) throws -> JournalRow? {
        try Row.fetchOne(db, sql: "SELECT member_id, kind, time, attributes, payload FROM events WHERE id = ?",
                         arguments: [id]).map { row in
            JournalRow(memberId: row["member_id"], kind: row["kind"], time: Timestamp(seconds: row["time"]),
                       attributes: FlatJSON.decode(row["attributes"] ?? "{}") ?? [:], payload: row["payload"])
        }
    }

    /// Accepted events not yet processed, oldest first, after `seq`.
    public func pendingEvents(after seq: Int64 = 0, limit: Int = 500) throws -> [PendingEvent] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT rowid, id, member_id, kind, time, attributes, received_at, payload, attempts FROM events
                WHERE state = 'pending' AND rowid > ? ORDER BY rowid LIMIT ?
                """, arguments: [seq, limit])
            return rows.map { r in
                PendingEvent(seq: r[0], id: r[1], memberId: r[2], kind: r[3], time: r[4], attributes: r[5],
                             receivedAt: Timestamp(seconds: r[6] ?? 0), payload: r[7], attempts: r[8])
            }
        }
    }

    /// Counts a processing attempt on each row before the engine starts on them, in its own
    /// transaction: if a row takes the process down, the next start sees it was attempted.
    public func beginEvents(_ seqs: [Int64]) throws {
        guard !seqs.isEmpty else { return }
        try writer.write { db in
            let s = try RawStatement(db, "UPDATE events SET attempts = attempts + 1 WHERE rowid = ?")
            for seq in seqs { s.bind(1, seq); try s.run(db) }
        }
    }

    /// Marks events processed (`done`) or dead-lettered (`failed`) with what they did, in
    /// one transaction.
    public func finishEvents(_ finishes: [EventFinish]) throws {
        guard !finishes.isEmpty else { return }
        try writer.write { db in
            let s = try RawStatement(db, "UPDATE events SET state = ?, outcome = ? WHERE rowid = ?")
            for f in finishes {
                s.bind(1, f.succeeded ? "done" : "failed"); s.bind(2, f.outcome); s.bind(3, f.seq); try s.run(db)
            }
            try Self.logFinishedEvents(finishes.map(\.seq), in: db)
        }
    }

    /// How many accepted events were dead-lettered.
    public func failedEventCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE state = 'failed'") ?? 0 }
    }

    /// How many accepted events wait for processing.
    public func pendingEventCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE state = 'pending'") ?? 0 }
    }

    /// The state and outcome of one event, for the status endpoint and tests.
    public func eventStatus(id: String) throws -> (state: String, outcome: String?)? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT state, outcome FROM events WHERE id = ?", arguments: [id])
                .map { ($0["state"], $0["outcome"]) }
        }
    }

    public func firstEvents(ofKind kind: String, among events: [PendingEvent]) throws -> Set<Int64> {
        guard !events.isEmpty else { return [] }
        return try writer.read { db in
            let earlier = try db.cachedStatement(sql: """
                SELECT EXISTS(SELECT 1 FROM events WHERE member_id = ? AND kind = ? AND rowid < ?)
                """)
            var first: Set<Int64> = []
            for e in events where try !(Bool.fetchOne(earlier, arguments: [e.event.memberId, kind, e.seq]) ?? false) {
                first.insert(e.seq)
            }
            return first
        }
    }
}
