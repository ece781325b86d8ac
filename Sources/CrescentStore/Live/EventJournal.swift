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
                    let (kind, time, attributes, payload) = Self.outboxFields(entry, merged: merged, signup: signup,
                                                                             receivedAt: receivedAt)
                    event.bind(1, entry.eventId); event.bind(2, entry.memberId); event.bind(3, kind)
                    event.bind(4, time.seconds); event.bind(5, FlatJSON.encode(attributes))
                    event.bind(6, receivedAt.seconds); event.bind(7, payload)
                    try event.run(db)
                    guard db.changesCount > 0 else {
                        let differences = try Self.differences(entry, storedIn: db)
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
            // An order imported earlier under the same id stays as it was.
            try Self.insert(orders: newOrders, in: db, withItems: true, ignoringExisting: true)
            return fresh
        }
    }

    /// `signup` marks a member the store did not hold when the upsert was accepted: the
    /// `signup` scene must fire even when a restart has loaded the member from the store
    /// before the row is processed (a 202 then a kill).
    private static func outboxFields(_ entry: JournalEntry, merged: Member?, signup: Bool, receivedAt: Timestamp)
        -> (kind: String, time: Timestamp, attributes: [String: String], payload: String?) {
        switch entry {
        case .event(let e): return (e.kind, e.time, e.attributes, nil)
        case .order(let o): return (JournalKind.payment, o.time, ["order_id": o.displayId], JournalPayload.encode(o))
        case .member:
            return (JournalKind.memberUpsert, receivedAt, signup ? [JournalKind.signupAttribute: "true"] : [:],
                    JournalPayload.encode(merged!))
        }
    }

    /// How a replayed event or order differs from what was journaled under its id
    /// (empty: a true replay). Member ids carry a digest of their content, so a different
    /// member upsert is never a replay.
    private static func differences(_ entry: JournalEntry, storedIn db: Database) throws -> [String] {
        guard let row = try Row.fetchOne(db, sql: "SELECT member_id, kind, time, attributes, payload FROM events WHERE id = ?",
                                         arguments: [entry.eventId]) else { return [] }
        func compare(_ pairs: [(String, String, String)]) -> [String] {
            pairs.filter { $0.1 != $0.2 }.map { "\($0.0): \(FieldLimits.shortened($0.1)) → \(FieldLimits.shortened($0.2))" }
        }
        switch entry {
        case .event(let e):
            let storedAttributes = FlatJSON.decode(row["attributes"] ?? "{}") ?? [:]
            return compare([("member_id", String(row["member_id"] as Int64), String(e.memberId)),
                            ("kind", row["kind"] ?? "", e.kind),
                            ("time", Timestamp(seconds: row["time"]).description, e.time.description),
                            ("attributes", FlatJSON.encode(storedAttributes), FlatJSON.encode(e.attributes))])
        case .order(let o):
            guard let payload: String = row["payload"],
                  let stored = try? JSONDecoder().decode(Order.self, from: Data(payload.utf8)) else {
                return ["payload: unreadable → \(o.id)"]
            }
            func items(_ x: Order) -> String { x.items.map { "\($0.sku)|\($0.category)|\($0.quantity)|\($0.amount)" }.joined(separator: ";") }
            return compare([("member_id", String(stored.memberId), String(o.memberId)),
                            ("time", stored.time.description, o.time.description),
                            ("store", stored.store ?? "", o.store ?? ""),
                            ("amount", stored.amount.description, o.amount.description),
                            ("quantity", String(stored.quantity), String(o.quantity)),
                            ("discount", stored.discount.description, o.discount.description),
                            ("items", items(stored), items(o))])
        case .member:
            return []
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
                let kind: String = r[3]
                var pending = PendingEvent(
                    seq: r[0],
                    event: BehaviorEvent(id: r[1], memberId: r[2], kind: kind, time: Timestamp(seconds: r[4]),
                                         attributes: FlatJSON.decode(r[5]) ?? [:]),
                    receivedAt: Timestamp(seconds: r[6] ?? 0), attempts: r[8])
                // Rows written before ingest checked times (or by hand) may hold any integer.
                if Timestamp(checkedSeconds: pending.event.time.seconds) == nil {
                    pending.problem = "time \(pending.event.time.seconds) is outside 0001-01-01 ... 9999-12-31"
                    return pending
                }
                let payload: String? = r[7]
                do {
                    switch kind {
                    case JournalKind.payment:
                        pending.order = try Self.decodePayload(Order.self, payload)
                    case JournalKind.memberUpsert:
                        pending.member = try Self.decodePayload(Member.self, payload)
                    default: break
                    }
                } catch {
                    // Never fire `payment` (or `signup`) without the record it stands for.
                    pending.problem = "unreadable \(kind == JournalKind.payment ? "order" : "member") payload: \(error)"
                }
                return pending
            }
        }
    }

    private struct MissingPayload: Error, CustomStringConvertible { var description: String { "no payload" } }

    private static func decodePayload<T: Decodable>(_ type: T.Type, _ payload: String?) throws -> T {
        guard let payload else { throw MissingPayload() }
        return try JSONDecoder().decode(T.self, from: Data(payload.utf8))
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
}
