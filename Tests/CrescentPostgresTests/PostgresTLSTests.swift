import CrescentPersistence
import CrescentTestSupport
import Testing
@testable import CrescentPostgres

/// `?sslmode=require` never falls back to plain: the test cluster offers no TLS, so the store
/// refuses to open, saying why, and a command exits 2 with the same message.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped))
struct PostgresTLSTests {
    @Test func requireRefusesAServerWithoutTLS() throws {
        guard case .postgres(var url) = try StoreLocation.parse(try #require(TestPostgres.url)) else { return }
        url.tls = .require
        let error = #expect(throws: PostgresStoreError.self) { try PostgresStore(url: url) }
        #expect(error?.description.contains("offers no TLS") == true, "\(String(describing: error))")
        url.tls = .disable
        // The same server, plain as asked: it opens.
        try PostgresStore(url: url).close()
    }

    @Test func aCommandAskedForTLSExitsWithTheReason() throws {
        let base = try #require(TestPostgres.url)
        let r = try BuiltCLI.run(["bench", "serve", "--members", "1", "--db", base + "?sslmode=require"])
        #expect(r.reason == .exit && r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("offers no TLS"), "\(r.output)")
    }
}
