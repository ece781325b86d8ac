import CrescentCore
import PostgresNIO

/// The store on PostgreSQL, for brands that run several `crescent serve` nodes on one database.
///
/// Opening it connects and applies the migrations (``PostgresSchema``). The same idempotency
/// keys as the SQLite store make every write replayable; what several nodes add is claiming:
/// due journeys, accepted events, scheduled runs and pending deliveries are handed to one node
/// at a time under a lease (`claimed_by`, `lease_until`) that a dead node's work outlives by at
/// most the lease length (``PostgresWorkClaims``), and stock and budget only move by
/// conditional updates (``PostgresReservations``).
///
/// Calls block the calling thread (see ``PostgresSessionPool``).
///
/// For example:
/// ```swift
/// let store = try PostgresStore(url: "postgres://crescent@127.0.0.1:5432/crm")
/// let due = try store.claims.claimDueJourneyMembers(now: now, limit: 500, node: "node-a", leaseSeconds: 60)
/// ```
public final class PostgresStore: Sendable {
    public let pool: PostgresSessionPool
    public var location: PostgresLocation { pool.location }
    public let claims: PostgresWorkClaims
    public let reservations: PostgresReservations
    public let issues: PostgresIssueLedger
    public let journeys: PostgresJourneys

    /// Connects to `url` (`postgres://user@host[:port]/database`) and migrates.
    /// - throws: ``PostgresLocationError`` for a bad URL, ``PostgresStoreError`` when the server
    ///   cannot be reached or a migration fails.
    public convenience init(url: String, maxConnections: Int = 8) throws {
        try self.init(location: PostgresLocation(url: url), maxConnections: maxConnections)
    }

    public init(location: PostgresLocation, maxConnections: Int = 8) throws {
        pool = PostgresSessionPool(location: location, maxConnections: maxConnections)
        claims = PostgresWorkClaims(pool: pool)
        reservations = PostgresReservations(pool: pool)
        issues = PostgresIssueLedger(pool: pool)
        journeys = PostgresJourneys(pool: pool)
        try PostgresSchema.migrate(pool)
    }

    /// Closes the connections.
    public func close() { pool.close() }
}
