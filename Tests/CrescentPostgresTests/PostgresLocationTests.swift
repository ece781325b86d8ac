import Testing
@testable import CrescentPostgres

/// URL parsing needs no server.
@Suite struct PostgresLocationTests {
    @Test func parsesTCPAndSocketURLs() throws {
        let tcp = try PostgresLocation(url: "postgres://crescent:s3cret@db.internal:6432/crm?search_path=brand_a")
        #expect(tcp.user == "crescent" && tcp.password == "s3cret")
        #expect(tcp.host == "db.internal" && tcp.port == 6432 && tcp.database == "crm")
        #expect(tcp.searchPath == "brand_a" && tcp.socketDirectory == nil)
        #expect(tcp.description == "postgres://crescent:***@db.internal:6432/crm?search_path=brand_a")

        let socket = try PostgresLocation(url: "postgresql://crescent@/crm?host=/var/run/postgresql")
        #expect(socket.socketDirectory == "/var/run/postgresql" && socket.port == 5432)
        #expect(socket.description == "postgres://crescent@/crm?host=/var/run/postgresql")
        #expect(PostgresLocation.accepts("postgres://x@y/z") && !PostgresLocation.accepts("crm.sqlite"))
    }

    @Test(arguments: [
        ("crm.sqlite", "expected postgres://"),
        ("postgres://db.internal/crm", "no user"),
        ("postgres://crescent@db.internal/", "no database name"),
        ("postgres://crescent@/crm", "no host"),
        ("postgres://crescent@db/crm?sslmode=require", "sslmode=require is not supported"),
        ("postgres://crescent@db/crm?search_path=a;drop", "must be letters, digits and _"),
        ("postgres://crescent@db/crm?colour=blue", "unknown parameter \"colour\""),
    ])
    func refusesWhatItCannotUse(url: String, problem: String) {
        #expect {
            try PostgresLocation(url: url)
        } throws: { error in
            (error as? PostgresLocationError)?.problem.contains(problem) == true
        }
    }

    @Test func errorsNeverEchoThePassword() {
        let error = PostgresLocationError(url: "postgres://crescent:hunter2@db/", problem: "no database name")
        #expect(!error.description.contains("hunter2"))
        #expect(error.description.contains("postgres://crescent:***@db/"))
    }
}
