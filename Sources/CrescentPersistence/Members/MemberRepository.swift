import CrescentCore

/// Members, their orders (with items) and their behaviour events.
///
/// Every insert is one transaction: all of the rows or, on any error, none.
public protocol MemberRepository: AnyObject, Sendable {
    /// Inserts members, orders (with items) and events in ONE transaction.
    /// - throws: ``StoreInsertError`` naming the first refused row (e.g. a duplicate id); then nothing was written.
    func insert(members: [Member], orders: [Order], events: [BehaviorEvent]) throws
    /// Inserts a whole population: its members, orders and events in one transaction, then
    /// its opening points lots (`pointsExpiries`) as earn rows keyed per member and day.
    func insert(population: Population) throws
    /// Every member with their orders, items and events, ready for the engine.
    /// - throws: ``StoredRowError`` for a stored row that cannot be loaded as it is.
    func loadPopulation() throws -> Population
    /// Every member and order as columns, from the fastest source the store has (the live
    /// engine starts from them). By default the records of `loadPopulation()`, converted.
    /// - throws: ``StoredRowError``, `ColumnarPopulationError` past 64 consent channels.
    func loadColumns() throws -> ColumnarPopulation
    /// Some members with their orders and items (no events), as the live engine should see
    /// them now: every order except those whose `payment` event is still pending, which count
    /// once processed, in their member's event order, as they would on a single node. Another
    /// node's writes become visible this way. Unknown ids are left out.
    func loadMembers(ids: [Int64]) throws -> Population
    /// Row counts of members, orders, order items and events, for summaries and tests.
    func counts() throws -> (members: Int, orders: Int, items: Int, events: Int)
    /// True when the member has an order in `[from, to)`.
    func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool
    /// `purchased(member:from:to:)` for many spans, in one read.
    func purchased(_ spans: [(member: Int64, from: Timestamp, to: Timestamp)]) throws -> [Bool]
    /// Every member's points lots that will expire, replayed from the points ledger.
    func loadPointsExpiries() throws -> [PointsExpiry]
}

extension MemberRepository {
    public func loadColumns() throws -> ColumnarPopulation { try ColumnarPopulation(loadPopulation()) }

    /// Inserts members in one transaction: all of them or none.
    public func insert(members: [Member]) throws { try insert(members: members, orders: [], events: []) }
    /// Inserts orders and their items in one transaction: all of them or none.
    public func insert(orders: [Order]) throws { try insert(members: [], orders: orders, events: []) }
    /// Inserts behaviour events in one transaction: all of them or none.
    public func insert(events: [BehaviorEvent]) throws { try insert(members: [], orders: [], events: events) }
}
