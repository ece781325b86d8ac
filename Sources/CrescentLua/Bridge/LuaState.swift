import CLuaShim

/// Owns one `lua_State` with a capped allocator and an instruction/deadline hook.
///
/// Not thread-safe: one owner at a time (use one state per worker for parallel work).
/// Every call into Lua goes through `lua_pcall`; Swift callbacks return a status and the
/// C trampoline raises the Lua error after Swift has returned, so no longjmp crosses a
/// Swift frame.
public final class LuaState {
    let L: OpaquePointer
    let limits: UnsafeMutablePointer<crescent_limits>
    private var functionBoxes: [HostFunctionBox] = []

    /// - parameter memoryLimit: bytes the state may hold while a script runs (0: no cap).
    public init(memoryLimit: Int) {
        limits = .allocate(capacity: 1)
        limits.initialize(to: crescent_limits())
        limits.pointee.memory_limit = memoryLimit
        limits.pointee.host_headroom = 8 << 20
        limits.pointee.host_mode = 1
        guard let state = crescent_newstate(limits) else { fatalError("lua_newstate failed: out of memory") }
        L = state
    }

    deinit {
        crescent_close(L)
        limits.deinitialize(count: 1)
        limits.deallocate()
    }

    public var memoryUsed: Int { limits.pointee.memory_used }
    public var memoryPeak: Int { limits.pointee.memory_peak }
    public var top: Int32 { lua_gettop(L) }
    public func setTop(_ index: Int32) { lua_settop(L, index) }
    public func pop(_ n: Int32 = 1) { crescent_pop(L, n) }

    /// Full garbage collection, e.g. between runs after a script built a large heap.
    public func collectGarbage() { crescent_collect_garbage(L) }

    /// The main thread's stack: push and read values.
    public var stack: LuaStack { LuaStack(L) }
    public func push(_ value: LuaValue) throws(LuaPushError) { try stack.push(value) }
    public func push(_ s: String) { stack.push(s) }
    public func value(at index: Int32, path: String = "result") throws(LuaReadError) -> LuaValue {
        try stack.value(at: index, path: path)
    }

    /// Pushes a Swift function as a Lua function. The box is kept alive as long as the state.
    public func push(function: @escaping HostFunction) {
        let box = HostFunctionBox(function)
        functionBoxes.append(box)
        crescent_push_swift_function(L, hostDispatch, Unmanaged.passUnretained(box).toOpaque())
    }
}

/// A value read from Lua that the host cannot take.
public struct LuaReadError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path) \(problem)" }
}
