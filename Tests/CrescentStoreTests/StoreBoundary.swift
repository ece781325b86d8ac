import Foundation

/// Finds what only a store target may hold: an import of a database driver, or SQL in a
/// string literal. Comments are skipped (they may name a query); string literals, including
/// multi-line and raw ones, are read with their first line.
struct StoreBoundary {
    /// Targets allowed to import a driver and write SQL.
    static let storeTargets: Set<String> = ["CrescentStore", "CrescentPostgres"]
    static let drivers = ["GRDB", "PostgresNIO", "PostgresKit", "SQLite3", "CSQLite"]

    /// A statement keyword sequence, upper case as every query here is written.
    static let sql = try! NSRegularExpression(pattern: [
        #"\bSELECT\b[\s\S]*\bFROM\b"#, #"\bINSERT\s+(OR\s+\w+\s+)?INTO\b"#, #"\bUPDATE\s+\w+\s+SET\b"#,
        #"\bDELETE\s+FROM\b"#, #"\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|UNIQUE\s+INDEX)\b"#, #"\bPRAGMA\s+\w+"#,
        #"\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|TRANSACTION)\b"#, #"\bON\s+CONFLICT\b"#,
    ].joined(separator: "|"))

    struct Finding: Equatable, CustomStringConvertible {
        var file: String
        var line: Int
        var what: String
        var description: String { "\(file):\(line): \(what)" }
    }

    /// Every finding in the `.swift` files under `sources`, except in the `exempt` targets' folders.
    static func scan(sources: String, exempt: Set<String> = storeTargets) throws -> [Finding] {
        let files = FileManager.default.enumerator(atPath: sources)?.compactMap { $0 as? String } ?? []
        return try files.filter { $0.hasSuffix(".swift") && !exempt.contains(String($0.split(separator: "/")[0])) }
            .sorted()
            .flatMap { path in
                try findings(in: String(contentsOfFile: sources + "/" + path, encoding: .utf8), file: "Sources/" + path)
            }
    }

    /// The driver imports and SQL literals of one source file.
    static func findings(in source: String, file: String) -> [Finding] {
        var out: [Finding] = []
        for (n, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.trimmingCharacters(in: .whitespaces)
            for driver in drivers where code.range(of: #"^(@\w+\s+)*import\s+(\w+\s+)?\#(driver)\b"#, options: .regularExpression) != nil {
                out.append(Finding(file: file, line: n + 1, what: "imports \(driver)"))
            }
        }
        for literal in stringLiterals(in: source) {
            let range = NSRange(literal.text.startIndex..., in: literal.text)
            if let match = sql.firstMatch(in: literal.text, range: range), let r = Range(match.range, in: literal.text) {
                out.append(Finding(file: file, line: literal.line, what: "SQL in a string literal: \(literal.text[r].prefix(40))"))
            }
        }
        return out
    }

    /// String literals with the line each starts on: `"…"`, `"""…"""`, and raw `#"…"#` forms.
    /// Interpolations stay inside the text (they cannot hide a keyword sequence from the scan).
    static func stringLiterals(in source: String) -> [(line: Int, text: String)] {
        let s = Array(source.unicodeScalars)
        var out: [(Int, String)] = []
        var i = 0, line = 1
        func at(_ k: Int, _ text: String) -> Bool {
            let t = Array(text.unicodeScalars)
            return k + t.count <= s.count && Array(s[k..<k + t.count]) == t
        }
        while i < s.count {
            if s[i] == "\n" { line += 1; i += 1; continue }
            if at(i, "//") {                       // a line comment
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if at(i, "/*") {                       // a block comment
                i += 2
                while i < s.count, !at(i, "*/") { if s[i] == "\n" { line += 1 }; i += 1 }
                i += 2
                continue
            }
            var hashes = 0
            while i + hashes < s.count, s[i + hashes] == "#" { hashes += 1 }
            guard i + hashes < s.count, s[i + hashes] == "\"" else { i += max(1, hashes); continue }
            let multi = at(i + hashes, "\"\"\"")
            let close = (multi ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let start = line
            var k = i + hashes + (multi ? 3 : 1), text = ""
            while k < s.count, !at(k, close) {
                if s[k] == "\\" && hashes == 0 && k + 1 < s.count { text.unicodeScalars.append(s[k + 1]); k += 2; continue }
                if s[k] == "\n" { line += 1; if !multi { break } }
                text.unicodeScalars.append(s[k]); k += 1
            }
            out.append((start, text))
            i = k + close.unicodeScalars.count
        }
        return out
    }
}
