import ArgumentParser
import CrescentStore
import Foundation

/// `--db`, the same for every command that opens a store: a SQLite file or
/// `postgres://user@host/db`, and `CRESCENT_DB` when `--db` is absent.
struct StoreOption: ParsableArguments {
    @Option(name: .customLong("db"),
            help: "The store: a SQLite file or postgres://user@host/db (default: $CRESCENT_DB).")
    var db: String?

    /// The store `--db` or `CRESCENT_DB` names.
    /// - throws: `UsageError` when neither names one or the value is malformed.
    func location() throws -> StoreLocation {
        do { return try StoreLocation.resolve(option: db, environment: ProcessInfo.processInfo.environment) }
        catch let bad as StoreLocationError { throw UsageError(message: bad.description) }
    }

    /// The store `--db` or `CRESCENT_DB` names, if either is given (`explain` runs without one).
    func optionalLocation() throws -> StoreLocation? {
        db == nil && ProcessInfo.processInfo.environment[StoreLocation.environmentVariable] == nil ? nil : try location()
    }

    /// Opens a store that must exist already: a missing SQLite file is a usage error, not a
    /// new empty store.
    static func openExisting(_ location: StoreLocation) throws -> any DataStore {
        if let path = location.sqlitePath, !FileManager.default.fileExists(atPath: path) {
            throw UsageError(message: "no store at \(path)")
        }
        return try open(location)
    }

    /// The benchmarks' scratch store (deleted and recreated), parsed like every `--db`: a
    /// SQLite file today, a kind not built yet refused with the same message.
    static func scratchSQLitePath(_ text: String) throws -> String {
        let location: StoreLocation
        do { location = try StoreLocation.parse(text) }
        catch let bad as StoreLocationError { throw UsageError(message: bad.description) }
        guard let path = location.sqlitePath else {
            throw UsageError(message: StoreUnavailable(location: location, reason: "the benchmarks run on a scratch SQLite file; give a file path").description)
        }
        return path
    }

    /// Opens the store; a kind this build cannot open is a usage error.
    static func open(_ location: StoreLocation) throws -> any DataStore {
        do { return try location.open() }
        catch let unavailable as StoreUnavailable { throw UsageError(message: unavailable.description) }
    }
}
