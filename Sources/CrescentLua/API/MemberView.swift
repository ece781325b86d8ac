import CLuaShim
import CrescentCore

/// What a script sees as `m`: a member's attributes with their derived views.
///
/// The engine fills it from the store and the derived views; the runtime pushes it as a
/// plain Lua table once per state, so predicates run at interpreter speed.
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

extension LuaStack {
    /// Pushes `m` as a plain table. Money is in major units (yuan): marketers write `299`, not `29900`.
    /// Nested tables go under the private keys in `nestedKeys` (registry references), so
    /// scripts reach them only through the prelude's read-only views.
    func push(member v: MemberView, nestedKeys: [String: Int32]) {
        func pushKey(_ name: String) { lua_rawgeti(L, crescent_registryindex(), lua_Integer(nestedKeys[name] ?? LUA_NOREF)) }
        let m = v.member
        lua_createtable(L, 0, 26)
        set("id", int: m.id)
        set("name", string: m.name)
        if let g = m.gender { set("gender", string: g) }
        if let age = v.age { set("age", int: Int64(age)) }
        if let b = m.birthday { set("birthday", string: b.description) }
        if let c = m.city { set("city", string: c) }
        set("tier", string: m.tier)
        if let change = v.tierChange { set("tier_change", string: change) }
        set("points", int: m.pointsBalance)
        set("join_date", string: m.joinDate.description)
        set("days_since_join", int: Int64(v.asOf.days(since: m.joinDate)))
        set("lifecycle", string: v.lifecycle)
        if let r = v.recencyDays { set("recency_days", int: Int64(r)) }
        set("frequency", int: Int64(v.frequency))
        set("monetary", number: v.monetary.major)
        set("orders", int: Int64(v.orders))
        set("total_spend", number: v.totalSpend.major)
        set("aov", number: MemberView.aovMajor(totalSpend: v.totalSpend, orders: v.orders))
        if let d = v.firstOrder { set("first_order", string: d.description) }
        if let d = v.lastOrder { set("last_order", string: d.description) }
        // Stack now: ..., m
        pushKey("rfm")
        lua_createtable(L, 0, 3)
        set("r", int: Int64(v.rfm.r)); set("f", int: Int64(v.rfm.f)); set("m", int: Int64(v.rfm.m))
        lua_rawset(L, -3)
        pushKey("tags"); pushSet(m.tags)
        pushKey("consent"); pushSet(m.consent.sorted())
        pushKey("attributes")
        lua_createtable(L, 0, Int32(m.attributes.count))
        for (k, value) in m.attributes { set(k, string: value) }
        lua_rawset(L, -3)
        pushKey("bought")
        lua_createtable(L, 0, Int32(v.lastBoughtDaysAgo.count))
        for (k, days) in v.lastBoughtDaysAgo { set(k, int: Int64(days)) }
        lua_rawset(L, -3)
    }

    /// Pushes a set of names as the value of the key already pushed, and stores it.
    private func pushSet(_ names: [String]) {
        lua_createtable(L, 0, Int32(names.count))
        for n in names { push(n); lua_pushboolean(L, 1); lua_rawset(L, -3) }
        lua_rawset(L, -3)
    }

    private func set(_ key: String, int value: Int64) { push(key); lua_pushinteger(L, value); lua_rawset(L, -3) }
    private func set(_ key: String, number value: Double) { push(key); lua_pushnumber(L, value); lua_rawset(L, -3) }
    private func set(_ key: String, string value: String) { push(key); push(value); lua_rawset(L, -3) }
}
