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
    /// The number when it is finite: NaN and infinities (0/0, 1/0 in Lua) read as absent,
    /// so code past validation never computes with them.
    public var finiteValue: Double? { doubleValue.flatMap { $0.isFinite ? $0 : nil } }
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

extension LuaValue {
    /// The deepest nesting the host passes to or reads from Lua. Deeper data is refused:
    /// recursive pushes and reads need stack room and time in proportion to it.
    public static let maxNestingDepth = 64

    /// How many tables deep a value nests (a scalar is 0, `{}` is 1, `[[1]]` is 2) and roughly how many bytes it
    /// takes as Lua objects, measured without recursion so any depth can be measured.
    public var shape: (depth: Int, estimatedBytes: Int) {
        var deepest = 0, bytes = 0
        var pending: [(LuaValue, Int)] = [(self, 0)]
        while let (value, depth) = pending.popLast() {
            switch value {
            case .null, .bool, .int, .double: bytes += 16
            case .string(let s): bytes += 40 + s.utf8.count
            case .array(let a):
                deepest = max(deepest, depth + 1)
                bytes += 64 + 16 * a.count
                for v in a { pending.append((v, depth + 1)) }
            case .table(let t):
                deepest = max(deepest, depth + 1)
                bytes += 64 + 32 * t.count
                for (k, v) in t { bytes += 40 + k.utf8.count; pending.append((v, depth + 1)) }
            }
        }
        return (deepest, bytes)
    }
}

/// Plain data the host cannot hand to Lua; nothing of it was pushed.
public struct LuaPushError: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public var description: String { "the value \(problem)" }
}
