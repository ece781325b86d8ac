import CrescentCore
import Foundation
import GRDB

/// One thing the live API accepted: a behaviour event, an order (which is a `payment`
/// event), or a member upsert.
public enum JournalEntry: Sendable, Equatable {
    case event(BehaviorEvent)
    case order(Order)
    case member(Member)

    /// The outbox row's id, which makes a replayed request a no-op: the event's own id,
    /// `order:<id>`, or `member:<id>:<digest of the fields>` (the same upsert twice is one).
    public var eventId: String {
        switch self {
        case .event(let e): return e.id
        case .order(let o): return "order:\(o.displayId)"
        case .member(let m): return "member:\(m.id):\(String(JournalPayload.digest(JournalPayload.encode(m)), radix: 16))"
        }
    }

    public var memberId: Int64 {
        switch self {
        case .event(let e): return e.memberId
        case .order(let o): return o.memberId
        case .member(let m): return m.id
        }
    }
}

/// An accepted event still to be processed, in arrival order.
public struct PendingEvent: Sendable, Equatable {
    /// Arrival order (the row id).
    public var seq: Int64
    public var event: BehaviorEvent
    public var receivedAt: Timestamp
    public var order: Order?
    public var member: Member?
}

/// Kinds the journal writes for orders and member upserts.
public enum JournalKind {
    public static let payment = "payment"
    public static let memberUpsert = "member_upsert"
}

enum JournalPayload {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// FNV-1a: stable across runs and machines, unlike `Hasher`.
    static func digest(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

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
                INSERT INTO members (id, name, gender, birthday, phone, email, city, join_date, tier,
                  points_balance, tags, consent, attributes, utc_offset_minutes)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, gender = excluded.gender,
                  birthday = excluded.birthday, phone = excluded.phone, email = excluded.email,
                  city = excluded.city, join_date = excluded.join_date, tier = excluded.tier,
                  points_balance = excluded.points_balance, tags = excluded.tags, consent = excluded.consent,
                  attributes = excluded.attributes, utc_offset_minutes = excluded.utc_offset_minutes
                """)
            var newOrders: [Order] = []
            let fresh = try requests.map { entries in
                try entries.map { entry -> Bool in
                    let (kind, time, attributes, payload) = Self.outboxFields(entry, receivedAt: receivedAt)
                    event.bind(1, entry.eventId); event.bind(2, entry.memberId); event.bind(3, kind)
                    event.bind(4, time.seconds); event.bind(5, FlatJSON.encode(attributes))
                    event.bind(6, receivedAt.seconds); event.bind(7, payload)
                    try event.run(db)
                    guard db.changesCount > 0 else { return false }
                    switch entry {
                    case .order(let o): newOrders.append(o)
                    case .member(let m): Self.bindMember(upsert, m); try upsert.run(db)
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

    private static func outboxFields(_ entry: JournalEntry, receivedAt: Timestamp)
        -> (kind: String, time: Timestamp, attributes: [String: String], payload: String?) {
        switch entry {
        case .event(let e): return (e.kind, e.time, e.attributes, nil)
        case .order(let o): return (JournalKind.payment, o.time, ["order_id": o.displayId], JournalPayload.encode(o))
        case .member(let m): return (JournalKind.memberUpsert, receivedAt, [:], JournalPayload.encode(m))
        }
    }

    /// Accepted events not yet processed, oldest first, after `seq`.
    public func pendingEvents(after seq: Int64 = 0, limit: Int = 500) throws -> [PendingEvent] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT rowid, id, member_id, kind, time, attributes, received_at, payload FROM events
                WHERE state = 'pending' AND rowid > ? ORDER BY rowid LIMIT ?
                """, arguments: [seq, limit])
            let decoder = JSONDecoder()
            return rows.map { r in
                let kind: String = r[3]
                let payload: String? = r[7]
                let data = Data((payload ?? "").utf8)
                return PendingEvent(
                    seq: r[0],
                    event: BehaviorEvent(id: r[1], memberId: r[2], kind: kind, time: Timestamp(seconds: r[4]),
                                         attributes: FlatJSON.decode(r[5]) ?? [:]),
                    receivedAt: Timestamp(seconds: r[6] ?? 0),
                    order: kind == JournalKind.payment && payload != nil ? try? decoder.decode(Order.self, from: data) : nil,
                    member: kind == JournalKind.memberUpsert ? try? decoder.decode(Member.self, from: data) : nil)
            }
        }
    }

    /// Marks events processed with what they did (`done`), in one transaction.
    public func finishEvents(_ outcomes: [(seq: Int64, outcome: String)]) throws {
        guard !outcomes.isEmpty else { return }
        try writer.write { db in
            let s = try RawStatement(db, "UPDATE events SET state = 'done', outcome = ? WHERE rowid = ?")
            for (seq, outcome) in outcomes { s.bind(1, outcome); s.bind(2, seq); try s.run(db) }
        }
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
