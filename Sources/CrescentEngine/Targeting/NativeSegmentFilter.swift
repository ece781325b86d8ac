import CrescentCore
import CrescentLua

/// A segment's declarative conditions compiled once into tests over `SegmentColumns`, run 64
/// members at a time into a bitset; only `where` is left to Lua, over the members they keep.
///
/// The tests mirror the prelude's `compile_tests` exactly, in its order (lifecycle, tier, city,
/// gender, the numeric fields, rfm, tags, consent): a plain number means `==`, `{lo, hi}` an
/// inclusive range, `">= 4"` a comparison; an absent value fails `==` and comparisons, and a
/// range over it is the error Lua raises ("attempt to compare nil with number"), for the first
/// member still in the running. A condition written any other way compiles to nil, and the
/// whole segment runs in Lua as before.
///
/// For example:
/// ```swift
/// let filter = NativeSegmentFilter(conditions: ["tier": .array([.string("gold")]), "recency_days": .string("<= 90")])!
/// let members = try filter.evaluate(columns, segment: "gold_recent", file: "s.lua", line: 3)
/// ```
public struct NativeSegmentFilter: Sendable {
    enum Comparison: Sendable {
        case equals(Double)
        case range(Double, Double)
        case less(Double), lessOrEqual(Double), greater(Double), greaterOrEqual(Double), equal(Double), notEqual(Double)
    }
    enum Test: Sendable {
        case oneOf(SegmentColumns.TextField, [LuaValue])
        case compare(SegmentColumns.NumberField, Comparison, label: String)
        case allTags([LuaValue])
        case anyConsent([LuaValue])
    }

    let tests: [Test]
    /// The segment has a `where` function, which Lua runs over the members `evaluate` keeps.
    public let hasWhere: Bool

    /// Declarative tests per condition, in `compile_tests` order; nil when one is written in a
    /// way only Lua decides (e.g. a range of strings), or when there are none (only `where`).
    public init?(conditions spec: [String: LuaValue]) {
        var tests: [Test] = []
        for field in SegmentColumns.TextField.allCases {
            guard let v = spec[field.rawValue] else { continue }
            guard let values = Self.oneOf(v) else { return nil }
            tests.append(.oneOf(field, values))
        }
        let numeric: [SegmentColumns.NumberField] = [.orders, .totalSpend, .aov, .recencyDays, .daysSinceJoin, .points, .age]
        for field in numeric {
            guard let v = spec[field.rawValue] else { continue }
            guard let c = Self.comparison(v) else { return nil }
            tests.append(.compare(field, c, label: field.rawValue))
        }
        switch spec["rfm"] {
        case nil, .array?: break   // an array has no r, f or m: no tests, as in Lua
        case .table(let rfm)?:
            for (key, field) in [("r", SegmentColumns.NumberField.r), ("f", .f), ("m", .m)] {
                guard let v = rfm[key] else { continue }
                guard let c = Self.comparison(v) else { return nil }
                tests.append(.compare(field, c, label: "rfm." + key))
            }
        default: return nil
        }
        if let v = spec["tags"] {
            switch v {
            case .array(let wanted): tests.append(.allTags(wanted))
            case .table: return nil
            default: tests.append(.allTags([v]))
            }
        }
        if let v = spec["consent"] {
            guard let values = Self.oneOf(v) else { return nil }
            tests.append(.anyConsent(values))
        }
        let known = Set(SegmentColumns.TextField.allCases.map(\.rawValue) + numeric.map(\.rawValue)
                        + ["rfm", "tags", "consent", "where", "description"])
        guard spec.keys.allSatisfy(known.contains) else { return nil }
        // Lua runs `where` only when it is a function (the host sees `{"$function": true}`).
        if case .table(let t)? = spec["where"], t["$function"] == .bool(true) { hasWhere = true } else { hasWhere = false }
        // Only a `where`: nothing to filter natively, Lua runs it over everyone as before.
        guard !tests.isEmpty else { return nil }
        self.tests = tests
    }

    /// `one_of`: a list's items, or the single value.
    private static func oneOf(_ v: LuaValue) -> [LuaValue]? {
        switch v {
        case .array(let items): items
        case .table: nil
        default: [v]
        }
    }

    /// `comparison` of the prelude, or nil where Lua would raise or compare non-numbers.
    static func comparison(_ v: LuaValue) -> Comparison? {
        switch v {
        case .int, .double: return .equals(v.doubleValue!)
        case .array(let pair) where pair.count == 2:
            guard let lo = pair[0].doubleValue, let hi = pair[1].doubleValue else { return nil }
            return .range(lo, hi)
        case .string(let text): return parse(text)
        default: return nil
        }
    }

