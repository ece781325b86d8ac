import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing
@testable import CrescentPostgres

/// TLS to PostgreSQL as the URL's `sslmode` asks. `require` never falls back to plain: a server
/// that offers no TLS (a fake one that answers the TLS request with "N", as PostgreSQL without
/// TLS does) is refused, saying why. The test cluster serves TLS with a certificate for
/// 127.0.0.1 signed by its own CA (`CRESCENT_TEST_POSTGRES_CA`): `require` connects encrypted,
/// `verify-full` connects when `sslrootcert` names that CA and refuses it on the system roots.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped))
struct PostgresTLSTests {
    static let ca = ProcessInfo.processInfo.environment["CRESCENT_TEST_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }
    static var hasCA: Bool { ca != nil }
    static let noCA: Comment = "CRESCENT_TEST_POSTGRES_CA is not set (.ci/postgres.sh sets it)"

    func testURL() throws -> PostgresURL {
        guard case .postgres(let url) = try StoreLocation.parse(try #require(TestPostgres.url)) else {
            throw PostgresStoreError(operation: "test setup", message: "CRESCENT_TEST_POSTGRES is not a postgres:// URL")
        }
        return url
    }

    /// Whether the store's own connection is encrypted, as the server sees it.
    func encrypted(_ store: PostgresStore) throws -> Bool {
        try store.pool.withSession { try $0.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0].decode(Bool.self) }
    }

    @Test func requireRefusesAServerWithoutTLS() throws {
        let server = try NoTLSServer()
        defer { server.stop() }
        var url = try testURL()
        url.host = "127.0.0.1"; url.port = server.port; url.tls = .require
        let error = #expect(throws: PostgresStoreError.self) { try PostgresStore(url: url) }
        #expect(error?.description.contains("offers no TLS") == true, "\(String(describing: error))")
        #expect(server.tlsRequests >= 1, "the client never asked for TLS")
    }

    @Test func aCommandAskedForTLSExitsWithTheReason() throws {
        let server = try NoTLSServer()
        defer { server.stop() }
        let r = try BuiltCLI.run(["bench", "serve", "--members", "1", "--db",
                                  "postgres://crescent@127.0.0.1:\(server.port)/crescent_test?sslmode=require"])
        #expect(r.reason == .exit && r.status == 2, "\(r.output)")
        #expect(r.stderr.contains("offers no TLS"), "\(r.output)")
    }

    @Test(.enabled(if: PostgresTLSTests.hasCA, PostgresTLSTests.noCA))
    func requireAndVerifyFullConnectEncryptedAndPlainStaysPlain() throws {
        var url = try testURL()
        url.tls = .disable
        let plain = try PostgresStore(url: url)
        #expect(try encrypted(plain) == false)
        plain.close()
        url.tls = .require
        let required = try PostgresStore(url: url)
        #expect(try encrypted(required))
        required.close()
        url.tls = .verifyFull
        url.rootCertificate = Self.ca
        let verified = try PostgresStore(url: url)
        #expect(try encrypted(verified))
        verified.close()
    }

    @Test(.enabled(if: PostgresTLSTests.hasCA, PostgresTLSTests.noCA))
    func verifyFullRefusesACertificateItCannotTrust() throws {
        var url = try testURL()
        url.tls = .verifyFull
        // The system roots do not hold the test cluster's CA.
        let untrusted = #expect(throws: PostgresStoreError.self) { try PostgresStore(url: url) }
        #expect(untrusted?.description.lowercased().contains("certificate") == true, "\(String(describing: untrusted))")
        // A root file that is not there is named, before any connection.
        url.rootCertificate = "/nonexistent/ca.pem"
        let missing = #expect(throws: PostgresStoreError.self) { try PostgresStore(url: url) }
        #expect(missing?.description.contains("sslrootcert \"/nonexistent/ca.pem\" cannot be read") == true,
                "\(String(describing: missing))")
    }
}

/// A TCP server on 127.0.0.1 that answers every PostgreSQL SSLRequest with "N" (no TLS), as
/// a server without TLS does, then closes the connection.
final class NoTLSServer: @unchecked Sendable {
    let port: Int
    private let socket: Int32
    private let lock = NSLock()
    private var requests = 0
    private var thread: Thread?

    var tlsRequests: Int { lock.withLock { requests } }

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard socket >= 0, bound == 0, listen(socket, 8) == 0 else {
            throw PostgresStoreError(operation: "test setup", message: "cannot listen on 127.0.0.1")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        self.thread = thread
        thread.start()
    }

    private func serve() {
        while true {
            let client = accept(socket, nil, nil)
            guard client >= 0 else { return }   // the listening socket was shut down
            // SSLRequest: length 8, code 80877103.
            var request = [UInt8](repeating: 0, count: 8)
            if recv(client, &request, 8, Int32(MSG_WAITALL)) == 8, request == [0, 0, 0, 8, 4, 210, 22, 47] {
                lock.withLock { requests += 1 }
                _ = send(client, "N", 1, 0)
                var rest = [UInt8](repeating: 0, count: 512)
                _ = recv(client, &rest, rest.count, 0)   // until the client gives up and closes
            }
            close(client)
        }
    }

    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }
}
