import CrescentCore
import Foundation

/// The outbox columns of an accepted event, as every store keeps them, and what a store
/// needs to turn its rows back into ``PendingEvent``s. Shared so an event id means the same,
/// and a replay is judged the same, on every store.
public struct JournalRow: Sendable, Equatable {
    public var memberId: Int64
    public var kind: String
    public var time: Timestamp
    public var attributes: [String: String]
    /// The order or member the event stands for (JSON), nil for a plain event.
    public var payload: String?

    public init(memberId: Int64, kind: String, time: Timestamp, attributes: [String: String], payload: String?) {
        self.memberId = memberId; self.kind = kind; self.time = time; self.attributes = attributes; self.payload = payload
    }

    /// The row an entry is journaled as. `merged` is a member upsert applied over the stored
    /// member; `signup` marks a member the store did not hold when the upsert was accepted: the
    /// `signup` scene must fire even when a restart has loaded the member from the store
    /// before the row is processed (a 202 then a kill).
    public init(_ entry: JournalEntry, merged: Member?, signup: Bool, receivedAt: Timestamp) {
        switch entry {
        case .event(let e):
            self.init(memberId: e.memberId, kind: e.kind, time: e.time, attributes: e.attributes, payload: nil)
        case .order(let o):
            self.init(memberId: o.memberId, kind: JournalKind.payment, time: o.time, attributes: ["order_id": o.displayId],
                      payload: JournalPayload.encode(o))
        case .member(let p):
            self.init(memberId: p.member.id, kind: JournalKind.memberUpsert, time: receivedAt,
                      attributes: signup ? [JournalKind.signupAttribute: "true"] : [:],
                      payload: JournalPayload.encode(merged ?? p.member))
        }
    }

    /// The attributes of an order's `payment` row once the store found the order's id (or
    /// reference) already used: the earlier order stays and this one must not count again.
    public static func storedBefore(_ entry: JournalEntry) -> [String: String] {
        var attributes = JournalRow(entry, merged: nil, signup: false, receivedAt: Timestamp(seconds: 0)).attributes
        attributes[JournalKind.orderStoredBeforeAttribute] = "true"
        return attributes
    }

    /// How a replayed event or order differs from this stored row (empty: a true replay).
    /// Member ids carry a digest of their content, so a different member upsert is never a replay.
    public func differences(from entry: JournalEntry) -> [String] {
        func compare(_ pairs: [(String, String, String)]) -> [String] {
            pairs.filter { $0.1 != $0.2 }.map { "\($0.0): \(FieldLimits.shortened($0.1)) → \(FieldLimits.shortened($0.2))" }
        }
        switch entry {
        case .event(let e):
            return compare([("member_id", String(memberId), String(e.memberId)),
                            ("kind", kind, e.kind),
                            ("time", time.description, e.time.description),
                            ("attributes", FlatJSON.encode(attributes), FlatJSON.encode(e.attributes))])
        case .order(let o):
            guard let payload, let stored = try? JSONDecoder().decode(Order.self, from: Data(payload.utf8)) else {
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
}

extension PendingEvent {
    /// A pending outbox row as a store read it. A row that cannot be processed as it is (a
    /// time outside the calendar, a payload that does not decode) gets ``problem`` set, so it
    /// is dead-lettered with that reason instead of firing `payment` or `signup` without the
    /// record it stands for.
    public init(seq: Int64, id: String, memberId: Int64, kind: String, time seconds: Int64, attributes: String,
                receivedAt: Timestamp, payload: String?, attempts: Int) {
        self.init(seq: seq,
                  event: BehaviorEvent(id: id, memberId: memberId, kind: kind, time: Timestamp(seconds: seconds),
                                       attributes: FlatJSON.decode(attributes) ?? [:]),
                  receivedAt: receivedAt, attempts: attempts)
        // Rows written before ingest checked times (or by hand) may hold any integer.
        if Timestamp(checkedSeconds: seconds) == nil {
            problem = "time \(seconds) is outside 0001-01-01 ... 9999-12-31"
            return
        }
        do {
            switch kind {
            case JournalKind.payment: order = try Self.decodePayload(Order.self, payload)
            case JournalKind.memberUpsert: member = try Self.decodePayload(Member.self, payload)
            default: break
            }
        } catch {
            problem = "unreadable \(kind == JournalKind.payment ? "order" : "member") payload: \(error)"
        }
    }

    private struct MissingPayload: Error, CustomStringConvertible { var description: String { "no payload" } }

    private static func decodePayload<T: Decodable>(_ type: T.Type, _ payload: String?) throws -> T {
        guard let payload else { throw MissingPayload() }
        return try JSONDecoder().decode(T.self, from: Data(payload.utf8))
    }
}
