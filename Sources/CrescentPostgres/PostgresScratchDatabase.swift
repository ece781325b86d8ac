import CrescentPersistence
import PostgresNIO

/// Throwaway databases beside a real one, for `crescent bench serve --db postgres://…`:
/// the bench never writes into the database it was given, only into one it created (the
/// user needs `CREATEDB`) and drops at the end.
public enum PostgresScratchDatabase {
    /// Creates the empty database `name` on `server`'s cluster and returns its URL.
    /// - parameter name: letters, digits and `_` (it is spliced into `CREATE DATABASE`).
    public static func create(_ name: String, beside server: PostgresURL) throws -> PostgresURL {
        try run("CREATE DATABASE \(try checked(name))", on: server)
        var url = server
        url.database = name
        return url
    }

    /// Drops `name` (disconnecting whoever is still on it), if it exists.
    public static func drop(_ name: String, beside server: PostgresURL) throws {
        try run("DROP DATABASE IF EXISTS \(try checked(name)) WITH (FORCE)", on: server)
    }

    private static func checked(_ name: String) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresStoreError(operation: "scratch database", message: "\"\(name)\" is not a plain database name")
        }
        return name
    }

    private static func run(_ sql: String, on server: PostgresURL) throws {
        let pool = PostgresSessionPool(endpoint: PostgresEndpoint(url: server), maxConnections: 1)
        defer { pool.close() }
        try pool.withSession { _ = try $0.execute(PostgresQuery(unsafeSQL: sql)) }
    }
}
