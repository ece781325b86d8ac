import CrescentPersistence
import PostgresNIO

/// What the pool connects to: the `--db` URL (parsed by ``StoreLocation``), and optionally a
/// schema to keep the tables in (the tests give each test its own; nil: `public`).
///
/// TLS is not negotiated: run the store on a private network, see docs/DEPLOY.md.
struct PostgresEndpoint: Sendable, CustomStringConvertible {
    var url: PostgresURL
    /// Letters, digits and `_` only (it is spliced into `CREATE SCHEMA`).
    var searchPath: String?

    init(url: PostgresURL, searchPath: String? = nil) {
        precondition(searchPath?.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ?? true, "bad schema name")
        self.url = url; self.searchPath = searchPath
    }

    var description: String { url.description + (searchPath.map { " (schema \($0))" } ?? "") }

    var configuration: PostgresConnection.Configuration {
        var config = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                      password: url.password, database: url.database, tls: .disable)
        config.options.connectTimeout = .seconds(10)
        if let searchPath { config.options.additionalStartupParameters = [("search_path", searchPath)] }
        return config
    }
}
