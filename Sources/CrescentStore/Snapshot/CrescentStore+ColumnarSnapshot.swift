import CrescentCore
import GRDB

/// The columns of a store and where they came from.
public struct ColumnarLoad: Sendable {
    public enum Source: Sendable, Equatable {
        /// Read from the snapshot file, valid for the store's current generation.
        case snapshot
        /// Read from SQL; `rejected` says why the snapshot was not used (nil: an in-memory
        /// store, which has none).
        case sql(rejected: ColumnarSnapshotRejection?)
        /// Parsed from a file or generated (`synthetic:N`): no store, no snapshot.
        case parsed
    }

    public var columns: ColumnarPopulation
    public var source: Source
    /// Set when a fresh snapshot could not be written (a read-only directory, a full disk):
    /// the columns are right all the same, the next load reads SQL again.
    public var snapshotWriteFailure: String?

    public init(columns: ColumnarPopulation, source: Source, snapshotWriteFailure: String? = nil) {
        self.columns = columns; self.source = source; self.snapshotWriteFailure = snapshotWriteFailure
    }

    /// Where the columns came from, for `--timing` lines.
    public var sourceText: String {
        switch source {
        case .snapshot: return "from the columnar snapshot"
        case .parsed: return "parsed"
        case .sql(let rejected):
            guard let rejected else { return "from SQL" }
            let written = snapshotWriteFailure.map { "not rewritten: \($0)" } ?? "rewritten"
            return "from SQL: \(rejected); snapshot \(written)"
        }
    }
}

extension CrescentStore {
    /// The columnar snapshot beside a store file (`crm.sqlite.columns`); nil in memory.
    public var columnarSnapshotPath: String? {
        guard let path = location.sqlitePath, path != ":memory:", writer is DatabasePool else { return nil }
        return ColumnarSnapshot.path(forStore: path)
    }

    /// The columns from the snapshot when it holds the store's current generation; otherwise
    /// from SQL (`loadColumnar()`), after which the snapshot is rewritten for the next load.
    /// - throws: what `loadColumnar()` throws; a bad snapshot never throws, it is rebuilt.
    /// - parameter writeSnapshot: false leaves a stale snapshot as it is (a reader that must not
    ///   write, e.g. `bench scale --store` on a shared store).
    public func loadColumnarUsingSnapshot(writeSnapshot: Bool = true) throws -> ColumnarLoad {
        guard let path = columnarSnapshotPath else {
            return ColumnarLoad(columns: try loadColumnar(), source: .sql(rejected: nil))
        }
        let current = try writer.read { try Self.generation($0) }
        switch ColumnarSnapshot.read(from: path, expecting: current) {
        case .success(let columns):
            return ColumnarLoad(columns: columns, source: .snapshot)
        case .failure(let rejection):
            let (columns, generation) = try loadColumnarFromSQL()
            let failure = writeSnapshot ? Self.writeSnapshot(columns, generation: generation, to: path) : "the caller reads only"
            return ColumnarLoad(columns: columns, source: .sql(rejected: rejection), snapshotWriteFailure: failure)
        }
    }

    /// The columns from the snapshot when current, else from SQL (the snapshot is then rewritten).
    public func loadColumns() throws -> ColumnarPopulation { try loadColumnarUsingSnapshot().columns }

    /// Reads the columns from SQL and writes them as the snapshot, e.g. right after an import
    /// or `generate`, so the first `stats` is already fast. No-op for an in-memory store.
    /// - returns: why the snapshot could not be written, or nil when it was.
    @discardableResult
    public func writeColumnarSnapshot() throws -> String? {
        guard let path = columnarSnapshotPath else { return nil }
        let (columns, generation) = try loadColumnarFromSQL()
        return Self.writeSnapshot(columns, generation: generation, to: path)
    }

    /// The snapshot is a cache: failing to write it leaves the load correct, so the failure
    /// is returned for the caller to show, not thrown.
    private static func writeSnapshot(_ columns: ColumnarPopulation, generation: StoreGeneration, to path: String) -> String? {
        do {
            try ColumnarSnapshot.write(columns, generation: generation, to: path)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
