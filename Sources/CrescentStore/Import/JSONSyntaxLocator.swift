import CrescentPersistence
/// Finds the line and column where JSON text stops being valid, and bounds its nesting.
///
/// Why: Foundation's parser on Linux only says "the data is not in the correct format", and
/// a user fixing a 50,000-line export needs the place. Run before the real parse, it also
/// refuses nesting deeper than `maxDepth` (records are at most four levels deep), so a
/// 100,000-deep array never reaches a recursive parser. One pass over the bytes, no allocation
/// per value.
public enum JSONSyntaxLocator {
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        /// 1-based; the column counts characters, not bytes.
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public static let maxDepth = 32

    private enum Expect { case value, valueOrClose, key, keyOrClose, colon, afterValue }

    /// The first problem in `bytes`, or nil when they are one valid JSON value.
    public static func firstProblem(in bytes: [UInt8]) -> Problem? {
        var scanner = Scanner(bytes: bytes)
        return scanner.run()
    }

    private struct Scanner {
        let b: [UInt8]
        var i = 0, line = 1, column = 1
        var stack: [UInt8] = []   // `[` or `{`
        var expect = Expect.value

        init(bytes: [UInt8]) { b = bytes }

        func problem(_ message: String) -> Problem { Problem(line: line, column: column, message: message) }

        /// Moves one byte on, counting lines and characters (UTF-8 continuation bytes add none).
        mutating func advance() {
            if b[i] == 10 { line += 1; column = 1 } else if b[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }

        var shown: String {
            let c = b[i]
            return c >= 32 && c < 127 ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x" + String(c, radix: 16)
        }

        mutating func run() -> Problem? {
            while true {
                while i < b.count, [32, 9, 10, 13].contains(b[i]) { advance() }
                guard i < b.count else {
                    return stack.isEmpty && expect == .afterValue ? nil : problem("unexpected end of the file")
                }
                let c = b[i]
                switch expect {
                case .value, .valueOrClose:
                    if c == UInt8(ascii: "]") && expect == .valueOrClose { advance(); stack.removeLast(); expect = .afterValue; continue }
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                        guard stack.count < maxDepth else { return problem("nested deeper than \(maxDepth) levels") }
                        stack.append(c); advance()
                        expect = c == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                        continue
                    }
                    if let p = scalar() { return p }
                    expect = .afterValue
                case .key, .keyOrClose:
                    if c == UInt8(ascii: "}") && expect == .keyOrClose { advance(); stack.removeLast(); expect = .afterValue; continue }
                    guard c == UInt8(ascii: "\"") else { return problem("expected a field name in double quotes, found \(shown)") }
                    if let p = string() { return p }
                    expect = .colon
                case .colon:
                    guard c == UInt8(ascii: ":") else { return problem("expected ':' after the field name, found \(shown)") }
                    advance(); expect = .value
                case .afterValue:
                    guard let top = stack.last else { return problem("unexpected \(shown) after the end of the JSON value") }
                    let close = top == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                    if c == UInt8(ascii: ",") { advance(); expect = top == UInt8(ascii: "[") ? .value : .key; continue }
                    guard c == close else {
                        return problem("expected ',' or '\(Character(UnicodeScalar(close)))', found \(shown)")
                    }
                    advance(); stack.removeLast()
                }
            }
        }

        /// A string, number, true, false or null starting at `i`.
        mutating func scalar() -> Problem? {
            let c = b[i]
            if c == UInt8(ascii: "\"") { return string() }
            if c == UInt8(ascii: "-") || (48...57).contains(c) { return number() }
            for word in ["true", "false", "null"] where c == word.utf8.first! {
                let start = problem("")
                for expected in word.utf8 {
                    guard i < b.count, b[i] == expected else {
                        return Problem(line: start.line, column: start.column, message: "expected \(word)")
                    }
                    advance()
                }
                return nil
            }
            return problem("expected a value, found \(shown)")
        }

        mutating func string() -> Problem? {
            let start = problem("")
            advance()
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { advance(); return nil }
                if c < 32 { return problem("a control character (byte 0x\(String(c, radix: 16))) inside a string; escape it") }
                if c == UInt8(ascii: "\\") {
                    advance()
                    guard i < b.count else { break }
                    let e = b[i]
                    if e == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            advance()
                            guard i < b.count, isHex(b[i]) else { return problem("\\u needs four hex digits") }
                        }
                    } else if !Array("\"\\/bfnrt".utf8).contains(e) {
                        return problem("\\\(Character(UnicodeScalar(e))) is not a JSON escape")
                    }
                }
                advance()
            }
            return Problem(line: start.line, column: start.column, message: "a string that never ends")
        }

        mutating func number() -> Problem? {
            let start = problem("")
            func digits() -> Int { var n = 0; while i < b.count, (48...57).contains(b[i]) { advance(); n += 1 }; return n }
            if b[i] == UInt8(ascii: "-") { advance() }
            let leadingZero = i < b.count && b[i] == 48
            let whole = digits()
            guard whole > 0, !(leadingZero && whole > 1) else {
                return Problem(line: start.line, column: start.column, message: "not a number")
            }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                advance()
                guard digits() > 0 else { return problem("expected a digit after '.'") }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                advance()
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { advance() }
                guard digits() > 0 else { return problem("expected a digit in the exponent") }
            }
            return nil
        }

        func isHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c) }
    }
}
