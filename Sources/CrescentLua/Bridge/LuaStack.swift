import CLuaShim

/// A view of one Lua thread's stack (the main thread or a coroutine) for the host to push
/// and read plain values. Pushes happen with allocator headroom, so they cannot raise.
public struct LuaStack {
    let L: OpaquePointer
    init(_ L: OpaquePointer) { self.L = L }

    public var top: Int32 { lua_gettop(L) }

    // MARK: - Pushing (host side: the allocator grants headroom so a push cannot raise)

    /// Pushes plain data, or nothing and an error when it is nested deeper than
    /// `LuaValue.maxNestingDepth` or would not fit in the host's allocator headroom (a push
    /// that ran out of either would raise through Swift or write past the stack).
    public func push(_ value: LuaValue) throws(LuaPushError) {
        let shape = value.shape
        guard shape.depth <= LuaValue.maxNestingDepth else {
            throw LuaPushError(problem: "is nested \(shape.depth) levels deep; at most \(LuaValue.maxNestingDepth) levels can be passed to Lua")
        }
        guard fitsInHostHeadroom(bytes: shape.estimatedBytes) else {
            throw LuaPushError(problem: "is too large to pass to Lua (about \(shape.estimatedBytes >> 10) KB)")
        }
        let base = lua_gettop(L)
        guard pushNested(value) else {
            lua_settop(L, base)
            throw LuaPushError(problem: "is too deep for the Lua stack")
        }
    }

    /// Each table level holds the table and a key on the stack while its children are
    /// pushed, so every level asks for room first.
    private func pushNested(_ value: LuaValue) -> Bool {
        guard lua_checkstack(L, 3) != 0 else { return false }
        switch value {
        case .null: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .int(let i): lua_pushinteger(L, i)
        case .double(let d): lua_pushnumber(L, d)
        case .string(let s): push(s)
        case .array(let a):
            lua_createtable(L, Int32(clamping: a.count), 0)
            for (i, v) in a.enumerated() {
                guard pushNested(v) else { return false }
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .table(let t):
            lua_createtable(L, 0, Int32(clamping: t.count))
            for (k, v) in t {
                push(k)
                guard pushNested(v) else { return false }
                lua_rawset(L, -3)
            }
        }
        return true
    }

    /// Whether `bytes` more fit under the state's cap plus the host's headroom.
    private func fitsInHostHeadroom(bytes: Int) -> Bool {
        var ud: UnsafeMutableRawPointer?
        _ = lua_getallocf(L, &ud)
        guard let limits = ud?.assumingMemoryBound(to: crescent_limits.self).pointee, limits.memory_limit > 0 else { return true }
        let cap = limits.memory_limit + limits.host_headroom
        return limits.memory_used < cap && bytes <= (cap - limits.memory_used) / 2
    }

    public func push(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = lua_pushlstring(L, buf.baseAddress, buf.count) }
    }

    // MARK: - Reading

    /// Reads the value at `index` as plain data.
    /// - throws: `LuaReadError` for functions, userdata, threads, cycles, bad UTF-8 or NUL bytes.
    public func value(at index: Int32, path: String = "result") throws(LuaReadError) -> LuaValue {
        var visiting = Set<UnsafeRawPointer>()
        return try read(lua_absindex(L, index), path: path, visiting: &visiting, depth: 0)
    }

