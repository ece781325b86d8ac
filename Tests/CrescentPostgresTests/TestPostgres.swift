import CrescentCore
import CrescentPersistence
import Foundation
import PostgresNIO
import Testing
@testable import CrescentPostgres

/// The database the PostgreSQL suites run against: `CRESCENT_TEST_POSTGRES`, set by `.ci/run`
/// (and by `eval "$(.ci/postgres.sh start)"` for a developer). Without it the suites skip.
enum TestPostgres {
    static let url: String? = ProcessInfo.processInfo.environment["CRESCENT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static var enabled: Bool { url != nil }
    static let skipped: Comment = """
        CRESCENT_TEST_POSTGRES is not set, so the PostgreSQL suites are skipped; \
        eval "$(.ci/postgres.sh start)" starts a throwaway cluster and sets it
        """

    /// Stores opened on one fresh schema, each with its own connections as separate processes
    /// would have; ``drop(_:)`` removes the schema.
    struct Fresh {
        var stores: [PostgresStore]
        var schema: String
        var store: PostgresStore { stores[0] }
    }

    static func openFresh(nodes: Int = 1, maxConnections: Int = 8, clock: (@Sendable () -> Timestamp)? = nil) throws -> Fresh {
        guard case .postgres(let parsed) = try StoreLocation.parse(try #require(url)) else {
            throw PostgresStoreError(operation: "test setup", message: "CRESCENT_TEST_POSTGRES is not a postgres:// URL")
        }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let endpoint = PostgresEndpoint(url: parsed, searchPath: schema)
        let stores = try (0..<nodes).map { _ in
            try clock.map { try PostgresStore(endpoint: endpoint, maxConnections: maxConnections, clock: $0) }
                ?? PostgresStore(endpoint: endpoint, maxConnections: maxConnections)
        }
        return Fresh(stores: stores, schema: schema)
    }

    static func drop(_ fresh: Fresh) {
        _ = try? fresh.store.pool.withSession {
            try $0.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(fresh.schema)\" CASCADE"))
        }
        for s in fresh.stores { s.close() }
    }

    /// Runs `body` on `nodes` stores of one fresh schema, then drops it.
    static func withStores<T>(nodes: Int = 1, maxConnections: Int = 8, clock: (@Sendable () -> Timestamp)? = nil,
                              _ body: ([PostgresStore]) throws -> T) throws -> T {
        let fresh = try openFresh(nodes: nodes, maxConnections: maxConnections, clock: clock)
        defer { drop(fresh) }
        return try body(fresh.stores)
    }

    /// Runs `body` with a fresh database of its own (as `crescent serve` nodes need: they take a
    /// URL, not a schema) and a temporary folder holding an empty `scripts` folder; both are
    /// dropped afterwards.
    static func withDatabase(_ body: (PostgresURL, String) async throws -> Void) async throws {
        guard case .postgres(let base) = try StoreLocation.parse(try #require(url)) else { return }
        let name = "c_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try PostgresStore(url: base)
        defer { admin.close() }
        try admin.pool.withSession { try $0.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        var database = base
        database.database = name
        let dir = NSTemporaryDirectory() + "crescent-db-" + name
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            _ = try? admin.pool.withSession { try $0.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
        }
        try await body(database, dir)
    }

    static func withStore<T>(_ body: (PostgresStore) throws -> T) throws -> T {
        try withStores(nodes: 1) { try body($0[0]) }
    }
}

/// Results of `raceThreads`, written under a lock by the racing threads.
final class RaceResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var results: [Int: Result<T, any Error>] = [:]
}

/// Runs `body(0..<n)` on `n` threads at once (not the cooperative pool: the store blocks),
/// released together by a gate so they really race; returns the results in index order.
func raceThreads<T: Sendable>(_ n: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let box = RaceResults<T>()
    let gate = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for i in 0..<n {
        done.enter()
        let thread = Thread {
            gate.wait()
            let r = Result { try body(i) }
            box.lock.withLock { box.results[i] = r }
            done.leave()
        }
        thread.start()
    }
    for _ in 0..<n { gate.signal() }
    done.wait()
    return try (0..<n).map { try box.results[$0]!.get() }
}

let day0 = Day(year: 2026, month: 11, day: 2)
let t0 = Timestamp(day: day0, hour: 10)

func member(_ id: Int64) -> Member { Member(id: id, joinDate: Day(year: 2025, month: 1, day: 1), consent: ["sms"]) }
