import CLuaShim
import CrescentCore

/// The sandboxed runner: one Lua state, a frozen base environment, and a fresh
/// environment for every run.
///
/// For example:
/// ```swift
/// let sandbox = Sandbox()
/// let values = try sandbox.run(source: "return 1 + 1", chunkName: "two.lua")   // [.int(2)]
/// ```
/// - throws: `ScriptError` naming kind, file, line and, while evaluating for a member, its id.
public final class Sandbox {
    public let state: LuaState
    public let limits: SandboxLimits
    /// Where `print` goes. The CLI prints it; the engine logs it.
    public var printHandler: (String) -> Void = { print($0) }
    /// The host's time, the only time a script sees (`os.time()`, `crm.now()`).
    public var clock: any CrescentCore.Clock
    /// Seeds `math.random` at the start of every run.
    public var seed: Int64
    /// Set while the host evaluates for one member, so errors name them.
    public var currentMemberId: Int64?

    private var policyRef: Int32 = LUA_NOREF
    private var knownChunks: [String] = []

    public init(limits: SandboxLimits = SandboxLimits(), clock: any CrescentCore.Clock = FixedClock(Timestamp(seconds: 0)),
                seed: Int64 = 1) {
        self.limits = limits
        self.clock = clock
        self.seed = seed
        state = LuaState(memoryLimit: limits.memoryBytes)
        installPolicy()
    }

