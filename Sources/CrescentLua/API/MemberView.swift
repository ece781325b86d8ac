import CLuaShim
import CrescentCore

/// What a script sees as `m`: a member's attributes with their derived views.
///
/// The engine fills it from the store and the derived views; the runtime hands its fields to
/// Lua a column at a time, when a script first reads them (`MemberColumns`).
public struct MemberView: Sendable {
    public var member: Member
    public var lifecycle: String
    public var recencyDays: Int?
    public var frequency: Int
    public var monetary: Money
    public var rfm: (r: Int, f: Int, m: Int)
    public var orders: Int
    public var totalSpend: Money
    public var firstOrder: Day?
    public var lastOrder: Day?
    /// Days since the last purchase in each category bought (replenishment scenes).
    public var lastBoughtDaysAgo: [String: Int]
    public var asOf: Day
    /// How the script's tier ladder moved the member on `asOf` (`upgrade`, `renewal`,
    /// `downgrade`, `none`); nil when the script declares no ladder and `member.tier` is as stored.
    public var tierChange: String?

    public init(member: Member, lifecycle: String, recencyDays: Int?, frequency: Int, monetary: Money,
                rfm: (r: Int, f: Int, m: Int), orders: Int, totalSpend: Money, firstOrder: Day?,
                lastOrder: Day?, lastBoughtDaysAgo: [String: Int] = [:], asOf: Day, tierChange: String? = nil) {
        self.member = member; self.lifecycle = lifecycle; self.recencyDays = recencyDays
        self.frequency = frequency; self.monetary = monetary; self.rfm = rfm; self.orders = orders
        self.totalSpend = totalSpend; self.firstOrder = firstOrder; self.lastOrder = lastOrder
        self.lastBoughtDaysAgo = lastBoughtDaysAgo; self.asOf = asOf; self.tierChange = tierChange
    }

    public var age: Int? { member.birthday.map { Self.age(birthday: $0, asOf: asOf) } }

    /// Whole years from `birthday` to `asOf`.
    public static func age(birthday: Day, asOf: Day) -> Int {
        let (y, m, d) = asOf.components, (by, bm, bd) = birthday.components
        return y - by - ((m, d) < (bm, bd) ? 1 : 0)
    }

    /// `m.aov` as scripts see it: major units rounded to cents, 0 without orders.
    public static func aovMajor(totalSpend: Money, orders: Int) -> Double {
        orders > 0 ? (totalSpend.major / Double(orders) * 100).rounded() / 100 : 0
    }

    /// Template variables for messages: `{{name}}`, `{{tier}}`, `{{points}}`, …
    public var templateVariables: [String: String] {
        var v: [String: String] = [
            "name": member.name, "tier": member.tier, "points": String(member.pointsBalance),
            "id": String(member.id), "lifecycle": lifecycle, "orders": String(orders),
            "total_spend": totalSpend.description,
        ]
        if let c = member.city { v["city"] = c }
        if let first = member.name.split(separator: " ").first { v["first_name"] = String(first) }
        return v
    }
}

/// Field names a script can read on `m`, for validation and the LuaLS definitions.
public let memberFieldNames: [String] = [
    "id", "name", "gender", "age", "birthday", "city", "tier", "points", "tags", "consent",
    "join_date", "days_since_join", "attributes", "lifecycle", "rfm", "recency_days", "frequency",
    "monetary", "orders", "total_spend", "aov", "first_order", "last_order", "bought", "tier_change",
]
