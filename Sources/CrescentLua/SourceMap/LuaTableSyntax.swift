/// A table constructor as written: each field with the position of its key, and its value
/// when it is a literal (a string, number, boolean or a table of literals).
struct LuaTableSyntax {
    enum Key: Equatable {
        case name(String)
        /// A positional item (`{ "a", "b" }`) or a literal index key (`[2] = …`).
        case index(Int)
        /// `[expression] = …`: unknown until the script runs.
        case computed
    }

    indirect enum Value {
        case literal(LuaValue)
        case table(LuaTableSyntax)
        /// Anything else (a call, a function, an operator): known only when it runs.
        case expression
    }

    struct Field {
        var key: Key
        /// The key, or the value's first token for a positional item.
        var position: SourcePosition
        var value: Value
        /// The value as written, token by token (layout and comments dropped), so two
        /// versions of a script compare by meaning: `{ m = ">= 4" }`.
        var source: String = ""
    }

    /// The opening brace.
    var position: SourcePosition
    var fields: [Field]

    func field(_ key: Key) -> Field? { fields.last { $0.key == key } }

    /// The table as the host would read it, or nil when any part is known only at run time.
    /// Fields set to nil are absent, as in Lua.
    var literalValue: LuaValue? {
        var named: [String: LuaValue] = [:], indexed: [Int: LuaValue] = [:]
        for f in fields {
            guard let v = f.value.literalValue else { return nil }
            switch f.key {
            case .name(let k): named[k] = v == .null ? nil : v
            case .index(let n): indexed[n] = v == .null ? nil : v
            case .computed: return nil
            }
        }
        if named.isEmpty, indexed.keys.allSatisfy({ $0 >= 1 && $0 <= indexed.count }) {
            return .array((0..<indexed.count).map { indexed[$0 + 1]! })
        }
        for (k, v) in indexed { named[String(k)] = v }
        return .table(named)
    }
}

extension LuaTableSyntax.Value {
    var literalValue: LuaValue? {
        switch self {
        case .literal(let v): v
        case .table(let t): t.literalValue
        case .expression: nil
        }
    }

    var table: LuaTableSyntax? { if case .table(let t) = self { t } else { nil } }
}

/// Reads table constructors out of a token list.
struct LuaTableReader {
    let tokens: [LuaToken]

    private static let blockOpeners: Set<String> = ["function", "if", "do", "repeat"]
    private static let blockClosers: Set<String> = ["end", "until"]

    /// The constructor whose `{` is at `start`, and the index after its `}`.
    func table(at start: Int) -> (LuaTableSyntax, next: Int) {
        var table = LuaTableSyntax(position: tokens[start].position, fields: [])
        var i = start + 1, nextIndex = 1
        while i < tokens.count, !tokens[i].isSymbol("}") {
            let t = tokens[i]
            var key = LuaTableSyntax.Key.index(nextIndex)
            if t.isSymbol("[") {
                // `["until"] = …`, `[3] = …` or a computed key.
                let close = skipExpression(from: i + 1, until: ["]"])
                if close == i + 2, tokens[i + 1].kind == .string { key = .name(tokens[i + 1].text) }
                else if close == i + 2, tokens[i + 1].kind == .number, let n = Int(tokens[i + 1].text) { key = .index(n) }
                else { key = .computed }
                i = min(close + 2, tokens.count)   // past `]` and `=`
            } else if t.kind == .name, i + 1 < tokens.count, tokens[i + 1].isSymbol("=") {
                key = .name(t.text)
                i += 2
            } else {
                nextIndex += 1
            }
            guard i < tokens.count else { break }
            let (value, after) = self.value(at: i)
            table.fields.append(.init(key: key, position: t.position, value: value, source: Self.text(tokens[i..<after])))
            i = after
            if i < tokens.count, tokens[i].isSymbol(",") || tokens[i].isSymbol(";") { i += 1 }
        }
        return (table, min(i + 1, tokens.count))
    }

    /// Tokens as one line: single spaces, none before `,` `;` `)` `]` `.` `:` (nor before a
    /// call's `(`) or after `(` `[` `.` `:`, strings quoted as Lua would print them.
    static func text(_ tokens: ArraySlice<LuaToken>) -> String {
        var out = "", previous: LuaToken?
        for t in tokens {
            let glued = t.kind == .symbol && [",", ";", ")", "]", ".", ":"].contains(t.text)
                || previous.map { $0.kind == .symbol && ["(", "[", ".", ":"].contains($0.text) } ?? true
                || t.isSymbol("(") && previous.map { $0.kind == .name || $0.isKeyword("function") } == true   // a call, `function(m)`
            if !glued { out += " " }
            if t.kind == .string {
                out += "\"" + t.text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n") + "\""
            } else {
                out += t.text
            }
            previous = t
        }
        return out
    }

    /// One field value: a literal, a nested constructor, or an expression skipped to the
    /// field's end (`,`, `;` or the closing `}`).
    private func value(at i: Int) -> (LuaTableSyntax.Value, next: Int) {
        let end = skipExpression(from: i, until: [",", ";", "}"])
        let t = tokens[i]
        if t.isSymbol("{") {
            let (inner, after) = table(at: i)
            if after == end { return (.table(inner), end) }
        } else if end == i + 1, let literal = literal(t) {
            return (.literal(literal), end)
        } else if end == i + 2, t.isSymbol("-"), tokens[i + 1].kind == .number, let n = literal(tokens[i + 1]) {
            switch n {
            case .int(let v): return (.literal(.int(-v)), end)
            case .double(let v): return (.literal(.double(-v)), end)
            default: break
            }
        }
        return (.expression, end)
    }

    private func literal(_ t: LuaToken) -> LuaValue? {
        switch t.kind {
        case .string: return .string(t.text)
        case .number: return Self.number(t.text)
        case .keyword where t.text == "true": return .bool(true)
        case .keyword where t.text == "false": return .bool(false)
        case .keyword where t.text == "nil": return .null
        default: return nil
        }
    }

    /// A Lua numeral as the host reads it: an integer when written as one, else a float.
    static func number(_ text: String) -> LuaValue? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            if let v = UInt64(digits, radix: 16) { return .int(Int64(bitPattern: v)) }
            return nil
        }
        if let v = Int64(text) { return .int(v) }
        return Double(text).map { .double($0) }
    }

    /// The index of the first of `stops` at nesting depth zero from `from` (brackets and
    /// `function … end`-style blocks both nest), or the end of the tokens.
    func skipExpression(from: Int, until stops: Set<String>) -> Int {
        var depth = 0, i = from
        while i < tokens.count {
            let t = tokens[i]
            if depth == 0, t.kind == .symbol, stops.contains(t.text) { return i }
            if t.kind == .symbol {
                if t.text == "(" || t.text == "[" || t.text == "{" { depth += 1 }
                else if t.text == ")" || t.text == "]" || t.text == "}" {
                    if depth == 0 { return i }   // an unbalanced closer ends the field
                    depth -= 1
                }
            } else if t.kind == .keyword {
                if Self.blockOpeners.contains(t.text) { depth += 1 }
                else if Self.blockClosers.contains(t.text) { depth -= 1 }
            }
            i += 1
        }
        return i
    }
}
