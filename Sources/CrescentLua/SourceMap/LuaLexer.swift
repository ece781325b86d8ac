/// A place in a script: 1-based line and column (in bytes, as Lua counts them).
public struct SourcePosition: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) { self.line = line; self.column = column }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// One token of Lua 5.4 source.
struct LuaToken: Equatable {
    enum Kind: Equatable { case name, keyword, string, number, symbol }
    var kind: Kind
    /// Names, keywords and symbols as written; strings decoded; numbers as written.
    var text: String
    var position: SourcePosition

    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
    func isKeyword(_ s: String) -> Bool { kind == .keyword && text == s }
}

/// Splits Lua source into tokens with their positions, skipping comments.
///
/// Lua's own parser keeps no positions for table fields, so the host reads the source a
/// second time to tell which line a declaration's key sits on. It runs only on scripts that
/// Lua has already compiled, so it never has to report a syntax error: anything it cannot
/// read (an unterminated string, a stray byte) ends the token or is skipped.
struct LuaLexer {
    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]
    /// Longest first, so `...` wins over `..` and `.`.
    static let symbols = ["...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>"]

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0

    private init(_ source: String) { bytes = Array(source.utf8) }

    static func tokens(_ source: String) -> [LuaToken] {
        var lexer = LuaLexer(source)
        return lexer.run()
    }

    private var position: SourcePosition { SourcePosition(line: line, column: i - lineStart + 1) }

    private func peek(_ offset: Int = 0) -> UInt8 {
        i + offset < bytes.count ? bytes[i + offset] : 0
    }

    private mutating func advance() {
        if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
        i += 1
    }

    private mutating func run() -> [LuaToken] {
        var out: [LuaToken] = []
        // A first line starting with `#` (a shebang) is skipped, as Lua does.
        if peek() == UInt8(ascii: "#") { while i < bytes.count, peek() != UInt8(ascii: "\n") { advance() } }
        while i < bytes.count {
            let c = peek()
            let start = position
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
                || c == 0x0B || c == 0x0C {
                advance()
            } else if c == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                skipComment()
            } else if isNameStart(c) {
                let text = readWhile(isNameChar)
                out.append(LuaToken(kind: Self.keywords.contains(text) ? .keyword : .name, text: text, position: start))
            } else if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(peek(1))) {
                out.append(LuaToken(kind: .number, text: readNumber(), position: start))
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                out.append(LuaToken(kind: .string, text: readQuoted(), position: start))
            } else if c == UInt8(ascii: "["), let level = longBracketLevel() {
                out.append(LuaToken(kind: .string, text: readLong(level: level), position: start))
            } else {
                let symbol = Self.symbols.first { matches($0) } ?? String(decoding: [c], as: UTF8.self)
                for _ in 0..<symbol.utf8.count { advance() }
                out.append(LuaToken(kind: .symbol, text: symbol, position: start))
            }
        }
        return out
    }

    private func isNameStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
    }
    private func isNameChar(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) }
    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }

    private func matches(_ s: String) -> Bool {
        for (k, b) in s.utf8.enumerated() where peek(k) != b { return false }
        return true
    }

    private mutating func readWhile(_ accept: (UInt8) -> Bool) -> String {
        let from = i
        while i < bytes.count, accept(peek()) { advance() }
        return String(decoding: bytes[from..<i], as: UTF8.self)
    }

    private mutating func readNumber() -> String {
        let from = i
        let hex = peek() == UInt8(ascii: "0") && (peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X"))
        if hex { advance(); advance() }
        let exponents: [UInt8] = hex ? [UInt8(ascii: "p"), UInt8(ascii: "P")] : [UInt8(ascii: "e"), UInt8(ascii: "E")]
        while i < bytes.count {
            let c = peek()
            if exponents.contains(c), peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") {
                advance(); advance()
            } else if isHexDigit(c) || c == UInt8(ascii: ".") || (hex && isNameChar(c)) || isDigit(c) || exponents.contains(c) {
                advance()
            } else { break }
        }
        return String(decoding: bytes[from..<i], as: UTF8.self)
    }

    /// `[[`, `[=[`, … at the cursor: the number of `=`; nil for a plain `[`.
    private func longBracketLevel() -> Int? {
        var k = 1
        while peek(k) == UInt8(ascii: "=") { k += 1 }
        return peek(k) == UInt8(ascii: "[") ? k - 1 : nil
    }

    private mutating func readLong(level: Int) -> String {
        for _ in 0..<(level + 2) { advance() }
        // A newline right after the opening bracket is not part of the string.
        if peek() == UInt8(ascii: "\r") { advance() }
        if peek() == UInt8(ascii: "\n") { advance() }
        let from = i
        let close = "]" + String(repeating: "=", count: level) + "]"
        while i < bytes.count, !matches(close) { advance() }
        let text = String(decoding: bytes[from..<i], as: UTF8.self)
        for _ in 0..<close.utf8.count where i < bytes.count { advance() }
        return text
    }

    private mutating func skipComment() {
        advance(); advance()
        if peek() == UInt8(ascii: "["), let level = longBracketLevel() {
            _ = readLong(level: level)
            return
        }
        while i < bytes.count, peek() != UInt8(ascii: "\n") { advance() }
    }

    /// A quoted string with its escapes decoded (`\n`, `\x41`, `\65`, `\u{48}`, `\z`, …).
    private mutating func readQuoted() -> String {
        let quote = peek()
        advance()
        var out: [UInt8] = []
        while i < bytes.count, peek() != quote, peek() != UInt8(ascii: "\n") {
            guard peek() == UInt8(ascii: "\\") else { out.append(peek()); advance(); continue }
            advance()
            guard i < bytes.count else { break }
            let e = peek()
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "n"): 10, UInt8(ascii: "t"): 9, UInt8(ascii: "r"): 13, UInt8(ascii: "a"): 7,
                UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "v"): 11, UInt8(ascii: "\\"): 92,
                UInt8(ascii: "\""): 34, UInt8(ascii: "'"): 39, UInt8(ascii: "\n"): 10,
            ]
            if let s = simple[e] { out.append(s); advance() }
            else if e == UInt8(ascii: "z") {
                advance()
                while i < bytes.count, [9, 10, 11, 12, 13, 32].contains(peek()) { advance() }
            } else if e == UInt8(ascii: "x") {
                advance()
                let hex = String(decoding: [peek(), peek(1)], as: UTF8.self)
                if let v = UInt8(hex, radix: 16) { out.append(v); advance(); advance() }
            } else if isDigit(e) {
                var v = 0, n = 0
                while n < 3, isDigit(peek()) { v = v * 10 + Int(peek() - 48); advance(); n += 1 }
                out.append(UInt8(truncatingIfNeeded: v))
            } else if e == UInt8(ascii: "u"), peek(1) == UInt8(ascii: "{") {
                advance(); advance()
                let digits = readWhile(isHexDigit)
                if peek() == UInt8(ascii: "}") { advance() }
                if let v = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(v) {
                    out += Array(String(Character(scalar)).utf8)
                }
            } else { out.append(e); advance() }
        }
        if i < bytes.count, peek() == quote { advance() }
        return String(decoding: out, as: UTF8.self)
    }
}
