import CrescentCore
import CrescentPersistence
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
        let root = try parseJSON(data, file: file)
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
                try decoder.add(try record(object, file: file, line: line), as: k, to: &batch)
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
        var decoder = RecordDecoder()
        var batch = ImportBatch()
        batch.file = file
        try decoder.add(try record(object, file: file, line: 0), as: kind, to: &batch)
        return batch
    }

    /// Parses JSON text, or names the line and column where it stops being JSON. The
    /// locator runs first so that nesting is bounded before Foundation's parser sees it.
    /// - throws: `ImportError`.
    public static func parseJSON(_ data: Data, file: String) throws -> Any {
        if let p = JSONSyntaxLocator.firstProblem(in: [UInt8](data)) {
            throw ImportError(file: file, line: p.line, location: "column \(p.column)", message: "not valid JSON: \(p.message)")
        }
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            // Syntax is fine, so this is the encoding (e.g. bytes that are not UTF-8).
            throw ImportError(file: file, line: 0, message: "not valid JSON (not UTF-8 text?)")
        }
    }

    /// One JSON object's fields, each converted or refused with the field's name.
    static func record(_ object: [String: Any], file: String, line: Int) throws -> FieldRecord {
        var fields: [String: FieldRecord.Value] = [:]
        for (name, value) in object {
            do {
                if let v = try convert(value) { fields[name] = v }
            } catch let problem as ValueProblem {
                throw ImportError(file: file, line: line, location: "field \"\(FieldLimits.shortened(name))\"",
                                  message: problem.message)
            }
        }
        return FieldRecord(file: file, line: line, label: "field", fields: fields)
    }

    /// Why a JSON value cannot be a field.
    struct ValueProblem: Error { var message: String }

    /// A JSON value as a field; nil for null.
    static func convert(_ value: Any) throws -> FieldRecord.Value? {
        switch value {
        case is NSNull: return nil
        case let a as [Any]:
            if !a.isEmpty && a.allSatisfy({ $0 is [String: Any] }) {
                return .items(try a.map { try ($0 as! [String: Any]).mapValues(scalarText) })
            }
            return .list(try a.map(scalarText))
        case let o as [String: Any]: return .map(try o.mapValues(scalarText))
        default: return .text(try scalarText(value))
        }
    }

    /// A string or number as text. Booleans are refused: `"member_id": true` is not member 1.
    static func scalarText(_ v: Any) throws -> String {
        if let s = v as? String {
            guard s.utf8.count <= FieldLimits.maxFieldBytes else {
                throw ValueProblem(message: "a string of \(s.utf8.count) bytes; at most \(FieldLimits.maxFieldBytes)")
            }
            return s
        }
        if let n = v as? NSNumber {
            guard !isBoolean(n) else { throw ValueProblem(message: "\(n.boolValue) is a boolean; expected a number or text") }
            return numberText(n)
        }
        if v is NSNull { throw ValueProblem(message: "null inside a list or object") }
        throw ValueProblem(message: "a nested \(v is [Any] ? "list" : "object"); expected a number or text")
    }

    /// JSONSerialization gives booleans as NSNumbers of ObjC type `c` (char).
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    /// Integers exactly as written (no detour through `Double`, which would round
    /// 9223372036854775807); decimals via their shortest round-trip text (29.33 → "29.33").
    static func numberText(_ n: NSNumber) -> String {
        if "qlisQLIS".contains(String(cString: n.objCType)) { return n.stringValue }
        let d = n.doubleValue
        if d == d.rounded(), abs(d) < 9e15 { return String(Int64(d)) }
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
