import CrescentPersistence
import Foundation
import NIOSSL
import PostgresNIO

/// What the pool connects to: the `--db` URL (parsed by ``StoreLocation``), and optionally a
/// schema to keep the tables in (the tests give each test its own; nil: `public`).
///
/// TLS as the URL's `sslmode` asks (``PostgresTLSMode``); plain by default, see docs/DEPLOY.md.
struct PostgresEndpoint: Sendable, CustomStringConvertible {
    var url: PostgresURL
    /// Letters, digits and `_` only (it is spliced into `CREATE SCHEMA`).
    var searchPath: String?

    init(url: PostgresURL, searchPath: String? = nil) {
        precondition(searchPath?.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ?? true, "bad schema name")
        self.url = url; self.searchPath = searchPath
    }

    var description: String { url.description + (searchPath.map { " (schema \($0))" } ?? "") }

    /// - throws: NIOSSL's error when a TLS context cannot be made (no system roots).
    func configuration() throws -> PostgresConnection.Configuration {
        var config = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                      password: url.password, database: url.database, tls: try tls())
        config.options.connectTimeout = .seconds(10)
        if let searchPath { config.options.additionalStartupParameters = [("search_path", searchPath)] }
        return config
    }

    /// postgres-nio's `.require` fails the connection when the server offers no TLS: never plain.
    private func tls() throws -> PostgresConnection.Configuration.TLS {
        switch url.tls {
        case .disable: return .disable
        case .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: tls))
        case .verifyFull:
            var tls = TLSConfiguration.makeClientConfiguration()
            if let root = url.rootCertificate {
                guard FileManager.default.isReadableFile(atPath: root) else {
                    throw PostgresStoreError(operation: "connect to \(url)", message: "sslrootcert \"\(root)\" cannot be read")
                }
                tls.trustRoots = .file(root)
            }
            return .require(try NIOSSLContext(configuration: tls))
        }
    }
}
