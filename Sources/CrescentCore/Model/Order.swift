/// A line of an order: what was bought.
public struct OrderItem: Hashable, Sendable, Codable {
    public var sku: String
    public var category: String
    public var quantity: Int
    public var amount: Money

    public init(sku: String, category: String, quantity: Int, amount: Money) {
        self.sku = sku; self.category = category; self.quantity = quantity; self.amount = amount
    }
}

/// A paid order.
public struct Order: Hashable, Sendable, Codable {
    /// The shop's order number, or for a text order id (`reference`) a stand-in derived from it.
    public var id: Int64
    /// The shop's order id when it is text ("SO-2026-0001"); nil for a numeric id.
    public var reference: String?
    public var memberId: Int64
    public var time: Timestamp
    public var store: String?
    /// What the member paid, after discounts.
    public var amount: Money
    /// Units bought (CDNOW: number of CDs).
    public var quantity: Int
    public var items: [OrderItem]
    /// Discount applied (coupons, points as cash).
    public var discount: Money

    public init(id: Int64, memberId: Int64, time: Timestamp, store: String? = nil, amount: Money,
                quantity: Int, items: [OrderItem] = [], discount: Money = .zero, reference: String? = nil) {
        self.id = id; self.memberId = memberId; self.time = time; self.store = store
        self.amount = amount; self.quantity = quantity; self.items = items; self.discount = discount
        self.reference = reference
    }

    public var day: Day { time.day }

    /// The order id as the shop wrote it: the reference, else the number.
    public var displayId: String { reference ?? String(id) }
}

/// How an order id written by a shop becomes `Order.id` and `Order.reference`.
///
/// Numbers stay numbers. Text ids ("SO-2026-0001") keep their text as the reference and get
/// a negative stand-in id (a 63-bit FNV-1a hash), the same wherever the order arrives from
/// (import, the API, `redeem`), so idempotency keys and joins need no lookup, and a stand-in
/// never equals a shop's (non-negative) number. The store's unique index on the reference
/// catches the (astronomically unlikely) case of two texts sharing a stand-in.
public enum OrderIdentity {
    public static let maxReferenceBytes = 64

    /// `(id, reference)` for `text`, or nil when it cannot be an order id (empty, too long,
    /// spaces or control characters).
    public static func parse(_ text: String) -> (id: Int64, reference: String?)? {
        if let n = Int64(text) { return (n, nil) }
        guard !text.isEmpty, text.utf8.count <= maxReferenceBytes,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return nil }
        return (standIn(for: text), text)
    }

    /// A negative id for a text reference.
    public static func standIn(for reference: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in reference.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return -Int64(bitPattern: h & 0x7FFF_FFFF_FFFF_FFFF) - 1
    }
}

/// A behaviour event: visit, search, view, add_to_cart, consult, pay, app_open, …
public struct BehaviorEvent: Hashable, Sendable, Codable {
    public var id: String
    public var memberId: Int64
    public var kind: String
    public var time: Timestamp
    public var attributes: [String: String]

    public init(id: String, memberId: Int64, kind: String, time: Timestamp, attributes: [String: String] = [:]) {
        self.id = id; self.memberId = memberId; self.kind = kind; self.time = time; self.attributes = attributes
    }
}
