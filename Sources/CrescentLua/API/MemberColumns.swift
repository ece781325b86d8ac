import CLuaShim
import CrescentCore

/// The loaded members' fields, handed to Lua one field at a time: the first time a script
/// reads `m.orders` in a state, every loaded member's order count is pushed as one array
/// (`load_column` in the prelude), and the member views read from it from then on. A field
/// no script reads is never computed or pushed.
///
/// Columns are host data like the member tables they replace: they are pushed without the
/// memory cap and the cap then grows by what they hold, so the script keeps its allowance.
final class MemberColumns {
    /// The members the columns are built from, in the order the Lua side indexes them (1-based).
    var views: [MemberView] = []
    /// Fields pushed since the members were attached, in order (the tests count them).
    private(set) var loaded: [String] = []

    func attach(_ views: [MemberView]) {
        self.views = views
        loaded = []
    }

    /// Pushes field `name` of every member as an array; false (nothing pushed) for a name that
    /// is no member field. Runs inside the host call, with the allocator's host headroom.
    func pushColumn(_ name: String, _ L: OpaquePointer) -> Bool {
        guard let field = MemberField.byName[name] else { return false }
        let limits = crescentLimits(L)
        let cap = limits.pointee.memory_limit, before = limits.pointee.memory_used
        limits.pointee.memory_limit = 0
        let stack = LuaStack(L)
        lua_createtable(L, Int32(clamping: views.count), 0)
        // Each view read in place from an array no call can change (a `let`): from the class's
        // `var`, or through a buffer pointer, each view was copied whole for the call.
        let views = self.views
        for i in views.indices {
            field.push(stack, views[i])
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        let grown = max(0, limits.pointee.memory_used - before)
        limits.pointee.memory_limit = cap > 0 ? cap + grown : 0
        loaded.append(name)
        return true
    }

    /// Pushes the prelude's `load_column(name)`: a C function calling `pushColumn` through
    /// the trampoline, so a bad name is raised as a Lua error only after Swift returned.
    func pushLoader(_ L: OpaquePointer) {
        crescent_push_swift_function(L, memberColumnDispatch, Unmanaged.passUnretained(self).toOpaque())
    }
}

private func crescentLimits(_ L: OpaquePointer) -> UnsafeMutablePointer<crescent_limits> {
    var ud: UnsafeMutableRawPointer?
    _ = lua_getallocf(L, &ud)
    return ud!.assumingMemoryBound(to: crescent_limits.self)
}

private let memberColumnDispatch: crescent_swift_fn = { L, context in
    guard let L, let context else { return -1 }
    let columns = Unmanaged<MemberColumns>.fromOpaque(context).takeUnretainedValue()
    let name = lua_type(L, 1) == LUA_TSTRING ? LuaStack(L).rawString(at: 1) : ""
    guard columns.pushColumn(name, L) else {
        LuaStack(L).push("no member field `\(name)`")
        return -1
    }
    return 1
}

/// One field of `m` as scripts read it, for one member: money in major units (marketers write
/// `299`, not `29900`), days as "YYYY-MM-DD", an absent value as nil. Nested tables are
/// `rfm.r`, `rfm.f`, `rfm.m` (a number per member) and `tags`, `consent`, `attributes`,
/// `bought` (a table per member, reached only through the prelude's read-only views).
struct MemberField: Sendable {
    let push: @Sendable (LuaStack, MemberView) -> Void

    static let byName: [String: MemberField] = {
        func int(_ f: @escaping @Sendable (MemberView) -> Int64?) -> MemberField {
            MemberField { s, v in if let x = f(v) { lua_pushinteger(s.L, x) } else { lua_pushnil(s.L) } }
        }
        func number(_ f: @escaping @Sendable (MemberView) -> Double) -> MemberField {
            MemberField { s, v in lua_pushnumber(s.L, f(v)) }
        }
        func text(_ f: @escaping @Sendable (MemberView) -> String?) -> MemberField {
            MemberField { s, v in if let x = f(v) { s.push(x) } else { lua_pushnil(s.L) } }
        }
        func set(_ f: @escaping @Sendable (MemberView) -> [String]) -> MemberField {
            MemberField { s, v in
                let names = f(v)
                lua_createtable(s.L, 0, Int32(names.count))
                for n in names { s.push(n); lua_pushboolean(s.L, 1); lua_rawset(s.L, -3) }
            }
        }
        return [
            "id": int { $0.member.id },
            "name": text { $0.member.name },
            "gender": text { $0.member.gender },
            "age": int { $0.age.map(Int64.init) },
            "birthday": text { $0.member.birthday?.description },
            "city": text { $0.member.city },
            "tier": text { $0.member.tier },
            "tier_change": text { $0.tierChange },
            "points": int { $0.member.pointsBalance },
            "join_date": text { $0.member.joinDate.description },
            "days_since_join": int { Int64($0.asOf.days(since: $0.member.joinDate)) },
            "lifecycle": text { $0.lifecycle },
            "recency_days": int { $0.recencyDays.map(Int64.init) },
            "frequency": int { Int64($0.frequency) },
            "monetary": number { $0.monetary.major },
            "orders": int { Int64($0.orders) },
            "total_spend": number { $0.totalSpend.major },
            "aov": number { MemberView.aovMajor(totalSpend: $0.totalSpend, orders: $0.orders) },
            "first_order": text { $0.firstOrder?.description },
            "last_order": text { $0.lastOrder?.description },
            "rfm.r": int { Int64($0.rfm.r) },
            "rfm.f": int { Int64($0.rfm.f) },
            "rfm.m": int { Int64($0.rfm.m) },
            "tags": set { $0.member.tags },
            "consent": set { $0.member.consent.sorted() },
            "attributes": MemberField { s, v in
                lua_createtable(s.L, 0, Int32(v.member.attributes.count))
                for (k, value) in v.member.attributes { s.push(k); s.push(value); lua_rawset(s.L, -3) }
            },
            "bought": MemberField { s, v in
                lua_createtable(s.L, 0, Int32(v.lastBoughtDaysAgo.count))
                for (k, days) in v.lastBoughtDaysAgo { s.push(k); lua_pushinteger(s.L, lua_Integer(days)); lua_rawset(s.L, -3) }
            },
        ]
    }()
}
