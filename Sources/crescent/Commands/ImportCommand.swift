import ArgumentParser
import CrescentCore
import CrescentStore

/// `crescent import FILE --db STORE`: all-or-nothing import of members, orders, events or CDNOW.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import members, orders, events (CSV or JSON) or CDNOW transactions into a store.",
        discussion: """
        The whole file is checked before anything is written: one bad row and nothing is \
        imported, and the error names the file, line and column, e.g.
          orders.csv:17: column "amount": "12,x" is not an amount
        The kind is taken from the CSV header or JSON keys (.txt/.dat files are CDNOW) \
        unless --kind says otherwise. A refused file exits 2 and creates no store.
        """)

    @Argument(help: "The file to import (.csv, .json, or CDNOW .txt).")
    var file: String

    /// The store to import into; a SQLite file is created if missing.
    @OptionGroup var storeOption: StoreOption

    @Option(help: "members | orders | events | cdnow (default: sniffed).")
    var kind: String?

    func run() throws {
        var parsedKind: ImportKind? = nil
        if let kind {
            guard let k = ImportKind(rawValue: kind) else {
                throw ValidationError("--kind must be one of members, orders, events, cdnow; got \"\(kind)\"")
            }
            parsedKind = k
        }
        let location = try storeOption.location()
        let batch: ImportBatch
        do { batch = try Importer.importFile(file, into: location, kind: parsedKind) }
        catch let unavailable as StoreUnavailable { throw UsageError(message: unavailable.description) }
        let items = batch.orders.reduce(0) { $0 + $1.items.count }
        print("imported \(batch.members.count) members, \(batch.orders.count) orders (\(items) items), "
              + "\(batch.events.count) events from \(file) into \(location)")
        // The import made the store's columnar snapshot stale: rewrite it now, so the next
        // `stats` or `segment preview` reads it instead of SQL (PostgreSQL stores keep none).
        if let path = location.sqlitePath, batch.members.count + batch.orders.count > 0,
           let failure = try CrescentStore(path: path).writeColumnarSnapshot() {
            print("columnar snapshot not written: \(failure)")
        }
    }
}
