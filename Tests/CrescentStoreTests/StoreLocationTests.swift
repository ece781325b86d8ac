import CrescentStore
import Foundation
import Testing

@Suite("StoreLocation")
struct StoreLocationTests {
    @Test("a path is a SQLite store; postgres:// and postgresql:// URLs are PostgreSQL with their parts")
    func parses() throws {
        #expect(try StoreLocation.parse("crm.sqlite") == .sqlite(path: "crm.sqlite"))
        #expect(try StoreLocation.parse("/var/lib/crescent/a b.sqlite") == .sqlite(path: "/var/lib/crescent/a b.sqlite"))
        #expect(try StoreLocation.parse("postgres://crm@db.internal/crm")
                == .postgres(PostgresURL(user: "crm", host: "db.internal", port: 5432, database: "crm")))
        #expect(try StoreLocation.parse("postgresql://crm:s3cret@127.0.0.1:6543/crescent")
                == .postgres(PostgresURL(user: "crm", password: "s3cret", host: "127.0.0.1", port: 6543, database: "crescent")))
    }

    @Test("a password never reaches a description or an error message")
    func redactsPasswords() throws {
        let location = try StoreLocation.parse("postgres://crm:s3cret@db/crm")
        #expect(location.description == "postgres://crm@db:5432/crm")
        #expect(!"\(StoreUnavailable(location: location, reason: "connection refused"))".contains("s3cret"))
        let bad = #expect(throws: StoreLocationError.self) { try StoreLocation.parse("postgres://crm:s3cret@db:99999/crm") }
        #expect(bad?.description.contains("s3cret") == false)
        #expect(bad?.description.contains("crm:***@db") == true)
    }

    @Test("malformed values are refused, naming the value and what is missing",
          arguments: [("", "is empty"), ("mysql://u@h/db", "has scheme \"mysql\""), ("postgres://db.internal/crm", "names no user"),
                      ("postgres://crm@db.internal", "names no database"), ("postgres://crm@db.internal/", "names no database"),
                      ("postgres://crm@/crm", "names no host"), ("postgres://crm@db:port/crm", "has port \"port\""),
                      ("postgres://crm@db/crm?sslmode=prefer", "has sslmode \"prefer\""),
                      ("postgres://crm@db/crm?connect_timeout=3", "has query parameter \"connect_timeout\""),
                      ("postgres://crm@db/crm?sslmode=require&sslrootcert=/etc/ca.pem", "has sslrootcert without sslmode=verify-full"),
                      ("postgres://crm@db/crm?sslmode=verify-full&sslrootcert=", "has an empty sslrootcert"),
                      ("postgres://crm@db/crm#x", "has a fragment")])
    func refusesMalformed(text: String, problem: String) {
        let error = #expect(throws: StoreLocationError.self) { try StoreLocation.parse(text) }
        #expect(error?.problem.hasPrefix(problem) == true, "\(String(describing: error))")
        #expect(error?.description.contains(problem) == true)
    }

    @Test("sslmode=require or verify-full asks for TLS, kept in the URL handed on; plain by default")
    func sslMode() throws {
        for (text, mode) in [("postgres://crm@db/crm", PostgresTLSMode.disable), ("postgres://crm@db/crm?sslmode=disable", .disable),
                             ("postgres://crm:pw@db/crm?sslmode=require", .require), ("postgres://crm@db/crm?sslmode=verify-full", .verifyFull)] {
            guard case .postgres(let url) = try StoreLocation.parse(text) else { Issue.record("\(text) is not postgres"); continue }
            #expect(url.tls == mode, "\(text)")
            #expect(try StoreLocation.parse(url.connectionString) == .postgres(url), "\(text) round-trips")
            #expect(!url.description.contains("pw"))
        }
    }

    @Test("sslrootcert names the CA file verify-full trusts, percent-decoded, and round-trips")
    func sslRootCertificate() throws {
        let text = "postgres://crm@db/crm?sslmode=verify-full&sslrootcert=/etc/crescent/our%20ca.pem"
        guard case .postgres(let url) = try StoreLocation.parse(text) else { Issue.record("not postgres"); return }
        #expect(url.tls == .verifyFull && url.rootCertificate == "/etc/crescent/our ca.pem")
        #expect(try StoreLocation.parse(url.connectionString) == .postgres(url))
        #expect(url.description.hasSuffix("?sslmode=verify-full&sslrootcert=/etc/crescent/our%20ca.pem"))
    }

    @Test("--db wins over CRESCENT_DB; CRESCENT_DB is used without --db; neither is a clear error")
    func resolves() throws {
        let env = ["CRESCENT_DB": "postgres://crm@db/crm"]
        #expect(try StoreLocation.resolve(option: "a.sqlite", environment: env) == .sqlite(path: "a.sqlite"))
        #expect(try StoreLocation.resolve(option: nil, environment: env).sqlitePath == nil)
        let none = #expect(throws: StoreLocationError.self) { try StoreLocation.resolve(option: nil, environment: [:]) }
        #expect(none?.description.contains("CRESCENT_DB") == true)
        #expect(none?.description.contains("--db") == true)
    }

    @Test("opening a SQLite location gives a working store; a PostgreSQL server that does not answer is a clear error")
    func opens() throws {
        let files = try TestFiles()
        let store = try StoreLocation.sqlite(path: files.dir + "/s.sqlite").open()
        try store.insert(members: [])
        #expect(try store.counts().members == 0)
        #expect(store.location == .sqlite(path: files.dir + "/s.sqlite"))
        // Nothing listens on port 1.
        let pg = try StoreLocation.parse("postgres://crm:s3cret@127.0.0.1:1/crm")
        let refused = #expect(throws: StoreUnavailable.self) { try pg.open() }
        #expect(refused?.description.hasPrefix("cannot open postgres://crm@127.0.0.1:1/crm: PostgreSQL connect") == true,
                "\(String(describing: refused))")
        #expect(refused?.description.contains("s3cret") == false)
    }
}
