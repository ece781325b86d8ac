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
