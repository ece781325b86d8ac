import Foundation
import PostgresNIO

/// Where a PostgreSQL store lives, parsed from `postgres://user[:password]@host[:port]/database`
/// (or `postgresql://`). A unix socket directory goes in the `host` query item, as libpq has it:
/// `postgres://crescent@/crm?host=/var/run/postgresql`. `?search_path=SCHEMA` keeps the tables
/// in one schema (several stores in one database; the tests use one schema per test).
///
/// TLS is not negotiated (`sslmode` other than `disable` is refused): run the store on a
/// private network or a socket, see docs/DEPLOY.md.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// A unix socket directory (the socket is `<dir>/.s.PGSQL.<port>`); nil: TCP to `host`.
    public var socketDirectory: String?
    /// The schema the tables live in (nil: the server's default, `public`).
    public var searchPath: String?

    /// True for the URLs this store takes (so a `--db` value can be routed here).
    public static func accepts(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - throws: ``PostgresLocationError`` naming what is missing or wrong in `text`.
    public init(url text: String) throws {
        guard Self.accepts(text), let c = URLComponents(string: text) else {
            throw PostgresLocationError(url: text, problem: "expected postgres://user@host[:port]/database")
        }
        guard let user = c.user, !user.isEmpty else {
            throw PostgresLocationError(url: text, problem: "no user (postgres://USER@host/database)")
        }
        let database = String(c.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError(url: text, problem: "no database name (postgres://user@host/DATABASE)")
        }
        var socket: String?
        var searchPath: String?
        for item in c.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("host", let dir) where dir.hasPrefix("/"): socket = dir
            case ("search_path", let schema) where schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) && !schema.isEmpty:
                searchPath = schema
            case ("search_path", let schema):
                throw PostgresLocationError(url: text, problem: "search_path \"\(schema)\" must be letters, digits and _")
            case ("sslmode", "disable"): break
            case ("sslmode", let mode):
                throw PostgresLocationError(url: text, problem: "sslmode=\(mode) is not supported (only disable)")
            case (let name, _):
                throw PostgresLocationError(url: text, problem: "unknown parameter \"\(name)\"")
            }
        }
        let host = c.host ?? ""
        guard socket != nil || !host.isEmpty else {
            throw PostgresLocationError(url: text, problem: "no host (postgres://user@HOST/database or ?host=/socket/dir)")
        }
        self.user = user
        self.password = c.password
        self.host = host
        self.port = c.port ?? 5432
        self.database = database
        self.socketDirectory = socket
        self.searchPath = searchPath
    }

    /// The URL without the password, for messages and logs.
    public var description: String {
        var query = [socketDirectory.map { "host=\($0)" }, searchPath.map { "search_path=\($0)" }].compactMap { $0 }
            .joined(separator: "&")
        if !query.isEmpty { query = "?" + query }
        let at = socketDirectory == nil ? "@\(host):\(port)/\(database)" : "@/\(database)"
        return "postgres://\(user)\(password == nil ? "" : ":***")\(at)\(query)"
    }

    var configuration: PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let dir = socketDirectory {
            config = .init(unixSocketPath: "\(dir)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            config = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        }
        config.options.connectTimeout = .seconds(10)
        if let searchPath { config.options.additionalStartupParameters = [("search_path", searchPath)] }
        return config
    }
}

/// A `--db`/`CRESCENT_DB` value that is not a usable PostgreSQL URL.
public struct PostgresLocationError: Error, CustomStringConvertible, Equatable {
    public var url: String
    public var problem: String
    public var description: String {
        // Never echo a password back.
        let shown = url.replacingOccurrences(of: #"://([^:@/]+):[^@/]*@"#, with: "://$1:***@", options: .regularExpression)
        return "PostgreSQL URL \(shown): \(problem)"
    }
}
