/// Members with their order histories, ready for derived views and targeting.
///
/// Orders are kept sorted by member (in `members` order) then time, so a member's
/// history is a contiguous slice: `population.orders(ofMemberAt: i)`.
public struct Population: Sendable {
    public private(set) var members: [Member]
    public private(set) var orders: [Order]
    public private(set) var events: [BehaviorEvent]
    /// `orderStart[i] ..< orderStart[i + 1]` are the orders of `members[i]`.
    public private(set) var orderStart: [Int]
    private var indexById: [Int64: Int]

    /// Builds a population. Orders of members not in `members` are dropped (see `orphanOrders`).
    public init(members: [Member], orders: [Order], events: [BehaviorEvent] = []) {
        self.members = members
        self.events = events
        var index: [Int64: Int] = [:]
        index.reserveCapacity(members.count)
        for (i, m) in members.enumerated() { index[m.id] = i }
        self.indexById = index
        var buckets = [Int](repeating: 0, count: members.count + 1)
        var kept: [(Int, Order)] = []
        kept.reserveCapacity(orders.count)
        var orphans = 0
        for o in orders {
            guard let i = index[o.memberId] else { orphans += 1; continue }
            kept.append((i, o)); buckets[i + 1] += 1
        }
        for i in 0..<members.count { buckets[i + 1] += buckets[i] }
        // Counting sort by member keeps it O(n); then each slice by time.
        var sorted = [Order?](repeating: nil, count: kept.count)
        var cursor = buckets
        for (i, o) in kept { sorted[cursor[i]] = o; cursor[i] += 1 }
        var flat = sorted.map { $0! }
        for i in 0..<members.count where buckets[i + 1] - buckets[i] > 1 {
            flat[buckets[i]..<buckets[i + 1]].sort { ($0.time, $0.id) < ($1.time, $1.id) }
        }
        self.orders = flat
        self.orderStart = buckets
        self.orphanOrders = orphans
    }

    /// Orders whose member was not found when the population was built.
    public private(set) var orphanOrders: Int

    public var count: Int { members.count }

    public func index(ofMember id: Int64) -> Int? { indexById[id] }

    public func orders(ofMemberAt i: Int) -> ArraySlice<Order> {
        orders[orderStart[i]..<orderStart[i + 1]]
    }

    /// The population as it was known on `day`: only orders and events strictly before it,
    /// only members who had joined by then. Used by backtests so scripts cannot see the future.
    public func asOf(_ day: Day) -> Population {
        let cutoff = Timestamp(day: day)
        return Population(
            members: members.filter { $0.joinDate < day },
            orders: orders.filter { $0.time < cutoff },
            events: events.filter { $0.time < cutoff })
    }
}
