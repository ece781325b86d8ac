import CrescentCore

/// One input record, format-neutral: CSV rows and JSON objects both become this, so the
/// rules for what a valid member, order or event is live in one place (`RecordDecoder`).
struct FieldRecord {
    enum Value {
        case text(String)
        case list([String])
        case map([String: String])
        case items([[String: String]])
    }
    var file: String
    var line: Int
    /// `"column"` for CSV, `"field"` for JSON: how errors name a location.
    var label: String
    var fields: [String: Value]

    func fail(_ name: String, _ message: String) -> ImportError {
        ImportError(file: file, line: line, location: "\(label) \"\(name)\"", message: message)
    }

    /// The text of a scalar field, nil when absent or empty.
    func text(_ name: String) throws -> String? {
        switch fields[name] {
        case nil: return nil
        case .text(let s): return s.isEmpty ? nil : s
        default: throw fail(name, "expected a single value")
        }
    }

    func required(_ name: String) throws -> String {
        guard let s = try text(name) else { throw fail(name, "is required") }
        return s
    }

    func int(_ name: String) throws -> Int64? {
        guard let s = try text(name) else { return nil }
        guard let v = Int64(s.trimmedSpaces()) else { throw fail(name, "\"\(s)\" is not an integer") }
        return v
    }

    func day(_ name: String) throws -> Day? {
        guard let s = try text(name) else { return nil }
        guard let d = Day(s) else { throw fail(name, "\"\(s)\" is not a date (YYYY-MM-DD)") }
        return d
    }

    func time(_ name: String) throws -> Timestamp? {
        guard let s = try text(name) else { return nil }
        if let t = Timestamp(s) { return t }
        if let n = Int64(s) { return Timestamp(seconds: n) }
        throw fail(name, "\"\(s)\" is not a time (YYYY-MM-DD[ HH:MM[:SS]])")
    }

    func money(_ name: String) throws -> Money? {
        guard let s = try text(name) else { return nil }
        guard let m = Money(parsing: s) else { throw fail(name, "\"\(s)\" is not an amount") }
        return m
    }

    /// A list: JSON array, or CSV text separated by `;`.
    func list(_ name: String) throws -> [String] {
        switch fields[name] {
        case nil: return []
        case .text(let s): return s.split(separator: ";").map { $0.trimmedSpaces() }.filter { !$0.isEmpty }
        case .list(let l): return l
        default: throw fail(name, "expected a list")
        }
    }

    /// A string map: JSON object, or CSV text `key=value;key=value`.
    func map(_ name: String) throws -> [String: String] {
        switch fields[name] {
        case nil: return [:]
        case .map(let m): return m
        case .text(let s):
            var out: [String: String] = [:]
            for pair in s.split(separator: ";") {
                guard let eq = pair.firstIndex(of: "=") else { throw fail(name, "\"\(pair)\" is not key=value") }
                out[String(pair[..<eq]).trimmedSpaces()] = String(pair[pair.index(after: eq)...])
            }
            return out
        default: throw fail(name, "expected an object")
        }
    }

    /// Order items: JSON array of objects, or CSV text `sku|category|quantity|amount;…`.
    func items(_ name: String) throws -> [OrderItem] {
        var rows: [[String: String]] = []
        switch fields[name] {
        case nil: return []
        case .items(let r): rows = r
        case .text(let s):
            for part in s.split(separator: ";") {
                let f = part.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 4 else { throw fail(name, "\"\(part)\" is not sku|category|quantity|amount") }
                rows.append(["sku": f[0], "category": f[1], "quantity": f[2], "amount": f[3]])
            }
        default: throw fail(name, "expected a list of items")
        }
        return try rows.enumerated().map { n, r in
            guard let q = Int(r["quantity"] ?? "1"), q >= 0 else { throw fail(name, "item \(n + 1): quantity \"\(r["quantity"] ?? "")\" is not an integer") }
            guard let a = Money(parsing: r["amount"] ?? "") else { throw fail(name, "item \(n + 1): \"\(r["amount"] ?? "")\" is not an amount") }
            return OrderItem(sku: r["sku"] ?? "", category: r["category"] ?? "", quantity: q, amount: a)
        }
    }
}

extension StringProtocol {
    func trimmedSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" || s.first == "\r" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
