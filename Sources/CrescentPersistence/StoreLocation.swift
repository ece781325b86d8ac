import Foundation

/// Where a store lives, as `--db` (or `CRESCENT_DB`) names it: a SQLite file path, or a
/// PostgreSQL URL `postgres://user[:password]@host[:port]/database`.
///
/// For example:
/// ```swift
/// try StoreLocation.parse("crm.sqlite")                        // .sqlite(path: "crm.sqlite")
/// try StoreLocation.parse("postgres://crm@db.internal/crm")    // .postgres(PostgresURL(...))
/// try StoreLocation.resolve(option: nil, environment: ["CRESCENT_DB": "crm.sqlite"])
/// ```
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// The environment variable read when `--db` is absent.
    public static let environmentVariable = "CRESCENT_DB"

    /// Reads a `--db` value: a `postgres://` or `postgresql://` URL, else a SQLite path.
    /// - throws: ``StoreLocationError`` for an empty value, a malformed URL or another scheme.
    public static func parse(_ text: String) throws -> StoreLocation {
        guard !text.isEmpty else { throw StoreLocationError(text: text, problem: "is empty") }
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "postgres" || scheme == "postgresql" else {
                throw StoreLocationError(text: text, problem: "has scheme \"\(scheme)\"; use a SQLite file path or postgres://user@host/db")
            }
            return .postgres(try PostgresURL(parsing: text, rest: String(text[schemeEnd.upperBound...])))
        }
        return .sqlite(path: text)
    }

    /// `--db` when given, else `CRESCENT_DB`.
    /// - throws: ``StoreLocationError`` when neither names a store, or the one given is malformed.
    public static func resolve(option: String?, environment: [String: String]) throws -> StoreLocation {
        if let option { return try parse(option) }
        if let value = environment[environmentVariable] { return try parse(value) }
        throw StoreLocationError(text: "", problem: "no store given: pass --db FILE|postgres://user@host/db or set \(environmentVariable)")
    }

    /// The path of a SQLite store, or nil for PostgreSQL.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    /// As given, without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return url.description
        }
    }
}

/// A PostgreSQL connection URL's parts: `postgres://user[:password]@host[:port]/database`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// `?sslmode=`: whether the connection is encrypted (plain unless asked).
    public var tls: PostgresTLSMode = .disable
    /// `&sslrootcert=PATH`: the PEM file of the certificate authorities `verify-full` trusts
    /// (a company's own CA) instead of the system roots.
    public var rootCertificate: String?

    public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String,
                tls: PostgresTLSMode = .disable) {
        self.user = user; self.password = password; self.host = host; self.port = port; self.database = database
        self.tls = tls
    }

    init(parsing text: String, rest: String) throws {
        func fail(_ problem: String) -> StoreLocationError {
            StoreLocationError(text: text, problem: problem + "; expected postgres://user@host/db")
        }
        guard !text.contains("#") else { throw fail("has a fragment") }
        // Only `sslmode` and `sslrootcert` are understood; any other parameter is refused rather than ignored.
        var tls = PostgresTLSMode.disable
        var rootCertificate: String?
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count > 1 {
            for parameter in parts[1].split(separator: "&") {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                switch (pair.first, pair.count) {
                case ("sslmode", 2):
                    guard let mode = PostgresTLSMode(rawValue: pair[1]) else {
                        throw fail("has sslmode \"\(pair[1])\", not disable, require or verify-full")
                    }
                    tls = mode
                case ("sslrootcert", 2):
                    guard let path = pair[1].removingPercentEncoding, !path.isEmpty else { throw fail("has an empty sslrootcert") }
                    rootCertificate = path
                default:
                    throw fail("has query parameter \"\(pair[0])\"; only sslmode=disable|require|verify-full and sslrootcert=PATH are understood")
                }
            }
        }
        if rootCertificate != nil, tls != .verifyFull {
            throw fail("has sslrootcert without sslmode=verify-full (the certificate is only checked with verify-full)")
        }
        let rest = String(parts[0])
        guard let at = rest.lastIndex(of: "@") else { throw fail("names no user") }
        let credentials = rest[..<at], place = rest[rest.index(after: at)...]
        let userPart = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let user = userPart.first.map(String.init), !user.isEmpty else { throw fail("names no user") }
        guard let slash = place.firstIndex(of: "/") else { throw fail("names no database") }
        let hostPort = place[..<slash], database = String(place[place.index(after: slash)...])
        guard !database.isEmpty, !database.contains("/") else { throw fail("names no database") }
        var host = String(hostPort), port = 5432
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = String(hostPort[..<colon])
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65_535).contains(p) else {
                throw fail("has port \"\(hostPort[hostPort.index(after: colon)...])\", not 1...65535")
            }
            port = p
        }
        guard !host.isEmpty else { throw fail("names no host") }
        self.init(user: user, password: userPart.count > 1 ? String(userPart[1]) : nil, host: host, port: port,
                  database: database, tls: tls)
        self.rootCertificate = rootCertificate
    }

    /// The URL without its password, for logs and messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" + query }

    private var query: String {
        guard tls != .disable else { return "" }
        let root = rootCertificate.map { "&sslrootcert=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0) } ?? ""
        return "?sslmode=\(tls.rawValue)" + root
    }

    /// The URL with its password, to hand to a child process through `CRESCENT_DB` (never
    /// on a command line, where `ps` shows it, and never in a log).
    public var connectionString: String {
        "postgres://\(user)" + (password.map { ":\($0)" } ?? "") + "@\(host):\(port)/\(database)" + query
    }
}

/// Whether a PostgreSQL connection is encrypted: `?sslmode=` in the URL, as libpq spells it.
public enum PostgresTLSMode: String, Sendable, Equatable {
    /// Plain TCP (the default): keep the database on a private network.
    case disable
    /// TLS or no connection: a server that does not offer it is refused. As with libpq's
    /// `require`, the certificate is not checked (a private CA, a self-signed server).
    case require
    /// TLS with the certificate verified against the system roots (or the URL's `sslrootcert`)
    /// and the host name (or the IP address the URL names).
    case verifyFull = "verify-full"
}

/// A `--db` / `CRESCENT_DB` value that names no store, with what is wrong.
public struct StoreLocationError: Error, CustomStringConvertible, Equatable {
    public var text: String
    public var problem: String
    public var description: String {
        text.isEmpty && problem.hasPrefix("no store") ? problem : "--db \"\(Self.redacted(text))\" \(problem)"
    }

    /// The value without a password, so it never reaches a log.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.lastIndex(of: "@"), at > scheme.upperBound else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

/// A store that cannot be opened: the server does not answer, refuses the login, or a
/// migration fails. `reason` is the store's own message (never the password).
public struct StoreUnavailable: Error, CustomStringConvertible, Equatable {
    public var location: StoreLocation
    public var reason: String
    public var description: String { "cannot open \(location): \(reason)" }
    public init(location: StoreLocation, reason: String) { self.location = location; self.reason = reason }
}