    /// `^%s*([<>=~]=?)%s*(-?[%d%.]+)%s*$` followed by `tonumber`.
    static func parse(_ text: String) -> Comparison? {
        let bytes = Array(text.utf8)
        var i = 0
        func spaces() { while i < bytes.count, [9, 10, 11, 12, 13, 32].contains(bytes[i]) { i += 1 } }
        spaces()
        guard i < bytes.count, "<>=~".utf8.contains(bytes[i]) else { return nil }
        var op = String(UnicodeScalar(bytes[i])); i += 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "=") { op += "="; i += 1 }
        spaces()
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while i < bytes.count, bytes[i] == UInt8(ascii: ".") || (48...57).contains(bytes[i]) { i += 1 }
        guard i > digits else { return nil }
        let number = String(decoding: bytes[start..<i], as: UTF8.self)
        spaces()
        guard i == bytes.count, number.utf8.filter({ $0 == UInt8(ascii: ".") }).count <= 1,
              number.last != "." || number.count > 1, let n = Double(number) else { return nil }
        switch op {
        case "<": return .less(n)
        case "<=": return .lessOrEqual(n)
        case ">": return .greater(n)
        case ">=": return .greaterOrEqual(n)
        case "==": return .equal(n)
        case "~=": return .notEqual(n)
        default: return nil
        }
    }

    /// Members meeting every declarative condition, decided on `cores` cores from a million
    /// members on (the same members on any number).
    /// - throws: `ScriptError` naming the member when a range meets an absent value, as Lua would.
    public func evaluate(_ columns: SegmentColumns, segment: String, file: String, line: Int?,
                         cores: Int = Bitset.cores) throws(ScriptError) -> Bitset {
        var set = Bitset.full(columns.count)
        for test in tests {
            switch test {
            case .oneOf(let field, let values):
                let (codes, names) = columns.text[field]!
                let wanted = Self.lookup(values, in: names)
                codes.withUnsafeBufferPointer { c in wanted.withUnsafeBufferPointer { w in
                    set.refine(cores: cores) { i in let k = c[i]; return k >= 0 && w[Int(k)] }
                } }
            case .compare(let field, let comparison, let label):
                let column = columns.numbers(field)
                if case .range(let lo, let hi) = comparison {
                    if let i = column.withUnsafeBufferPointer({ v in set.first { v[$0].isNaN } }) {
                        throw ScriptError(kind: .runtime, file: file, line: line, message:
                            "segment \"\(segment)\": \(label) in {\(Self.shown(lo)), \(Self.shown(hi))}: attempt to compare nil with number (the member has no \(label))",
                            memberId: columns.memberId[i])
                    }
                    column.withUnsafeBufferPointer { v in set.refine(cores: cores) { i in v[i] >= lo && v[i] <= hi } }
                } else {
                    column.withUnsafeBufferPointer { v in set.refine(cores: cores) { i in comparison.holds(v[i]) } }
                }
            case .allTags(let values):
                // A wanted tag nobody has (or a non-string) leaves nobody; none wanted keeps everyone.
                var wanted: [Int32] = []
                for v in values {
                    guard let s = v.stringValue, let code = columns.tags.existingCode(s) else { set = Bitset(capacity: columns.count); break }
                    wanted.append(code)
                }
                guard !wanted.isEmpty else { continue }
                columns.tagStart.withUnsafeBufferPointer { start in columns.tagCodes.withUnsafeBufferPointer { tags in
                    set.refine(cores: cores) { i in
                        let have = tags[Int(start[i])..<Int(start[i + 1])]
                        return wanted.allSatisfy(have.contains)
                    }
                } }
            case .anyConsent(let values):
                var mask: UInt64 = 0
                for v in values { if let s = v.stringValue, let code = columns.channels.existingCode(s) { mask |= 1 << UInt64(code) } }
                columns.consent.withUnsafeBufferPointer { c in set.refine(cores: cores) { i in c[i] & mask != 0 } }
            }
        }
        return set
    }

    /// `lookup[code]`: whether the field's text with that code is one of `values`.
    private static func lookup(_ values: [LuaValue], in names: StringCodes) -> [Bool] {
        var out = [Bool](repeating: false, count: names.count)
        for v in values { if let s = v.stringValue, let code = names.existingCode(s) { out[Int(code)] = true } }
        return out
    }

    private static func shown(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

extension NativeSegmentFilter.Comparison {
    /// Whether `v` passes; an absent value (NaN) fails every comparison, as nil does in Lua.
    @inline(__always)
    func holds(_ v: Double) -> Bool {
        guard !v.isNaN else { return false }
        switch self {
        case .equals(let x), .equal(let x): return v == x
        case .range(let lo, let hi): return v >= lo && v <= hi
        case .less(let x): return v < x
        case .lessOrEqual(let x): return v <= x
        case .greater(let x): return v > x
        case .greaterOrEqual(let x): return v >= x
        case .notEqual(let x): return v != x
        }
    }
}
