/// A bad input row: names the file, the line, and the column or field.
///
/// For example: `orders.csv:17: column "amount": "12,x" is not an amount`.
/// Importers parse the whole input before writing, so this error always means nothing
/// was written.
public struct ImportError: Error, CustomStringConvertible, Equatable {
    /// The file name as given (last path component).
    public var file: String
    /// 1-based line where the offending record starts; 0 when the file itself is wrong.
    public var line: Int
    /// `column "amount"` (CSV, CDNOW) or `field "amount"` (JSON); nil for whole-row errors.
    public var location: String?
    public var message: String

    public init(file: String, line: Int, location: String? = nil, message: String) {
        self.file = file; self.line = line; self.location = location; self.message = message
    }

    public var description: String {
        var s = line > 0 ? "\(file):\(line): " : "\(file): "
        if let location { s += "\(location): " }
        return s + message
    }
}

/// Which records a file holds.
public enum ImportKind: String, CaseIterable, Sendable {
    case members, orders, events, cdnow
}

/// What an importer produced, before anything is written.
public struct ImportBatch: Sendable {
    public var members: [Member] = []
    public var orders: [Order] = []
    public var events: [BehaviorEvent] = []
    /// The file the batch came from and the line of each record (0 when unknown), so a row
    /// the store refuses can still be named by line.
    public var file: String = ""
    public var memberLines: [Int] = []
    public var orderLines: [Int] = []
    public var eventLines: [Int] = []
    public init(members: [Member] = [], orders: [Order] = [], events: [BehaviorEvent] = []) {
        self.members = members; self.orders = orders; self.events = events
    }

    /// The import error for a row the store refused, naming its line when known.
    public func importError(for refusal: StoreInsertError) -> ImportError {
        let lines = refusal.table == "members" ? memberLines : refusal.table == "orders" ? orderLines : eventLines
        let line = refusal.index < lines.count ? lines[refusal.index] : 0
        return ImportError(file: file, line: line, message: "the store refused this row: \(refusal.message)")
    }
}

import CrescentCore
import CrescentPersistence
