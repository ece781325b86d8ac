import CrescentPersistence
import CrescentPostgres
import CrescentStore
import Foundation

/// The stores a suite runs on: SQLite always, PostgreSQL too when `CRESCENT_TEST_POSTGRES`
/// names a server (`.ci/run` sets it; `eval "$(.ci/postgres.sh start)"` starts one). Each test
/// gets a store of its own: SQLite in memory or in a new temporary directory, PostgreSQL a
/// scratch database dropped afterwards.
///
/// For example:
/// ```swift
/// @Test(arguments: TestStoreKind.all)
/// func replayIsANoOp(kind: TestStoreKind) throws {
///     try kind.withStore { store in … }
/// }
/// ```
public enum TestStoreKind: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    /// The server the PostgreSQL runs create their scratch databases on.
    public static let postgresServer: PostgresURL? = {
        guard let text = ProcessInfo.processInfo.environment["CRESCENT_TEST_POSTGRES"], !text.isEmpty else { return nil }
        guard case .postgres(let url) = try? StoreLocation.parse(text) else {
            fatalError("CRESCENT_TEST_POSTGRES=\(text) is not a postgres://user@host/db URL")
        }
        return url
    }()

    /// Every kind available here. Without a server it says once why PostgreSQL is left out.
    public static let all: [TestStoreKind] = {
        if postgresServer != nil { return [.sqlite, .postgres] }
        FileHandle.standardError.write(Data("""
            note: CRESCENT_TEST_POSTGRES is not set, so the store, issuing, journey and serve suites run on SQLite \
            only; eval "$(.ci/postgres.sh start)" starts a throwaway PostgreSQL and sets it.\n
            """.utf8))
        return [.sqlite]
    }()

    public var description: String { rawValue }

    /// Runs `body` on a fresh empty store of this kind (SQLite in memory).
    public func withStore<T>(_ body: (any DataStore) throws -> T) throws -> T {
        switch self {
        case .sqlite: return try body(try CrescentStore())
        case .postgres: return try withScratch { try $0.withOpened(body) }
        }
    }

    /// Runs `body` with a fresh store location of this kind, for tests that open it several times
    /// or pass it to the built CLI as `--db`; the location's directory is theirs for other files.
    public func withScratch<T>(_ body: (ScratchStore) throws -> T) throws -> T {
        let scratch = try ScratchStore(kind: self)
        defer { scratch.remove() }
        return try body(scratch)
    }

    public func withScratch<T>(_ body: (ScratchStore) async throws -> T) async throws -> T {
        let scratch = try ScratchStore(kind: self)
        defer { scratch.remove() }
        return try await body(scratch)
    }
}

/// One test's store and working directory: a SQLite file in the directory, or a scratch
/// PostgreSQL database.
public struct ScratchStore: Sendable {
    public let kind: TestStoreKind
    /// A new temporary directory (the SQLite file lives in it).
    public let dir: String
    public let location: StoreLocation
    /// What to pass as `--db` (the PostgreSQL URL with its password, if any).
    public let db: String
    private let database: PostgresScratchDatabase?
    private let opened = OpenedStores()

    init(kind: TestStoreKind) throws {
        self.kind = kind
        dir = NSTemporaryDirectory() + "crescent-\(kind)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        switch kind {
        case .sqlite:
            database = nil
            db = dir + "/store.sqlite"
            location = .sqlite(path: db)
        case .postgres:
            guard let server = TestStoreKind.postgresServer else {
                throw StoreUnavailable(location: .sqlite(path: ""), reason: "CRESCENT_TEST_POSTGRES is not set")
            }
            let database = try PostgresScratchDatabase(server: server)
            self.database = database
            location = .postgres(database.url)
            let u = database.url
            db = "postgres://\(u.user)\(u.password.map { ":" + $0 } ?? "")@\(u.host):\(u.port)/\(u.database)"
        }
    }

    /// A new connection to the store (created and migrated on first open); closed when the
    /// test's scratch store is removed.
    public func open() throws -> any DataStore {
        let store = try location.open()
        opened.add(store)
        return store
    }

    /// Releases a store's connections now rather than when it is freed (PostgreSQL).
    public static func close(_ store: any DataStore) { (store as? PostgresStore)?.close() }

    /// Opens the store for `body`.
    public func withOpened<T>(_ body: (any DataStore) throws -> T) throws -> T { try body(try open()) }

    /// The store's hostile-row helpers (either store has them).
    package static func faults(_ store: any DataStore) -> any StoreFaults {
        guard let faults = store as? any StoreFaults else { fatalError("\(type(of: store)) has no StoreFaults") }
        return faults
    }

    func remove() {
        opened.closeAll()
        database?.drop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// The stores a test opened, closed before its scratch store is removed (PostgreSQL's
/// connections and threads would otherwise linger until the stores are freed).
private final class OpenedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [any DataStore] = []
    func add(_ store: any DataStore) { lock.withLock { stores.append(store) } }
    func closeAll() {
        for store in lock.withLock({ stores }) { (store as? PostgresStore)?.close() }
    }
}
