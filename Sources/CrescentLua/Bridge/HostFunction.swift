import CLuaShim

/// A Swift function callable from Lua. It receives its arguments as plain values and
/// returns results; a thrown error becomes a Lua error raised by the C trampoline.
public typealias HostFunction = (_ args: HostCall) throws -> [LuaValue]

/// The arguments of one call from Lua, read lazily.
public struct HostCall {
    let stack: LuaStack
    public let count: Int

    /// Argument `i` (1-based) as plain data; a function or userdata argument is an error.
    public func value(_ i: Int) throws -> LuaValue {
        guard i <= count else { return .null }
        do { return try stack.value(at: Int32(i), path: "argument #\(i)") }
        catch { throw HostError(error.description) }
    }

    public func string(_ i: Int, _ name: String) throws -> String {
        guard let s = try value(i).stringValue else { throw HostError("\(name) must be a string") }
        return s
    }

    public func table(_ i: Int, _ name: String) throws -> [String: LuaValue] {
        guard let t = try value(i).tableValue else { throw HostError("\(name) must be a table") }
        return t
    }

    /// The line of the Lua code that made this call (the frame above the host function),
    /// so a declaration can say where it was written; nil when the caller is not Lua.
    public var callerLine: Int? {
        var ar = lua_Debug()
        guard lua_getstack(stack.L, 1, &ar) != 0, lua_getinfo(stack.L, "l", &ar) != 0, ar.currentline > 0 else { return nil }
        return Int(ar.currentline)
    }
}

/// An error a host function reports to the script. Its message is what the marketer sees.
public struct HostError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

final class HostFunctionBox {
    let function: HostFunction
    init(_ function: @escaping HostFunction) { self.function = function }
}

/// The single C entry point for every Swift function. It never raises: on error it pushes
/// the message and returns -1, and the trampoline calls `lua_error` after we return.
let hostDispatch: crescent_swift_fn = { L, context in
    guard let L, let context else { return -1 }
    let box = Unmanaged<HostFunctionBox>.fromOpaque(context).takeUnretainedValue()
    let stack = LuaStack(L)
    let count = Int(lua_gettop(L))
    do {
        let results = try box.function(HostCall(stack: stack, count: count))
        guard lua_checkstack(L, Int32(results.count) + 4) != 0 else {
            stack.push("too many results from a host function")
            return -1
        }
        let base = lua_gettop(L)
        for (i, r) in results.enumerated() {
            do { try stack.push(r) } catch {
                lua_settop(L, base)
                stack.push("the host function's result #\(i + 1): \(error)")
                return -1
            }
        }
        return Int32(results.count)
    } catch let error as HostError {
        stack.push(error.message)
        return -1
    } catch {
        stack.push(String(describing: error))
        return -1
    }
}
