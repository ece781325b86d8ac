import CrescentPersistence

extension StoreLocation {
    /// Opens (creating and migrating if needed) the store this location names.
    ///
    /// The one place a store kind is chosen: every command with `--db` and `crescent serve`
    /// open their store here. A PostgreSQL store plugs in at the `.postgres` case.
    /// - throws: ``StoreUnavailable`` for PostgreSQL until its store is built in; the
    ///   store's own error when it cannot be opened.
    public func open() throws -> any DataStore {
        switch self {
        case .sqlite(let path): return try CrescentStore(path: path)
        case .postgres: throw StoreUnavailable(location: self)
        }
    }
}
