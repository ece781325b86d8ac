import CLuaShim

extension LuaState {
    /// Pushes a table of Swift functions (a host library such as `http` or `json`) and plain
    /// values. Stack after: ..., table.
    public func pushLibrary(functions: [String: HostFunction], values: [String: LuaValue] = [:]) {
        lua_createtable(L, 0, Int32(clamping: functions.count + values.count))
        for (name, function) in functions.sorted(by: { $0.key < $1.key }) {
            push(function: function)
            // Stack now: ..., table, function
            lua_setfield(L, -2, name)
        }
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            push(value)
            lua_setfield(L, -2, name)
        }
    }
}