    private func read(_ idx: Int32, path: String, visiting: inout Set<UnsafeRawPointer>,
                      depth: Int) throws(LuaReadError) -> LuaValue {
        switch lua_type(L, idx) {
        case LUA_TNIL, LUA_TNONE: return .null
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, idx) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, idx) != 0 { return .int(lua_tointegerx(L, idx, nil)) }
            return .double(lua_tonumberx(L, idx, nil))
        case LUA_TSTRING: return .string(try string(at: idx, path: path))
        case LUA_TTABLE:
            guard depth < LuaValue.maxNestingDepth else {
                throw LuaReadError(path: path, problem: "is nested more than \(LuaValue.maxNestingDepth) levels deep")
            }
            guard let ptr = lua_topointer(L, idx) else { return .null }
            guard visiting.insert(ptr).inserted else {
                throw LuaReadError(path: path, problem: "is a table that contains itself (a cycle)")
            }
            defer { visiting.remove(ptr) }
            return try readTable(idx, path: path, visiting: &visiting, depth: depth)
        default:
            let name = String(cString: lua_typename(L, lua_type(L, idx)))
            throw LuaReadError(path: path, problem: "is a \(name); only data (nil, boolean, number, string, table) can be returned")
        }
    }

    private func readTable(_ idx: Int32, path: String, visiting: inout Set<UnsafeRawPointer>,
                           depth: Int) throws(LuaReadError) -> LuaValue {
        var ints: [Int64: LuaValue] = [:]
        var strs: [String: LuaValue] = [:]
        guard lua_checkstack(L, 4) != 0 else { throw LuaReadError(path: path, problem: "is too deep to read") }
        lua_pushnil(L)
        while lua_next(L, idx) != 0 {
            // Stack now: ..., key, value
            let valueIndex = lua_gettop(L)
            let keyType = lua_type(L, -2)
            do throws(LuaReadError) {
                if keyType == LUA_TNUMBER, lua_isinteger(L, -2) != 0 {
                    let k = lua_tointegerx(L, -2, nil)
                    ints[k] = try read(valueIndex, path: "\(path)[\(k)]", visiting: &visiting, depth: depth + 1)
                } else if keyType == LUA_TSTRING {
                    let k = try string(at: -2, path: "\(path) key")
                    strs[k] = try read(valueIndex, path: "\(path).\(k)", visiting: &visiting, depth: depth + 1)
                } else if keyType == LUA_TNUMBER {
                    let k = String(lua_tonumberx(L, -2, nil))
                    strs[k] = try read(valueIndex, path: "\(path)[\(k)]", visiting: &visiting, depth: depth + 1)
                } else {
                    let name = String(cString: lua_typename(L, keyType))
                    throw LuaReadError(path: path, problem: "has a \(name) key; only string and number keys can be returned")
                }
            } catch {
                lua_settop(L, valueIndex - 2)
                throw error
            }
            crescent_pop(L, 1)
            // Stack now: ..., key
        }
        if strs.isEmpty, ints.keys.allSatisfy({ $0 >= 1 && $0 <= ints.count }) {
            return .array((0..<ints.count).map { ints[Int64($0 + 1)]! })
        }
        for (k, v) in ints { strs[String(k)] = v }
        return .table(strs)
    }

    /// Reads a Lua string at `idx` (which must be a string) as valid UTF-8 without NUL bytes.
    func string(at idx: Int32, path: String) throws(LuaReadError) -> String {
        var length = 0
        guard let p = lua_tolstring(L, idx, &length) else { return "" }
        let bytes = UnsafeRawBufferPointer(start: p, count: length)
        if let nul = bytes.firstIndex(of: 0) {
            throw LuaReadError(path: path, problem: "contains a NUL byte at position \(nul + 1)")
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw LuaReadError(path: path, problem: "is not valid UTF-8")
        }
        return s
    }

    /// The raw bytes of a string on the stack, no validation (for hot paths and messages).
    func rawString(at idx: Int32) -> String {
        var length = 0
        guard lua_type(L, idx) == LUA_TSTRING, let p = lua_tolstring(L, idx, &length) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self)
    }
}

extension LuaStack {
    /// Reads a Lua array of integers (a hot path: no `LuaValue` boxing).
    public func int32Array(at index: Int32) -> [Int32] {
        let idx = lua_absindex(L, index)
        let n = Int(lua_rawlen(L, idx))
        var out = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            lua_rawgeti(L, idx, lua_Integer(i + 1))
            out[i] = Int32(truncatingIfNeeded: lua_tointegerx(L, -1, nil))
            lua_settop(L, -2)
        }
        return out
    }

    /// Pushes a flat array of strings (no nesting, so it cannot be refused).
    public func push(strings values: [String]) {
        lua_createtable(L, Int32(clamping: values.count), 0)
        for (i, v) in values.enumerated() {
            push(v)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
    }

    public func push(int32Array values: [Int32]) {
        lua_createtable(L, Int32(clamping: values.count), 0)
        for (i, v) in values.enumerated() {
            lua_pushinteger(L, lua_Integer(v))
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
    }
}
