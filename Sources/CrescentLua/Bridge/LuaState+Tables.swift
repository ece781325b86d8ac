import CLuaShim

extension LuaState {
    /// Pushes a table of Swift functions (a host library such as `http` or `json`).
    /// Stack after: ..., table.
    public func pushLibrary(functions: [String: HostFunction]) {
        lua_createtable(L, 0, Int32(clamping: functions.count))
        for (name, function) in functions.sorted(by: { $0.key < $1.key }) {
            push(function: function)
            // Stack now: ..., table, function
            lua_setfield(L, -2, name)
        }
    }
}
