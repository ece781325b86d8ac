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
    public var id: Int64
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
                quantity: Int, items: [OrderItem] = [], discount: Money = .zero) {
        self.id = id; self.memberId = memberId; self.time = time; self.store = store
        self.amount = amount; self.quantity = quantity; self.items = items; self.discount = discount
    }

    public var day: Day { time.day }
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
