import CrescentCore
import CrescentPersistence
import Foundation

/// Loads a `Population` from any supported source without a store, for dry-runs
/// (`--data FILE`) and stats.
///
/// | source | read as |
/// | --- | --- |
/// | `synthetic:N` | `SyntheticPopulation.generate(members: N, seed:, asOf:)` |
/// | `.sqlite`, `.db`, or a file starting `SQLite format 3` | a `CrescentStore` |
/// | `.json`, or a file starting `[` / `{` | `JSONImporter` (object of arrays, or one kind) |
/// | `.csv` | `CSVImporter`; a members file picks up `<stem>.orders.csv` / `<stem>.events.csv` beside it (or `orders.csv` / `events.csv` next to `members.csv`) |
/// | `.txt`, `.dat`, anything else | CDNOW transactions |
///
/// An orders-only file (CSV, JSON or CDNOW) gets one member per customer, as CDNOW does.
///
/// For example:
/// ```swift
/// let pop = try PopulationLoader.load(path: "data/cdnow_sample.txt")
/// let syn = try PopulationLoader.load(path: "synthetic:10000", seed: 7)
/// ```
public enum PopulationLoader {
    /// The as-of day synthetic populations use unless told otherwise: fixed, so runs replay.
    public static let defaultSyntheticAsOf = Day(year: 2026, month: 1, day: 1)

    /// - throws: `ImportError` for bad files, `DatabaseError` for unreadable stores.
    public static func load(path: String, seed: UInt64 = 1, asOf: Day? = nil) throws -> Population {
        if path.hasPrefix("synthetic:") {
            guard let n = Int(path.dropFirst("synthetic:".count)), n >= 0 else {
                throw ImportError(file: path, line: 0, message: "expected synthetic:N with N a member count")
            }
            return SyntheticPopulation.generate(members: n, seed: seed, asOf: asOf ?? defaultSyntheticAsOf)
        }
        // `--data postgres://…`: the members of a PostgreSQL store (another scheme is refused by name).
        if path.contains("://") { return try StoreLocation.parse(path).open().loadPopulation() }
        let file = (path as NSString).lastPathComponent
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ImportError(file: file, line: 0, message: "cannot read \(path)")
        }
        let batch: ImportBatch
        switch try format(of: path) {
        case .store: return try CrescentStore(path: path).loadPopulation()
        case .json: batch = try JSONImporter.parse(path: path)
        case .cdnow: batch = try CDNOWImporter.parse(path: path)
        case .csv: batch = try csvWithSiblings(path)
        }
        let members = batch.members.isEmpty ? CDNOWImporter.membersFromOrders(batch.orders) : batch.members
        return Population(members: members, orders: batch.orders, events: batch.events)
    }

    /// The same population as `load(path:seed:asOf:)`, as columns: a store is read column by
    /// column (`CrescentStore.loadColumnar`) and `synthetic:N` generated a chunk at a time, so
    /// neither ever holds every member as a record; files are parsed as records, then converted.
    /// A store is read from its columnar snapshot when that is current (and the snapshot is
    /// written when it is not): `CrescentStore.loadColumnarUsingSnapshot`.
    public static func loadColumnar(path: String, seed: UInt64 = 1, asOf: Day? = nil) throws -> ColumnarLoad {
        if path.hasPrefix("synthetic:") {
            guard let n = Int(path.dropFirst("synthetic:".count)), n >= 0 else {
                throw ImportError(file: path, line: 0, message: "expected synthetic:N with N a member count")
            }
            return ColumnarLoad(columns: try ColumnarPopulation.synthetic(members: n, seed: seed, asOf: asOf ?? defaultSyntheticAsOf),
                                source: .parsed)
        }
        if FileManager.default.isReadableFile(atPath: path), try format(of: path) == .store {
            return try CrescentStore(path: path).loadColumnarUsingSnapshot()
        }
        return ColumnarLoad(columns: try ColumnarPopulation(load(path: path, seed: seed, asOf: asOf)), source: .parsed)
    }

    /// Whether `path` names a readable SQLite store (not a file to parse, not `synthetic:N`).
    public static func isSQLiteStore(_ path: String) -> Bool {
        guard !path.hasPrefix("synthetic:"), !path.contains("://"), FileManager.default.isReadableFile(atPath: path) else {
            return false
        }
        return (try? format(of: path)) == .store
    }

    enum Format { case store, json, csv, cdnow }

    static func format(of path: String) throws -> Format {
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "sqlite", "sqlite3", "db": return .store
        case "json": return .json
        case "csv": return .csv
        case "txt", "dat": return .cdnow
        default: break
        }
        let head = FileHandle(forReadingAtPath: path)?.readData(ofLength: 16) ?? Data()
        if head.starts(with: Array("SQLite format 3".utf8)) { return .store }
        if let c = head.first(where: { $0 > 32 }), c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { return .json }
        if let c = head.first(where: { $0 > 32 }), c >= 48 && c <= 57 { return .cdnow }
        return .csv
    }

    /// A members CSV plus its orders and events files, when they exist beside it.
    static func csvWithSiblings(_ path: String) throws -> ImportBatch {
        var batch = try CSVImporter.parse(path: path)
        guard !batch.members.isEmpty || batch.orders.isEmpty && batch.events.isEmpty else { return batch }
        let dir = (path as NSString).deletingLastPathComponent
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        for (suffix, kind) in [("orders", ImportKind.orders), ("events", .events)] {
            let candidates = [(dir as NSString).appendingPathComponent("\(stem).\(suffix).csv")]
                + (stem == "members" ? [(dir as NSString).appendingPathComponent("\(suffix).csv")] : [])
            guard let sibling = candidates.first(where: FileManager.default.fileExists(atPath:)) else { continue }
            let part = try CSVImporter.parse(path: sibling, kind: kind)
            batch.orders += part.orders; batch.events += part.events
        }
        return batch
    }
}
