import CrescentCore

/// A plain value crossing the Swift–Lua boundary.
///
/// Only data crosses: functions, userdata, threads and cyclic tables are refused when
/// read from Lua, so nothing the host holds can call back into a state later.
public enum LuaValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([LuaValue])
    case table([String: LuaValue])

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var intValue: Int64? {
        switch self {
        case .int(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e18: Int64(d)
        default: nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
    public var arrayValue: [LuaValue]? {
        switch self {
        case .array(let a): a
        case .table(let t) where t.isEmpty: []
        default: nil
        }
    }
    public var tableValue: [String: LuaValue]? {
        switch self {
        case .table(let t): t
        case .array(let a) where a.isEmpty: [:]
        default: nil
        }
    }
    public subscript(key: String) -> LuaValue? { tableValue?[key] }

    /// The Lua type name, for error messages that speak the marketer's language.
    public var typeName: String {
        switch self {
        case .null: "nil"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array, .table: "table"
        }
    }
}

extension LuaValue: CustomStringConvertible {
    /// JSON text with sorted keys: stable, so printed results can be compared byte for byte.
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN || d.isInfinite { out += "null" }
            else if d.rounded() == d && abs(d) < 1e15 { out += String(Int64(d)) + ".0" }
            else { out += String(d) }
        case .string(let s): out += jsonQuoted(s)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; v.write(to: &out) }
            out += "]"
        case .table(let t):
            out += "{"
            for (i, k) in t.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += jsonQuoted(k) + ":"
                t[k]!.write(to: &out)
            }
            out += "}"
        }
    }
}
