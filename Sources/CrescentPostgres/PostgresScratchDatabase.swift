import CrescentPersistence
import Foundation
import PostgresNIO

/// A throwaway database on a PostgreSQL server: created under a fresh name, already migrated,
/// and dropped (closing whatever still holds it) when done. The test suites give each test
/// one, so the built CLI can be pointed at it with a plain `--db postgres://…/name` URL.
///
/// Each is a copy of a template database migrated once per schema (`crescent_tpl_<hash of the
/// migrations>`, kept on the server for the next run): copying is much faster than migrating.
///
/// For example:
/// ```swift
/// let scratch = try PostgresScratchDatabase(server: url)   // e.g. crescent_test on 127.0.0.1
/// defer { scratch.drop() }
/// let store = try PostgresStore(url: scratch.url)
/// ```
public final class PostgresScratchDatabase: Sendable {
    /// The new database's URL: the server's with the fresh database name.
    public let url: PostgresURL
    private let server: PostgresURL

    /// Creates `<prefix><12 random hex digits>` on the server `server` names (connecting to its database).
    /// - throws: ``PostgresStoreError`` when the server cannot be reached, refuses, or the template's migration fails.
    public init(server: PostgresURL, prefix: String = "t_") throws {
        precondition(prefix.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "bad database name prefix")
        let template = try Self.template(on: server)
        let name = Self.freshName(prefix)
        try Self.run("CREATE DATABASE \(name) TEMPLATE \(template)", on: server)
        var url = server
        url.database = name
        self.url = url
        self.server = server
    }

    /// Drops the database, ending its sessions first; a failure is reported, not thrown, since
    /// it only leaves a scratch database behind.
    public func drop() {
        do { try Self.run("DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)", on: server) }
        catch { FileHandle.standardError.write(Data("scratch database \(url.database) not dropped: \(error)\n".utf8)) }
    }

    /// Creates the empty database `name` beside `server`'s (`crescent bench serve --db
    /// postgres://…`: the bench never writes into the database it was given; the user needs
    /// `CREATEDB`) and returns its URL.
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

    private static func freshName(_ prefix: String) -> String {
        prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    /// The migrated template for this build's schema, made on first use: migrated under a
    /// temporary name and renamed, so a half-migrated template is never copied.
    private static let templates = NSLock()
    nonisolated(unsafe) private static var ready: Set<String> = []

    private static func template(on server: PostgresURL) throws -> String {
        let name = "crescent_tpl_" + schemaHash
        let key = "\(server.host):\(server.port)/\(name)"
        return try templates.withLock {
            if ready.contains(key) { return name }
            let exists = try query("SELECT 1 FROM pg_database WHERE datname = \(name)", on: server)
            if !exists {
                let building = freshName("crescent_tpl_build_")
                try run("CREATE DATABASE \(building)", on: server)
                do {
                    var url = server
                    url.database = building
                    try PostgresStore(url: url, maxConnections: 1).close()
                    try run("ALTER DATABASE \(building) RENAME TO \(name)", on: server)
                } catch {
                    // Another process may have made the template meanwhile; ours is not needed.
                    try? run("DROP DATABASE IF EXISTS \(building) WITH (FORCE)", on: server)
                    guard try query("SELECT 1 FROM pg_database WHERE datname = \(name)", on: server) else { throw error }
                }
            }
            ready.insert(key)
            return name
        }
    }

    /// FNV-1a over every migration's name and statements: a new migration means a new template.
    static let schemaHash: String = {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, statements) in PostgresSchema.migrations {
            for byte in ([name] + statements).joined(separator: "\u{1}").utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return String(h, radix: 16)
    }()

    /// `CREATE`/`DROP DATABASE` cannot run in a transaction: one autocommit statement on its own connection.
    private static func run(_ sql: String, on server: PostgresURL) throws {
        let pool = PostgresSessionPool(endpoint: PostgresEndpoint(url: server), maxConnections: 1)
        defer { pool.close() }
        try pool.withSession { _ = try $0.execute(PostgresQuery(unsafeSQL: sql)) }
    }

    /// True when `query` returns a row.
    private static func query(_ query: PostgresQuery, on server: PostgresURL) throws -> Bool {
        let pool = PostgresSessionPool(endpoint: PostgresEndpoint(url: server), maxConnections: 1)
        defer { pool.close() }
        return try pool.withSession { !(try $0.query(query)).isEmpty }
    }
}
