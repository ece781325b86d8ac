import CrescentPersistence
import Foundation
import PostgresNIO

/// A throwaway database on a PostgreSQL server: created empty under a fresh name, dropped
/// (closing whatever still holds it) when done. The test suites give each test one, so the
/// built CLI can be pointed at it with a plain `--db postgres://…/name` URL.
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
    /// - throws: ``PostgresStoreError`` when the server cannot be reached or refuses.
    public init(server: PostgresURL, prefix: String = "t_") throws {
        precondition(prefix.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "bad database name prefix")
        let name = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try Self.run("CREATE DATABASE \(name)", on: server)
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

    /// `CREATE`/`DROP DATABASE` cannot run in a transaction: one autocommit statement on its own connection.
    private static func run(_ sql: String, on server: PostgresURL) throws {
        let pool = PostgresSessionPool(endpoint: PostgresEndpoint(url: server), maxConnections: 1)
        defer { pool.close() }
        try pool.withSession { _ = try $0.execute(PostgresQuery(unsafeSQL: sql)) }
    }
}
