import CrescentCore

/// The fields a declaration accepts, so a misspelling gets a suggestion instead of being
/// silently ignored ("unknown field `min_spent`, did you mean `min_spend`?").
public struct FieldSchema: Sendable {
    public enum FieldType: String, Sendable {
        case string, number, integer, boolean, table, function, stringOrList = "string or list of strings"
        case functionOrOffer = "function or offer", stringOrTable = "string or table", any
    }

    public let kind: String
    public let fields: [String: FieldType]
    public let required: [String]
    /// The documented range of numeric fields; a number field without one may hold any
    /// amount (`CheckedNumber.amounts`), an integer field any count (`CheckedNumber.counts`).
    public var ranges: [String: ClosedRange<Double>] = [:]

    /// The range a numeric field's value must lie in.
    public func range(of field: String) -> ClosedRange<Double> {
        ranges[field] ?? (fields[field] == .integer ? CheckedNumber.counts : CheckedNumber.amounts)
    }

    /// Problems in `spec` (field → value), each naming the field.
    /// - parameter runtimeFields: fields present whose values are known only when the script
    ///   runs (a static look at the source): their names are checked, their types are not.
    public func problems(in spec: [String: LuaValue], runtimeFields: Set<String> = []) -> [String] {
        var out: [String] = []
        for name in runtimeFields.sorted() where fields[name] == nil {
            let hint = closest(to: name, in: Array(fields.keys)).map { ", did you mean `\($0)`?" } ?? ""
            out.append("unknown field `\(name)`\(hint)")
        }
        for name in required where spec[name] == nil && !runtimeFields.contains(name) {
            out.append("missing field `\(name)`")
        }
        for (name, value) in spec.sorted(by: { $0.key < $1.key }) {
            guard let type = fields[name] else {
                let hint = closest(to: name, in: Array(fields.keys)).map { ", did you mean `\($0)`?" } ?? ""
                out.append("unknown field `\(name)`\(hint)")
                continue
            }
            if let problem = numberProblem(value, type, range: range(of: name)) {
                out.append("field `\(name)` \(problem)")
            } else if !Self.matches(value, type) {
                out.append("field `\(name)` must be a \(type.rawValue), got \(Self.describe(value))")
            }
        }
        return out
    }

    /// A number that is NaN, infinite, fractional where a whole number is due, or outside
    /// the field's range; nil for anything else (other types are checked by `matches`).
    func numberProblem(_ value: LuaValue, _ type: FieldType, range: ClosedRange<Double>) -> NumberProblem? {
        guard type == .number || type == .integer, let d = value.doubleValue else { return nil }
        do throws(NumberProblem) {
            if type == .integer { _ = try CheckedNumber.integer(d, in: range) }
            else { _ = try CheckedNumber.money(major: d, in: range) }
            return nil
        } catch { return error }
    }

    static func describe(_ value: LuaValue) -> String {
        isFunction(value) ? "a function" : "a \(value.typeName)"
    }

    static func isFunction(_ value: LuaValue) -> Bool { value["$function"] == .bool(true) }

    static func matches(_ value: LuaValue, _ type: FieldType) -> Bool {
        switch type {
        case .any: return true
        case .string: return value.stringValue != nil
        case .number: return value.doubleValue != nil
        case .integer: return value.intValue != nil
        case .boolean: return value.boolValue != nil
        case .function: return isFunction(value)
        case .table: return (value.tableValue != nil || value.arrayValue != nil) && !isFunction(value)
        case .stringOrList:
            return value.stringValue != nil || (value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
        case .functionOrOffer: return isFunction(value) || value["$offer"] != nil
        case .stringOrTable: return value.stringValue != nil || (value.tableValue != nil && !isFunction(value))
        }
    }
}
