import CrescentCore
import CrescentPersistence
import Foundation

/// Imports the CDNOW transaction data set (Fader & Hardie) in either shape:
/// - sample: `customer_id sample_id YYYYMMDD cds dollars` (whitespace separated, no header)
/// - master: `customer_id YYYYMMDD cds dollars` (a header line is skipped)
///
/// Each customer becomes a member (id = customer id, name "Customer N", join date = first
/// order day, tier basic, consent sms + email + push); each line becomes an order at
/// midnight UTC with id = line order (1, 2, …), amount = dollars in cents, quantity = CDs.
public enum CDNOWImporter {
    static let sampleColumns = ["customer_id", "sample_id", "date", "cds", "dollars"]
    static let masterColumns = ["customer_id", "date", "cds", "dollars"]

    /// - throws: `ImportError` naming file, line and column of the first bad value.
    public static func parse(path: String) throws -> ImportBatch {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: file, line: 0, message: "cannot read \(path)")
        }
        return try parse(bytes: [UInt8](data), file: file)
    }

    public static func parse(bytes: [UInt8], file: String) throws -> ImportBatch {
        var orders: [Order] = []
        var lines: [Int] = []
        var columns: [String]? = nil
        var lineNumber = 0
        for rawLine in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            let tokens = rawLine.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 13 })
            if tokens.isEmpty { continue }
            if columns == nil {
                // The first line fixes the shape; a non-numeric first token is a header.
                if tokens[0].contains(where: { $0 < 48 || $0 > 57 }) {
                    guard tokens.count == 4 || tokens.count == 5 else {
                        throw ImportError(file: file, line: lineNumber, message: "not a CDNOW header (expected 4 or 5 columns)")
                    }
                    columns = tokens.count == 5 ? sampleColumns : masterColumns
                    continue
                }
                columns = tokens.count == 5 ? sampleColumns : masterColumns
            }
            let cols = columns!
            guard tokens.count == cols.count else {
                throw ImportError(file: file, line: lineNumber,
                                  message: "expected \(cols.count) columns (\(cols.joined(separator: " "))), found \(tokens.count)")
            }
            func fail(_ c: Int, _ what: String) -> ImportError {
                ImportError(file: file, line: lineNumber, location: "column \(c + 1) \"\(cols[c])\"",
                            message: "\(FieldLimits.quoted(String(decoding: tokens[c].prefix(200), as: UTF8.self))) \(what)")
            }
            let d = cols.count - 3   // index of the date column
            guard let customer = Int64(String(decoding: tokens[0], as: UTF8.self)), customer >= 0 else {
                throw fail(0, "is not a customer id")
            }
            guard let ymd = Int(String(decoding: tokens[d], as: UTF8.self)), let day = Day(yyyymmdd: ymd) else {
                throw fail(d, "is not a date (YYYYMMDD)")
            }
            guard let cds = Int64(String(decoding: tokens[d + 1], as: UTF8.self)), FieldLimits.quantity.contains(cds) else {
                throw fail(d + 1, "is not a number of CDs (0...\(FieldLimits.quantity.upperBound))")
            }
            guard let dollars = Money(parsing: String(decoding: tokens[d + 2], as: UTF8.self)) else {
                throw fail(d + 2, "is not an amount")
            }
            guard dollars >= .zero else { throw fail(d + 2, "is negative") }
            orders.append(Order(id: Int64(orders.count + 1), memberId: customer, time: Timestamp(day: day),
                                amount: dollars, quantity: Int(cds)))
            lines.append(lineNumber)
        }
        var batch = ImportBatch(members: membersFromOrders(orders), orders: orders)
        batch.file = file
        batch.orderLines = lines
        return batch
    }

    /// One member per customer seen in `orders`, sorted by id, joined on their first order day.
    public static func membersFromOrders(_ orders: [Order]) -> [Member] {
        var first: [Int64: Day] = [:]
        for o in orders {
            let d = o.day
            if let f = first[o.memberId], f <= d { continue }
            first[o.memberId] = d
        }
        return first.keys.sorted().map { id in
            Member(id: id, name: "Customer \(id)", joinDate: first[id]!, tier: "basic",
                   consent: ["sms", "email", "push"])
        }
    }
}
