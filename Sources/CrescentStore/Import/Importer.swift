import CrescentCore
import CrescentPersistence
import Foundation

/// Parses a file of any supported format and writes it to a store in one transaction.
///
/// For example:
/// ```swift
/// let batch = try Importer.importFile("orders.csv", into: store)          // kind sniffed
/// let cdnow = try Importer.importFile("cdnow.txt", into: store, kind: .cdnow)
/// ```
public enum Importer {
    /// Parses without writing. `kind` nil: `.txt`/`.dat` are CDNOW, `.json` JSON, else CSV,
    /// with members/orders/events told apart by the header or keys.
    public static func parse(path: String, kind: ImportKind? = nil) throws -> ImportBatch {
        let ext = (path as NSString).pathExtension.lowercased()
        if kind == .cdnow || (kind == nil && (ext == "txt" || ext == "dat")) {
            return try CDNOWImporter.parse(path: path)
        }
        if ext == "json" { return try JSONImporter.parse(path: path, kind: kind) }
        return try CSVImporter.parse(path: path, kind: kind)
    }

    /// Parses all of `path`, then inserts everything in one transaction; on any error
    /// nothing is written.
    /// - throws: `ImportError` for a bad row, including one the store refuses (e.g. an id
    ///   that already exists).
    @discardableResult
    public static func importFile(_ path: String, into store: any MemberRepository, kind: ImportKind? = nil) throws -> ImportBatch {
        let batch = try parse(path: path, kind: kind)
        do {
            try store.insert(members: batch.members, orders: batch.orders, events: batch.events)
        } catch let refusal as StoreInsertError {
            throw batch.importError(for: refusal)
        }
        return batch
    }

    /// Imports `path` into the store at `location`: a SQLite file is created only when the
    /// whole import is good (see ``importFile(_:intoStoreAt:kind:)``).
    @discardableResult
    public static func importFile(_ path: String, into location: StoreLocation, kind: ImportKind? = nil) throws -> ImportBatch {
        switch location {
        case .sqlite(let db): return try importFile(path, intoStoreAt: db, kind: kind)
        case .postgres: return try importFile(path, into: try location.open(), kind: kind)
        }
    }

    /// Imports `path` into the store file at `db`, creating it only when the whole file is
    /// good: a refused import leaves no new (empty) store behind, and an existing store as it was.
    /// - throws: `ImportError`, or `DatabaseError` when the store cannot be opened.
    @discardableResult
    public static func importFile(_ path: String, intoStoreAt db: String, kind: ImportKind? = nil) throws -> ImportBatch {
        let batch = try parse(path: path, kind: kind)
        let existed = FileManager.default.fileExists(atPath: db)
        do {
            // Scoped so the store is closed before a new file is removed.
            try {
                let store = try CrescentStore(path: db)
                do {
                    try store.insert(members: batch.members, orders: batch.orders, events: batch.events)
                } catch let refusal as StoreInsertError {
                    throw batch.importError(for: refusal)
                }
            }()
        } catch {
            if !existed {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            }
            throw error
        }
        return batch
    }
}
