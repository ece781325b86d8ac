import CrescentCore
import CrescentPersistence

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
        case .text(let s):
            guard s.utf8.count <= FieldLimits.maxFieldBytes else {
                throw fail(name, "is \(s.utf8.count) bytes long; at most \(FieldLimits.maxFieldBytes)")
            }
            return s.isEmpty ? nil : s
        default: throw fail(name, "expected a single value")
        }
    }

    func required(_ name: String) throws -> String {
        guard let s = try text(name) else { throw fail(name, "is required") }
        return s
    }

    /// An integer within `range` (the field's documented range).
    func int(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let s = try text(name) else { return nil }
        guard let v = Int64(s.trimmedSpaces()) else { throw fail(name, "\(FieldLimits.quoted(s)) is not an integer") }
        guard range.contains(v) else { throw fail(name, "\(v) is outside \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    func day(_ name: String) throws -> Day? {
        guard let s = try text(name) else { return nil }
        guard let d = Day(s) else { throw fail(name, "\(FieldLimits.quoted(s)) is not a date (YYYY-MM-DD)") }
        return d
    }

    /// A time as text, or as whole seconds since 1970 within `Timestamp.validSeconds`.
    func time(_ name: String) throws -> Timestamp? {
        guard let s = try text(name) else { return nil }
        if let t = Timestamp(s) { return t }
        if let n = Int64(s) {
            guard let t = Timestamp(checkedSeconds: n) else {
                throw fail(name, "\(n) seconds is outside 0001-01-01 ... 9999-12-31")
            }
            return t
        }
        throw fail(name, "\(FieldLimits.quoted(s)) is not a time (YYYY-MM-DD[ HH:MM[:SS]])")
    }

    /// An amount of at most 15 whole digits; negative only when `allowNegative`.
    func money(_ name: String, allowNegative: Bool = false) throws -> Money? {
        guard let s = try text(name) else { return nil }
        guard let m = Money(parsing: s) else { throw fail(name, "\(FieldLimits.quoted(s)) is not an amount") }
        guard allowNegative || m >= .zero else { throw fail(name, "\(m) is negative") }
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
                guard let eq = pair.firstIndex(of: "=") else { throw fail(name, "\(FieldLimits.quoted(pair)) is not key=value") }
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
                guard f.count == 4 else { throw fail(name, "\(FieldLimits.quoted(part)) is not sku|category|quantity|amount") }
                rows.append(["sku": f[0], "category": f[1], "quantity": f[2], "amount": f[3]])
            }
        default: throw fail(name, "expected a list of items")
        }
        guard rows.count <= FieldLimits.maxItems else {
            throw fail(name, "\(rows.count) items; at most \(FieldLimits.maxItems)")
        }
        return try rows.enumerated().map { n, r in
            let quantityText = r["quantity"] ?? "1"
            guard let q = Int64(quantityText.trimmedSpaces()) else {
                throw fail(name, "item \(n + 1): quantity \(FieldLimits.quoted(quantityText)) is not an integer")
            }
            guard FieldLimits.quantity.contains(q) else {
                throw fail(name, "item \(n + 1): quantity \(q) is outside \(FieldLimits.quantity.lowerBound)...\(FieldLimits.quantity.upperBound)")
            }
            let amountText = r["amount"] ?? ""
            guard let a = Money(parsing: amountText) else {
                throw fail(name, "item \(n + 1): \(FieldLimits.quoted(amountText)) is not an amount")
            }
            guard a >= .zero else { throw fail(name, "item \(n + 1): amount \(a) is negative") }
            for key in ["sku", "category"] where (r[key]?.utf8.count ?? 0) > FieldLimits.maxFieldBytes {
                throw fail(name, "item \(n + 1): \(key) is longer than \(FieldLimits.maxFieldBytes) bytes")
            }
            return OrderItem(sku: r["sku"] ?? "", category: r["category"] ?? "", quantity: Int(q), amount: a)
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
