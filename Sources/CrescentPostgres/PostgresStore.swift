import CrescentCore
import CrescentPersistence
import Foundation
import PostgresNIO

/// The store on PostgreSQL (`--db postgres://user@host/db`), for brands that run several
/// `crescent serve` nodes on one database. It implements ``DataStore`` with the SQLite
/// store's schema concepts and idempotency keys, so every write is replayable the same way.
///
/// What several nodes add:
/// - claiming: due journeys, accepted events, scheduled runs and pending deliveries are handed
///   to one node at a time (`FOR UPDATE SKIP LOCKED`) under a ``WorkLease`` (`claimed_by`,
///   `lease_until`) that a dead node's work outlives by at most the lease length;
/// - stock and budget: an issuing batch locks its campaigns' reservation rows (`FOR UPDATE`)
///   and its members (advisory locks) for its transaction, so concurrent batches on any node
///   never overspend nor pass a frequency cap twice; a single claim takes stock by one
///   conditional `UPDATE`.
///
/// Calls block the calling thread (``PostgresSessionPool`` waits on postgres-nio's futures);
/// the protocol's `async` methods run that wait on a thread of their own.
///
/// For example:
/// ```swift
/// let store = try PostgresStore(url: PostgresURL(user: "crescent", host: "127.0.0.1", database: "crm"))
/// let due = try store.claimDueJourneyMembers(now: now, limit: 500, lease: WorkLease(node: "a", seconds: 60))
/// ```
public final class PostgresStore: DataStore {
    let pool: PostgresSessionPool
    let claims: PostgresWorkClaims
    let reservations: PostgresReservations
    let issues: PostgresIssueLedger
    /// The time leases are measured against where the protocol passes none (events, deliveries).
    let clock: @Sendable () -> Timestamp

    public var location: StoreLocation { .postgres(pool.endpoint.url) }

    /// Connects and applies the migrations that are missing (nodes starting together migrate once).
    /// - throws: ``PostgresStoreError`` when the server cannot be reached or a migration fails.
    public convenience init(url: PostgresURL, maxConnections: Int = 8) throws {
        try self.init(endpoint: PostgresEndpoint(url: url), maxConnections: maxConnections)
    }

    init(endpoint: PostgresEndpoint, maxConnections: Int = 8,
         clock: @escaping @Sendable () -> Timestamp = { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }) throws {
        pool = PostgresSessionPool(endpoint: endpoint, maxConnections: maxConnections)
        claims = PostgresWorkClaims(pool: pool)
        reservations = PostgresReservations(pool: pool)
        issues = PostgresIssueLedger(pool: pool)
        self.clock = clock
        try PostgresSchema.migrate(pool)
    }

    /// PostgreSQL needs no background work from Crescent (vacuum is the server's).
    public func startMaintenance() throws -> (any StoreMaintenance)? { nil }

    /// Closes the connections.
    public func close() { pool.close() }
}
