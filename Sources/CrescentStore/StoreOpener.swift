import CrescentPersistence
import CrescentPostgres

extension StoreLocation {
    /// Opens (creating and migrating if needed) the store this location names.
    ///
    /// The one place a store kind is chosen: every command with `--db` and `crescent serve`
    /// open their store here.
    /// - throws: ``StoreUnavailable`` with the server's message when PostgreSQL cannot be
    ///   reached, refuses the login or fails a migration; SQLite's own error for a bad file.
    public func open() throws -> any DataStore {
        switch self {
        case .sqlite(let path): return try CrescentStore(path: path)
        case .postgres(let url):
            do { return try PostgresStore(url: url) }
            catch let e as PostgresStoreError { throw StoreUnavailable(location: self, reason: e.description) }
        }
    }
}

extension PostgresURL {
    /// Creates the empty database `name` beside this one (benchmarks; the user needs
    /// `CREATEDB`) and returns its URL.
    /// - throws: ``StoreUnavailable`` with the server's message.
    public func createScratchDatabase(_ name: String) throws -> PostgresURL {
        do { return try PostgresScratchDatabase.create(name, beside: self) }
        catch let e as PostgresStoreError { throw StoreUnavailable(location: .postgres(self), reason: e.description) }
    }

    /// Drops the database `name` beside this one, if it exists.
    public func dropScratchDatabase(_ name: String) throws {
        do { try PostgresScratchDatabase.drop(name, beside: self) }
        catch let e as PostgresStoreError { throw StoreUnavailable(location: .postgres(self), reason: e.description) }
    }
}
