import CLuaShim

/// A script whose top level has run and whose environment stays alive, so the functions
/// it defined (a plugin's `send`, a segment's `where`) can be called later.
public struct LoadedProgram: Sendable {
    public let chunkName: String
    /// Registry reference to the program's environment table.
    let environmentRef: Int32
}

extension Sandbox {
    /// Runs a script's top level in a fresh environment and keeps that environment.
    ///
    /// For example:
    /// ```swift
    /// let plugin = try sandbox.load(program: "function send(m) return m.to end", chunkName: "plugin.lua")
    /// try sandbox.call("send", in: plugin, args: [.table(["to": .string("+86…")])])
    /// ```
    public func load(program source: String, chunkName: String) throws(ScriptError) -> LoadedProgram {
        let base = state.top
        defer { state.setTop(base) }
        try load(source: source, chunkName: chunkName)
        pushFreshEnvironment()
        lua_pushvalue(state.L, -1)
        let ref = luaL_ref(state.L, crescent_registryindex())
        lua_setupvalue(state.L, -2, 1)
        do {
            try call(nargs: 0, nresults: 0, chunkName: chunkName)
        } catch {
            luaL_unref(state.L, crescent_registryindex(), ref)
            throw error
        }
        return LoadedProgram(chunkName: chunkName, environmentRef: ref)
    }

    /// Calls the global function `name` of a loaded program with plain arguments, under the
    /// run limits, and returns its results as plain values.
    public func call(_ name: String, in program: LoadedProgram, args: [LuaValue]) throws(ScriptError) -> [LuaValue] {
        let base = state.top
        defer { state.setTop(base) }
        pushEnvironment(of: program)
        _ = lua_getfield(state.L, -1, name)
        guard lua_type(state.L, -1) == LUA_TFUNCTION else {
            throw ScriptError(kind: .validation, file: program.chunkName,
                              message: "`\(name)` is not defined as a function", memberId: currentMemberId)
        }
        for (i, arg) in args.enumerated() {
            do { try state.push(arg) } catch {
                throw ScriptError(kind: .runtime, file: program.chunkName,
                                  message: "argument #\(i + 1) of `\(name)`: \(error)", memberId: currentMemberId)
            }
        }
        try call(nargs: Int32(args.count), nresults: LUA_MULTRET, chunkName: program.chunkName)
        return try results(from: base + 2, chunkName: program.chunkName)
    }

    /// Pushes the environment table of a loaded program.
    public func pushEnvironment(of program: LoadedProgram) {
        lua_rawgeti(state.L, crescent_registryindex(), lua_Integer(program.environmentRef))
    }

    /// Lets the program's environment be collected.
    public func unload(_ program: LoadedProgram) {
        luaL_unref(state.L, crescent_registryindex(), program.environmentRef)
    }
}

extension Sandbox {
    /// Pushes the policy's `set_global`, for API preludes that publish read-only globals.
    public func pushSetGlobal() { pushPolicyField("set_global") }
}
