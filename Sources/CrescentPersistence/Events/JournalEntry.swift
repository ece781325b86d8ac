import CrescentCore
import Foundation

/// One thing the live API accepted: a behaviour event, an order (which is a `payment`
/// event), or a member upsert.
public enum JournalEntry: Sendable, Equatable {
    case event(BehaviorEvent)
    case order(Order)
    case member(MemberPatch)

    /// The outbox row's id, which makes a replayed request a no-op: the event's own id,
    /// `order:<id>`, or `member:<id>:<digest of the given fields>` (the same upsert twice is one).
    public var eventId: String {
        switch self {
        case .event(let e): return e.id
        case .order(let o): return "order:\(o.displayId)"
        case .member(let p):
            let text = JournalPayload.encode(p.member) + p.fields.sorted().joined(separator: ",")
            return "member:\(p.member.id):\(String(JournalPayload.digest(text), radix: 16))"
        }
    }

    public var memberId: Int64 {
        switch self {
        case .event(let e): return e.memberId
        case .order(let o): return o.memberId
        case .member(let p): return p.member.id
        }
    }
}

/// A replay whose id was journaled before with different content: refused (409), since
/// answering it as a duplicate would silently drop the new content.
public struct JournalConflict: Error, CustomStringConvertible, Equatable {
    /// Which request of the group and which entry of it (0-based).
    public var request: Int
    public var entry: Int
    public var eventId: String
    /// `field: stored → sent`, one per differing field.
    public var differences: [String]
    public init(request: Int, entry: Int, eventId: String, differences: [String]) {
        self.request = request; self.entry = entry; self.eventId = eventId; self.differences = differences
    }
    /// The first differing field's name.
    public var field: String? { differences.first.map { String($0.prefix { $0 != ":" }) } }

    public var description: String {
        "\"\(eventId)\" was accepted before with different content: " + differences.joined(separator: "; ")
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
    /// Why the row cannot be processed as it is (a payload that does not decode, a time
    /// outside the calendar): it is dead-lettered with this reason instead.
    public var problem: String?
    /// How many times processing started on this row before (a crash loop shows here).
    public var attempts: Int = 0

    public init(seq: Int64, event: BehaviorEvent, receivedAt: Timestamp, order: Order? = nil, member: Member? = nil,
                problem: String? = nil, attempts: Int = 0) {
        self.seq = seq; self.event = event; self.receivedAt = receivedAt; self.order = order; self.member = member
        self.problem = problem; self.attempts = attempts
    }
}

/// How processing ended for one outbox row.
public struct EventFinish: Sendable, Equatable {
    public var seq: Int64
    /// False: dead-lettered (`state = 'failed'`), never retried; the outcome says why.
    public var succeeded: Bool
    public var outcome: String
    public init(seq: Int64, succeeded: Bool, outcome: String) {
        self.seq = seq; self.succeeded = succeeded; self.outcome = outcome
    }
}

/// Kinds the journal writes for orders and member upserts.
public enum JournalKind {
    public static let payment = "payment"
    public static let memberUpsert = "member_upsert"
    /// Set (`"true"`) on a member upsert that created the member: it fires `signup`.
    public static let signupAttribute = "signup"
    /// Set (`"true"`) on a `payment` whose order id (or reference) an earlier import or order
    /// already used: the store kept the earlier order, so the engine must not count this one
    /// again, and the earlier order is not hidden as "pending" while the event waits.
    public static let orderStoredBeforeAttribute = "order_stored_before"
    /// A SQL `LIKE` pattern matching the flat JSON attributes of such a `payment`.
    public static let orderStoredBeforePattern = "%\"\(orderStoredBeforeAttribute)\":\"true\"%"
}

/// How the queue stores an order or member payload, and the digest that names a member upsert:
/// every store encodes them alike, so an event id means the same on each.
public enum JournalPayload {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// FNV-1a: stable across runs and machines, unlike `Hasher`.
    public static func digest(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
