import CrescentCore
import CrescentEngine
import CrescentLua

/// The live engine's members and order histories, in memory, updated by every event.
///
/// Why in memory: an event's playbooks need the member's derived view (RFM, lifecycle,
/// categories bought) right away; re-deriving one member from its own orders takes
/// microseconds, reading them back from SQLite per event would not. RFM scores need the
/// whole population's scale, which ``refreshReference(asOf:now:)`` rebuilds when the day
/// changes or an hour has passed. Confined to the engine thread.
final class LiveMembers {
    private(set) var members: [Member] = []
    private var indexById: [Int64: Int] = [:]
    /// Orders of `members[i]`, sorted by time then id.
    private var orders: [[Order]] = []
    private var appOpened: Set<Int64>
    private(set) var reference: QuintileReference
    /// The day and time the scale was built for: deriving a million members takes about a
    /// second, too much for every scheduler tick, and the quintile cuts drift slowly.
    private var referenceAsOf: Day
    private var referenceBuiltAt: Timestamp
    static let referenceMaxAge: Int64 = 3_600
    /// Bumped on every change, so cached previews know they are stale.
    private(set) var version = 0

    init(population: Population, appOpened: Set<Int64>, asOf: Day, now: Timestamp) {
        self.appOpened = appOpened
        members = population.members
        orders = members.indices.map { Array(population.orders(ofMemberAt: $0)) }
        for (i, m) in members.enumerated() { indexById[m.id] = i }
        reference = QuintileReference(DerivedViews.compute(population, asOf: asOf))
        referenceAsOf = asOf
        referenceBuiltAt = now
    }

    var count: Int { members.count }
    func contains(_ id: Int64) -> Bool { indexById[id] != nil }

    /// Inserts or replaces a member; true when the member is new (a `signup`).
    @discardableResult
    func upsert(_ member: Member) -> Bool {
        version += 1
        if let i = indexById[member.id] { members[i] = member; return false }
        indexById[member.id] = members.count
        members.append(member)
        orders.append([])
        return true
    }

    /// Adds an order to its member's history; false when the member is unknown. An order
    /// already there (a replay after a restart loaded it from the store) is not added twice.
    @discardableResult
    func add(_ order: Order) -> Bool {
        guard let i = indexById[order.memberId] else { return false }
        if orders[i].contains(where: { $0.id == order.id }) { return true }
        version += 1
        let at = orders[i].lastIndex { ($0.time, $0.id) < (order.time, order.id) }.map { $0 + 1 } ?? 0
        orders[i].insert(order, at: at)
        return true
    }

    /// Replaces members and their order histories with `stored`, the store's current rows for
    /// them (``DataStore/loadMembers(ids:)``): another node may have accepted their signup, an
    /// upsert or an order. Members `stored` does not hold are left as they are.
    func refresh(from stored: Population) {
        guard !stored.members.isEmpty else { return }
        version += 1
        for (k, member) in stored.members.enumerated() {
            upsert(member)
            orders[indexById[member.id]!] = Array(stored.orders(ofMemberAt: k))
        }
    }

    /// True the first time a member opens the app (the `first_app_open` scene).
    func firstAppOpen(_ id: Int64) -> Bool { appOpened.insert(id).inserted }

    /// One member as scripts see them on `asOf`, with the context pieces the issuer needs.
    func single(_ id: Int64, asOf: Day) -> (population: Population, derived: DerivedViews, views: [MemberView])? {
        let some = subset([id], asOf: asOf)
        return some.views.isEmpty ? nil : some
    }

    /// Some members as scripts see them on `asOf` (unknown ids are left out), RFM scored
    /// against the population's scale: the context of an event or of a batch of due steps.
    func subset(_ ids: [Int64], asOf: Day) -> (population: Population, derived: DerivedViews, views: [MemberView]) {
        let known = ids.compactMap { indexById[$0] }
        let population = Population(members: known.map { members[$0] }, orders: known.flatMap { orders[$0] })
        var derived = DerivedViews.compute(population, asOf: asOf)
        for k in derived.metrics.indices {
            let scores = reference.scores(derived.metrics[k])
            derived.metrics[k].r = scores.r; derived.metrics[k].f = scores.f; derived.metrics[k].m = scores.m
        }
        return (population, derived, MemberViews.build(population, derived))
    }

    /// Everyone, for scheduled runs and segment previews.
    func snapshot() -> Population {
        Population(members: members, orders: orders.flatMap { $0 })
    }

    /// Rebuilds the RFM scale when the day changed (recency moves with it) or it is an hour old.
    func refreshReference(asOf: Day, now: Timestamp) {
        guard asOf != referenceAsOf || now.seconds - referenceBuiltAt.seconds >= Self.referenceMaxAge else { return }
        reference = QuintileReference(DerivedViews.compute(snapshot(), asOf: asOf))
        referenceAsOf = asOf
        referenceBuiltAt = now
    }
}
