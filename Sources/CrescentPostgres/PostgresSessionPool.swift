import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A blocking front to postgres-nio for the synchronous engine: a small pool of connections,
/// each call waiting on its `EventLoopFuture` (`wait()`).
///
/// Why blocking: the engine and the store protocols are synchronous (the SQLite store is
/// GRDB). The wait happens on the caller's thread, never on an event loop (NIO traps that),
/// so callers run the store from their own threads or a blocking queue, as they do with GRDB.
/// Connections run on their own event loop group, so waiting callers cannot starve them.
final class PostgresSessionPool: @unchecked Sendable {
    let endpoint: PostgresEndpoint
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let maxConnections: Int
    /// Guards `idle`, `open` and `closed`; waiters sleep on it until a connection comes back.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var closed = false
    private var nextId = 0
    private let blockingQueue = DispatchQueue(label: "crescent.postgres.blocking", attributes: .concurrent)

    /// - parameter maxConnections: at most this many connections at once; a caller beyond it waits.
    init(endpoint: PostgresEndpoint, maxConnections: Int = 8) {
        self.endpoint = endpoint
        self.maxConnections = max(1, maxConnections)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "crescent.postgres")
        logger.logLevel = .warning
        self.logger = logger
    }

    deinit { try? group.syncShutdownGracefully() }

    /// Runs `body` on one connection (autocommit: each statement its own transaction).
    func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try checkOut()
        var healthy = true
        defer { checkIn(connection, healthy: healthy) }
        do {
            return try body(PostgresSession(connection: connection, logger: logger))
        } catch {
            healthy = !connection.isClosed
            throw error
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    ///
    /// A deadlock or serialization failure (two nodes locking the same rows in another order)
    /// rolls back and runs `body` again, up to `retries` times: `body` must therefore only
    /// touch the store and values it computes afresh.
    func transaction<T>(retries: Int = 3, _ body: (PostgresSession) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try withSession { session in
                    try session.execute("BEGIN")
                    do {
                        let result = try body(session)
                        try session.execute("COMMIT")
                        return result
                    } catch {
                        if !session.connection.isClosed { _ = try? session.execute("ROLLBACK") }
                        throw error
                    }
                }
            } catch let error as PostgresStoreError where error.isRetryable && attempt < retries {
                attempt += 1
            }
        }
    }

    /// Runs blocking store work for an `async` caller on a thread of its own, so a waiting
    /// query never holds a thread of Swift's cooperative pool.
    func async<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            blockingQueue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Closes every connection; later calls throw.
    func close() {
        condition.lock()
        closed = true
        let toClose = idle
        idle = []
        condition.unlock()
        for c in toClose { let closing: EventLoopFuture<Void> = c.close(); _ = try? closing.wait() }
    }

    private func checkOut() throws -> PostgresConnection {
        condition.lock()
        while true {
            if closed { condition.unlock(); throw PostgresStoreError(operation: "connect", message: "the store was closed") }
            if let c = idle.popLast() {
                if c.isClosed { open -= 1; continue }
                condition.unlock()
                return c
            }
            if open < maxConnections { break }
            condition.wait()
        }
        open += 1
        nextId += 1
        let id = nextId
        condition.unlock()
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: try endpoint.configuration(), id: id,
                                                  logger: logger).wait()
        } catch {
            condition.lock(); open -= 1; condition.signal(); condition.unlock()
            throw PostgresStoreError(operation: "connect to \(endpoint)", error)
        }
    }

    private func checkIn(_ connection: PostgresConnection, healthy: Bool) {
        condition.lock()
        if healthy && !closed && !connection.isClosed {
            idle.append(connection)
        } else {
            open -= 1
            let closing: EventLoopFuture<Void> = connection.close(); _ = closing
        }
        condition.signal()
        condition.unlock()
    }
}

/// One connection lent for the length of a call; statements run in order, blocking.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs one statement and returns its rows.
    /// - throws: ``PostgresStoreError`` with the server's message and SQLSTATE.
    @discardableResult
    func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) throws -> [PostgresRow] {
        try run(query, file: file, line: line).rows
    }

    /// Runs one statement and returns how many rows it wrote (INSERT/UPDATE/DELETE).
    @discardableResult
    func execute(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) throws -> Int {
        try run(query, file: file, line: line).metadata.rows ?? 0
    }

    private func run(_ query: PostgresQuery, file: String, line: Int) throws -> PostgresQueryResult {
        do {
            return try connection.query(query, logger: logger, file: file, line: line).wait()
        } catch {
            throw PostgresStoreError(operation: "\(file):\(line)", error)
        }
    }
}

/// A statement or connection that failed, with the server's own words.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var operation: String
    public var message: String
    /// The server's SQLSTATE (`23505` unique violation, `40P01` deadlock, …), when it answered.
    public var sqlState: String?

    init(operation: String, message: String, sqlState: String? = nil) {
        self.operation = operation; self.message = message; self.sqlState = sqlState
    }

    init(operation: String, _ error: any Error) {
        self.operation = operation
        if let e = error as? PSQLError {
            sqlState = e.serverInfo?[.sqlState]
            // PSQLError's description is deliberately vague; the server message is what helps.
            message = e.serverInfo.map { info in
                [info[.message], info[.detail]].compactMap { $0 }.joined(separator: ": ")
            } ?? (e.code == .sslUnsupported ? "the server offers no TLS, and the URL's sslmode requires it"
                  // A connection that failed below the protocol (TLS, the network) says why there.
                  : e.underlying.map { "\(e.code): \($0)" } ?? "\(e.code)")
        } else if let e = error as? PostgresStoreError {
            self = e
        } else {
            message = "\(error)"
        }
    }

    /// Deadlock or serialization failure: the transaction can simply run again.
    public var isRetryable: Bool { sqlState == "40P01" || sqlState == "40001" }

    public var description: String {
        "PostgreSQL \(operation): \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}
