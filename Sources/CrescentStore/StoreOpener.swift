import CrescentPersistence
import CrescentPostgres

extension StoreLocation {
    /// Opens (creating and migrating if needed) the store this location names.
    ///
    /// The one place a store kind is chosen: every command with `--db` and `crescent serve`
    /// open their store here.
    /// - throws: the store's own error when it cannot be opened (`PostgresStoreError` names
    ///   the server's message when PostgreSQL cannot be reached or migrated).
    public func open() throws -> any DataStore {
        switch self {
        case .sqlite(let path): return try CrescentStore(path: path)
        case .postgres(let url): return try PostgresStore(url: url)
        }
    }
}
