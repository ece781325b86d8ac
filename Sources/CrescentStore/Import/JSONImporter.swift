import CrescentCore
import Foundation

/// Imports members, orders or events from JSON.
///
/// Accepts an array of records (`[{"id": 1, "join_date": "2025-01-02", …}]`, kind sniffed
/// from the first record's keys or given) or an object of arrays
/// (`{"members": […], "orders": […], "events": […]}`). Keys are the CSV column names; lists
/// are arrays, `attributes` an object, `items` an array of `{sku, category, quantity, amount}`.
/// Amounts may be numbers or strings (`29.33`). Errors name the line where the record starts.
public enum JSONImporter {
    /// - throws: `ImportError` naming file, line and field of the first bad value.
    public static func parse(path: String, kind: ImportKind? = nil) throws -> ImportBatch {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: file, line: 0, message: "cannot read \(path)")
        }
        return try parse(data: data, file: file, kind: kind)
    }

    public static func parse(data: Data, file: String, kind: ImportKind? = nil) throws -> ImportBatch {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw ImportError(file: file, line: 0, message: "not valid JSON (\(error.localizedDescription))")
        }
        let lines = JSONLineScanner.recordLines([UInt8](data))
        var decoder = RecordDecoder()
        var batch = ImportBatch()
        batch.file = file
        func load(_ array: [Any], key: String, kind: ImportKind?) throws {
            let starts = lines[key] ?? []
            for (n, element) in array.enumerated() {
                let line = n < starts.count ? starts[n] : 0
                guard let object = element as? [String: Any] else {
                    throw ImportError(file: file, line: line, message: "record \(n + 1) is not an object")
                }
                guard let k = kind ?? RecordDecoder.sniff(fields: object.keys) else {
                    throw ImportError(file: file, line: line, message: "cannot tell members, orders or events from the keys; pass --kind")
                }
                var fields: [String: FieldRecord.Value] = [:]
                for (name, value) in object {
                    guard let v = convert(value) else {
                        throw ImportError(file: file, line: line, location: "field \"\(name)\"", message: "unsupported value \(value)")
                    }
                    if let v { fields[name] = v }
                }
                try decoder.add(FieldRecord(file: file, line: line, label: "field", fields: fields), as: k, to: &batch)
            }
        }
        if let array = root as? [Any] {
            try load(array, key: "", kind: kind)
        } else if let object = root as? [String: Any] {
            for (key, k) in [("members", ImportKind.members), ("orders", .orders), ("events", .events)] {
                guard let value = object[key] else { continue }
                guard let array = value as? [Any] else {
                    throw ImportError(file: file, line: 0, location: "field \"\(key)\"", message: "expected an array")
                }
                try load(array, key: key, kind: k)
            }
        } else {
            throw ImportError(file: file, line: 1, message: "expected an array of records or an object of arrays")
        }
        return batch
    }

    /// Decodes one already-parsed JSON object as a record of `kind` under the importers' rules
    /// (the live API's path: no second parse). `file` names it in errors ("record 2").
    /// - throws: `ImportError` naming the field.
    public static func record(_ object: [String: Any], kind: ImportKind, file: String) throws -> ImportBatch {
        var fields: [String: FieldRecord.Value] = [:]
        for (name, value) in object {
            guard let v = convert(value) else {
                throw ImportError(file: file, line: 0, location: "field \"\(name)\"", message: "unsupported value \(value)")
            }
            if let v { fields[name] = v }
        }
        var decoder = RecordDecoder()
        var batch = ImportBatch()
        batch.file = file
        try decoder.add(FieldRecord(file: file, line: 0, label: "field", fields: fields), as: kind, to: &batch)
        return batch
    }

    /// A JSON value as a field; `.some(nil)` for null, `nil` for a shape we cannot use.
    static func convert(_ value: Any) -> FieldRecord.Value?? {
        switch value {
        case is NSNull: return .some(nil)
        case let s as String: return .text(s)
        case let n as NSNumber: return .text(numberText(n))
        case let a as [Any]:
            if a.allSatisfy({ $0 is [String: Any] }) && !a.isEmpty {
                return .items(a.map { ($0 as! [String: Any]).mapValues(scalarText) })
            }
            return .list(a.map(scalarText))
        case let o as [String: Any]: return .map(o.mapValues(scalarText))
        default: return nil
        }
    }

    static func scalarText(_ v: Any) -> String {
        if let s = v as? String { return s }
        if let n = v as? NSNumber { return numberText(n) }
        return "\(v)"
    }

    /// Integers without a fraction; decimals via their shortest round-trip text (29.33 → "29.33").
    static func numberText(_ n: NSNumber) -> String {
        let d = n.doubleValue
        if d == d.rounded(), abs(d) < 9e15 { return String(n.int64Value) }
        return "\(d)"
    }
}

/// Finds the line on which each record object starts, since `JSONSerialization` forgets.
enum JSONLineScanner {
    /// Key "" holds the elements of a top-level array; "members" etc. those of a top-level
    /// object's arrays.
    static func recordLines(_ b: [UInt8]) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        var line = 1, depth = 0, i = 0
        var rootIsArray = false, currentKey = "", lastString = ""
        var inString = false, stringStart = 0
        while i < b.count {
            let c = b[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if c == UInt8(ascii: "\"") {
                    inString = false
                    lastString = String(decoding: b[stringStart..<i], as: UTF8.self)
                } else if c == 10 { line += 1 }
                i += 1; continue
            }
            switch c {
            case 10: line += 1
            case UInt8(ascii: "\""): inString = true; stringStart = i + 1
            case UInt8(ascii: ":"): if depth == 1 && !rootIsArray { currentKey = lastString }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 0 { rootIsArray = c == UInt8(ascii: "[") }
                if c == UInt8(ascii: "{") {
                    if rootIsArray && depth == 1 { out["", default: []].append(line) }
                    if !rootIsArray && depth == 2 { out[currentKey, default: []].append(line) }
                }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
            i += 1
        }
        return out
    }
}
