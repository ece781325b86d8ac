import CrescentCore
import CrescentPersistence
import Foundation

/// Imports members, orders or events from CSV with a header row.
///
/// Columns are named as in the store (`id,member_id,time,amount,…`) and may come in any
/// order; unknown columns are ignored. Lists (`tags`, `consent`) are `;`-separated,
/// `attributes` is `key=value;…`, order `items` are `sku|category|quantity|amount;…`.
/// The whole file is parsed before anything is returned: one bad row, no batch.
///
/// For example:
/// ```swift
/// let batch = try CSVImporter.parse(path: "orders.csv")          // kind sniffed from the header
/// let batch = try CSVImporter.parse(path: "x.csv", kind: .members)
/// ```
public enum CSVImporter {
    /// - throws: `ImportError` naming file, line and column of the first bad value.
    public static func parse(path: String, kind: ImportKind? = nil) throws -> ImportBatch {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: file, line: 0, message: "cannot read \(path)")
        }
        return try parse(bytes: [UInt8](data), file: file, kind: kind)
    }

    public static func parse(bytes: [UInt8], file: String, kind: ImportKind? = nil) throws -> ImportBatch {
        // Spreadsheet exports often start with a UTF-8 byte-order mark; it is not part of the header.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let records = try CSVReader.records(body, file: file)
        guard let header = records.first else { throw ImportError(file: file, line: 0, message: "empty file: expected a header row") }
        let names = header.fields.map { $0.trimmedSpaces().lowercased() }
        guard let kind = kind ?? RecordDecoder.sniff(fields: names) else {
            throw ImportError(file: file, line: header.line,
                              message: "cannot tell members, orders or events from the header; pass --kind")
        }
        var decoder = RecordDecoder()
        var batch = ImportBatch()
        batch.file = file
        for rec in records.dropFirst() {
            guard rec.fields.count == names.count else {
                throw ImportError(file: file, line: rec.line,
                                  message: "expected \(names.count) columns, found \(rec.fields.count)")
            }
            var fields: [String: FieldRecord.Value] = [:]
            for (name, value) in zip(names, rec.fields) { fields[name] = .text(value) }
            try decoder.add(FieldRecord(file: file, line: rec.line, label: "column", fields: fields), as: kind, to: &batch)
        }
        return batch
    }
}
