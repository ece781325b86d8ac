import CrescentCore

/// Everything Crescent keeps: one store, seen through repositories with one job each.
///
/// `CrescentStore` (SQLite, the embedded default) implements it; a PostgreSQL store
/// implements the same protocols with the same idempotency keys, so every guarantee
/// (exactly-once issuing, stock and budget never overspent, no accepted event lost) holds
/// on either. Nothing outside a store's own target writes SQL or imports a driver.
public protocol DataStore: MemberRepository, IssuingLedger, CouponRedemptions, LoyaltyLedger, GuardStateStore,
    JourneyStore, DeliveryStore, EventQueue, ScheduledRunStore, StoreSnapshotting, NodeWorkLedger, OutcomeLedger,
    MemberChangeFeed {
    /// Where the store lives (for messages and for a second connection to the same store).
    var location: StoreLocation { get }
    /// True when several live engines may write to this store at once (PostgreSQL): an engine
    /// then reads back the members it is about to act on, since another node may have changed them.
    var sharedByNodes: Bool { get }
    /// Starts what the store needs in the background while a server runs (SQLite: the WAL
    /// checkpointer); nil when it needs nothing. Stop it before the process exits.
    func startMaintenance() throws -> (any StoreMaintenance)?
}

/// Background work a store runs while a server is up.
public protocol StoreMaintenance: AnyObject, Sendable {
    func stop()
}
