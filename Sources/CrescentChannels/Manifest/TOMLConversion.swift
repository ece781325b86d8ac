import CrescentLua
import TOMLKit

/// Turns a parsed TOML document into plain `LuaValue` data, so validation works on one shape.
enum TOMLConversion {
    static func value(_ v: TOMLValueConvertible) -> LuaValue {
        switch v.type {
        case .table:
            var out: [String: LuaValue] = [:]
            for (k, child) in v.table! { out[k] = value(child) }
            return .table(out)
        case .array: return .array(v.array!.map { value($0) })
        case .string: return .string(v.string ?? "")
        case .int: return .int(Int64(v.int ?? 0))
        case .double: return .double(v.double ?? 0)
        case .bool: return .bool(v.bool ?? false)
        case .date, .time, .dateTime: return .string(v.debugDescription)
        }
    }

    /// Parses TOML text; a syntax error becomes `line N, column M: message`.
    static func parse(_ text: String) throws(ManifestProblem) -> [String: LuaValue] {
        do {
            let table = try TOMLTable(string: text)
            return value(table).tableValue ?? [:]
        } catch let error as TOMLParseError {
            throw ManifestProblem(key: "line \(error.source.begin.line), column \(error.source.begin.column)",
                                  message: "not valid TOML: \(error.description)")
        } catch {
            throw ManifestProblem(key: "(document)", message: "not valid TOML: \(error)")
        }
    }
}

/// One problem in a manifest, named by its dotted key.
public struct ManifestProblem: Error, Sendable, Equatable {
    public var key: String
    public var message: String
}
