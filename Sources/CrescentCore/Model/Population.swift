/// Members with their order histories, ready for derived views and targeting.
///
/// Orders are kept sorted by member (in `members` order) then time, so a member's
/// history is a contiguous slice: `population.orders(ofMemberAt: i)`.
public struct Population: Sendable {
    public private(set) var members: [Member]
    public private(set) var orders: [Order]
    public private(set) var events: [BehaviorEvent]
    /// Points that will expire, per member and day (the `points_expiring` scene's source).
    public var pointsExpiries: [PointsExpiry] = []
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
        if let starts = Population.startsIfAlreadyGrouped(orders, members: members.count, index: index) {
            // Fast path (stores, generators): orders already grouped by member in `members`
            // order and sorted by (time, id): keep the array, no copies.
            self.orders = orders
            self.orderStart = starts
            self.orphanOrders = 0
            return
        }
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

    /// `orderStart` when `orders` are already in population order, else nil.
    private static func startsIfAlreadyGrouped(_ orders: [Order], members: Int, index: [Int64: Int]) -> [Int]? {
        var starts = [Int](repeating: 0, count: members + 1)
        var previous = -1, previousTime = Int64.min, previousId = Int64.min
        for o in orders {
            guard let i = index[o.memberId], i >= previous else { return nil }
            if i == previous {
                guard (o.time.seconds, o.id) > (previousTime, previousId) else { return nil }
            }
            previous = i; previousTime = o.time.seconds; previousId = o.id
            starts[i + 1] += 1
        }
        for i in 0..<members { starts[i + 1] += starts[i] }
        return starts
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
        // Nothing to cut (a store read up to its as-of day): share the arrays, no second copy.
        if orphanOrders == 0, members.allSatisfy({ $0.joinDate < day }), orders.allSatisfy({ $0.time < cutoff }),
           events.allSatisfy({ $0.time < cutoff }), pointsExpiries.allSatisfy({ $0.day >= day }) {
            return self
        }
        var past = Population(
            members: members.filter { $0.joinDate < day },
            orders: orders.filter { $0.time < cutoff },
            events: events.filter { $0.time < cutoff })
        // Lots are kept as they stand now (the ledger's history is not replayed to `day`);
        // those already expired by then are gone.
        past.pointsExpiries = pointsExpiries.filter { $0.day >= day }
        return past
    }
}

extension Population {
    /// Only the members at `indices` (ascending), with their orders, events and points lots:
    /// what a context needs when it holds only the members a playbook can reach.
    public func members(at indices: [Int]) -> Population {
        let kept = indices.map { members[$0] }
        let ids = Set(kept.map(\.id))
        var orders: [Order] = []
        for i in indices { orders.append(contentsOf: self.orders(ofMemberAt: i)) }
        var out = Population(members: kept, orders: orders, events: events.filter { ids.contains($0.memberId) })
        out.pointsExpiries = pointsExpiries.filter { ids.contains($0.member) }
        return out
    }
}