    private func installPolicy() {
        let L = state.L
        crescent_open_sandbox_libs(L)
        var prelude = SandboxPolicy.prelude
        let status = prelude.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(L, $0.baseAddress, $0.count, "=sandbox-prelude", "t") }
        }
        precondition(status == LUA_OK, "sandbox prelude does not compile: \(state.stack.rawString(at: -1))")
        crescent_push_forbidden_factory(L)
        state.push { [unowned self] call in
            let parts = try (0..<call.count).map { try self.display(call.value($0 + 1)) }
            self.printHandler(parts.joined(separator: "\t"))
            return []
        }
        state.push { [unowned self] _ in [.int(self.clock.now().seconds)] }
        guard crescent_pcall(L, 3, 1) == LUA_OK else {
            preconditionFailure("sandbox prelude failed: \(state.stack.rawString(at: -1))")
        }
        policyRef = luaL_ref(L, crescent_registryindex())
    }

    private func display(_ value: LuaValue) -> String {
        if case .string(let s) = value { return s }
        return value.description
    }

    deinit { luaL_unref(state.L, crescent_registryindex(), policyRef) }

    // MARK: - Globals

    /// Installs a global every run sees, read-only (tables are frozen deeply).
    /// `push` must leave exactly one value on the stack.
    public func setGlobal(_ name: String, push: (LuaState) -> Void) {
        let L = state.L
        pushPolicyField("set_global")
        state.push(name)
        push(state)
        guard crescent_pcall(L, 2, 0) == LUA_OK else {
            preconditionFailure("set_global(\(name)) failed: \(state.stack.rawString(at: -1))")
        }
    }

    /// Installs plain data as a read-only global; data too deep or too large installs nothing.
    public func setGlobal(_ name: String, _ value: LuaValue) throws(LuaPushError) {
        let base = state.top
        defer { state.setTop(base) }
        try state.push(value)
        setGlobal(name) { lua_pushvalue($0.L, base + 1) }
    }

    func pushPolicyField(_ field: String) {
        lua_rawgeti(state.L, crescent_registryindex(), lua_Integer(policyRef))
        _ = lua_getfield(state.L, -1, field)
        lua_rotate(state.L, -2, 1)
        state.pop()
    }

    // MARK: - Running

    /// Compiles and runs a text chunk in a fresh environment and returns its results.
    public func run(source: String, chunkName: String) throws(ScriptError) -> [LuaValue] {
        let base = state.top
        defer { state.setTop(base); collectIfLarge() }
        try load(source: source, chunkName: chunkName)
        pushFreshEnvironment()
        lua_setupvalue(state.L, -2, 1) // the chunk's _ENV
        try call(nargs: 0, nresults: LUA_MULTRET, chunkName: chunkName)
        return try results(from: base + 1, chunkName: chunkName)
    }

    /// Compiles a chunk and leaves it on the stack; binary chunks are refused.
    public func load(source: String, chunkName: String) throws(ScriptError) {
        if !knownChunks.contains(chunkName) { knownChunks.append(chunkName) }
        var source = source
        let status = source.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(state.L, $0.baseAddress, $0.count, "@" + chunkName, "t") }
        }
        guard status == LUA_OK else {
            let raw = state.stack.rawString(at: -1)
            state.pop()
            let kind: ScriptError.Kind = raw.contains("attempt to load a binary chunk") ? .forbidden
                : status == LUA_ERRMEM ? .memory : .syntax
            throw error(kind: kind, raw: raw, chunkName: chunkName, recordedLine: nil)
        }
    }

    /// Pushes a new environment: empty globals over the frozen base, `math.random` reseeded.
    public func pushFreshEnvironment() {
        pushPolicyField("new_env")
        lua_pushinteger(state.L, seed)
        guard crescent_pcall(state.L, 1, 1) == LUA_OK else {
            preconditionFailure("new_env failed: \(state.stack.rawString(at: -1))")
        }
    }

    /// Calls the function below `nargs` arguments under `lua_pcall` with the run's limits armed.
    public func call(nargs: Int32, nresults: Int32, chunkName: String) throws(ScriptError) {
        crescent_arm(state.L, state.limits, limits.instructions, limits.seconds)
        let status = crescent_pcall(state.L, nargs, nresults)
        let trip = Int(state.limits.pointee.trip)
        let line = Int(state.limits.pointee.error_line)
        crescent_limits_disarm(state.limits)
        guard status != LUA_OK else { return }
        let raw = status == LUA_ERRMEM ? "not enough memory" : state.stack.rawString(at: -1)
        state.pop()
        throw error(kind: classify(status: status, trip: trip, message: raw), raw: raw,
                    chunkName: chunkName, recordedLine: line > 0 ? line : nil)
    }

    private func classify(status: Int32, trip: Int, message: String) -> ScriptError.Kind {
        if status == LUA_ERRMEM { return .memory }
        switch UInt32(trip) {
        case CRESCENT_TRIP_BUDGET.rawValue: return .budget
        case CRESCENT_TRIP_DEADLINE.rawValue: return .deadline
        case CRESCENT_TRIP_MEMORY.rawValue where message.contains("not enough memory"): return .memory
        case CRESCENT_TRIP_FORBIDDEN.rawValue where message.contains("forbidden: "): return .forbidden
        default:
            if message.contains("not enough memory") { return .memory }
            return message.contains("forbidden: ") ? .forbidden : .runtime
        }
    }

    func results(from first: Int32, chunkName: String) throws(ScriptError) -> [LuaValue] {
        var values: [LuaValue] = []
        let last = state.top
        guard first <= last else { return values }
        for i in first...last {
            do { values.append(try state.value(at: i, path: last > first ? "result #\(i - first + 1)" : "result")) }
            catch { throw ScriptError(kind: .result, file: chunkName, message: "the script's \(error)", memberId: currentMemberId) }
        }
        return values
    }

    private func collectIfLarge() {
        if limits.memoryBytes > 0, state.memoryUsed > limits.memoryBytes / 4 { state.collectGarbage() }
    }

    /// Chunks the host loads itself (`=name`), whose positions are never reported.
    static let internalChunks: Set<String> = ["sandbox-prelude", "crm-prelude"]

    /// Builds a ScriptError from a raw Lua message `chunk:line: text`, keeping the position
    /// when the message carries one and falling back to the innermost Lua frame otherwise.
    func error(kind: ScriptError.Kind, raw: String, chunkName: String, recordedLine: Int?) -> ScriptError {
        var file = chunkName, line = recordedLine, message = raw
        let parsed = ErrorPosition.parse(raw, knownChunks: knownChunks)
        if let parsed, knownChunks.contains(parsed.file) {
            file = parsed.file; line = parsed.line; message = parsed.message
        } else {
            // A position inside the host's preludes means nothing to the marketer: blame the
            // innermost script frame recorded by the message handler instead. Any other text
            // that merely looks like a position ("127.0.0.1:25: refused") is kept whole.
            if let parsed, Self.internalChunks.contains(parsed.file) { message = parsed.message }
            if let source = recordedSource, !source.isEmpty { file = source }
        }
        return ScriptError(kind: kind, file: file, line: line, message: message, memberId: currentMemberId)
    }

    private var recordedSource: String? {
        withUnsafeBytes(of: state.limits.pointee.error_source) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
    }
}
