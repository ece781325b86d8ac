import CrescentCore
import CrescentEngine
import CrescentLua

/// The live engine's members and order histories, in memory, updated by every event, with
/// each member's derived metrics kept up to date as orders arrive.
///
/// Why in memory: an event's playbooks need the member's derived view (RFM, lifecycle,
/// categories bought) right away. Each member's metrics are derived once at start and then
/// again only for the member an order is about (a fold over their own orders), so an event
/// costs no re-derive at all; the whole population is folded again only when the day changes
/// (recency moves for everyone). RFM scores need the population's scale, which
/// ``refreshReference(asOf:now:)`` rebuilds from the kept metrics when the day changes or an
/// hour has passed. Confined to the engine thread.
final class LiveMembers {
    private(set) var members: [Member] = []
    private var indexById: [Int64: Int] = [:]
    /// Orders of `members[i]`, sorted by time then id.
    private var orders: [[Order]] = []
    /// Metrics of `members[i]` as of `referenceAsOf`, kept current order by order (scores not used:
    /// `reference` scores a member when they are read).
    private var metrics: [MemberMetrics] = []
    private(set) var reference: QuintileReference
    /// The day the metrics are as of and the time the scale was built: the quintile cuts drift
    /// slowly, so they are rebuilt hourly, not per order.
    private var referenceAsOf: Day
    private var referenceBuiltAt: Timestamp
    static let referenceMaxAge: Int64 = 3_600
    /// Bumped on every change, so cached previews know they are stale.
    private(set) var version = 0

    init(population: Population, asOf: Day, now: Timestamp) {
        members = population.members
        orders = members.indices.map { Array(population.orders(ofMemberAt: $0)) }
        for (i, m) in members.enumerated() { indexById[m.id] = i }
        let derived = DerivedViews.compute(population, asOf: asOf)
        metrics = derived.metrics
        reference = QuintileReference(derived)
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
        metrics.append(MemberMetrics())
        return true
    }

    /// Adds an order to its member's history and re-derives that member; false when the member
    /// is unknown. An order already there (a replay after a restart loaded it from the store)
    /// is not added twice.
    @discardableResult
    func add(_ order: Order) -> Bool {
        guard let i = indexById[order.memberId] else { return false }
        if orders[i].contains(where: { $0.id == order.id }) { return true }
        version += 1
        let at = orders[i].lastIndex { ($0.time, $0.id) < (order.time, order.id) }.map { $0 + 1 } ?? 0
        orders[i].insert(order, at: at)
        metrics[i] = DerivedViews.metrics(of: orders[i][...], asOf: referenceAsOf)
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
            let i = indexById[member.id]!
            orders[i] = Array(stored.orders(ofMemberAt: k))
            metrics[i] = DerivedViews.metrics(of: orders[i][...], asOf: referenceAsOf)
        }
    }

    /// One member as scripts see them on `asOf`, with the context pieces the issuer needs.
    func single(_ id: Int64, asOf: Day) -> (population: Population, derived: DerivedViews, views: [MemberView])? {
        let some = subset([id], asOf: asOf)
        return some.views.isEmpty ? nil : some
    }

    /// Some members as scripts see them on `asOf` (unknown ids are left out), RFM scored
    /// against the population's scale: the context of a batch of events or of due steps.
    /// Their metrics are the kept ones (folded afresh only for another day than the kept one).
    func subset(_ ids: [Int64], asOf: Day) -> (population: Population, derived: DerivedViews, views: [MemberView]) {
        let known = ids.compactMap { indexById[$0] }
        let population = Population(members: known.map { members[$0] }, orders: known.flatMap { orders[$0] })
        let scored = known.map { scoredMetrics($0, asOf: asOf) }
        let views = zip(known, scored).map { i, mm in MemberViews.view(members[i], mm, orders: orders[i][...], asOf: asOf) }
        return (population, DerivedViews(asOf: asOf, metrics: scored), views)
    }

    /// Those of `ids` whose view on `asOf` passes `keep`, one view at a time (none is kept).
    func filter(_ ids: [Int64], asOf: Day, _ keep: (MemberView) -> Bool) -> [Int64] {
        ids.filter { id in
            guard let i = indexById[id] else { return false }
            return keep(MemberViews.view(members[i], scoredMetrics(i, asOf: asOf), orders: orders[i][...], asOf: asOf))
        }
    }

    /// Every member's declarative segment fields on the kept metrics, scored on the current
    /// scale, without a view per member held at once: the native audience filters of scheduled
    /// runs and date scenes. Nil past 64 consent channels or for another day than the kept one.
    func segmentColumns(asOf: Day) -> SegmentColumns? {
        guard asOf == referenceAsOf else { return nil }
        let members = self.members, metrics = self.metrics, reference = self.reference
        // Captures the arrays, not self: the columns compute numbers later, off the engine thread.
        return SegmentColumns(count: members.count) { i in
            var mm = metrics[i]
            (mm.r, mm.f, mm.m) = reference.scores(mm)
            return MemberViews.view(members[i], mm, orders: [], asOf: asOf)
        }
    }

    /// Rebuilds the RFM scale from the kept metrics now (a scheduled run scores its audience on
    /// the population's own quintiles, as fresh as they get).
    func rebuildScale(now: Timestamp) {
        reference = QuintileReference(DerivedViews(asOf: referenceAsOf, metrics: metrics))
        referenceBuiltAt = now
    }

    /// Member `i`'s metrics on `asOf` (the kept ones, folded afresh for another day), scored on the scale.
    private func scoredMetrics(_ i: Int, asOf: Day) -> MemberMetrics {
        var mm = asOf == referenceAsOf ? metrics[i] : DerivedViews.metrics(of: orders[i][...], asOf: asOf)
        (mm.r, mm.f, mm.m) = reference.scores(mm)
        return mm
    }

    /// Everyone, for segment previews.
    func snapshot() -> Population {
        Population(members: members, orders: orders.flatMap { $0 })
    }

    /// Rebuilds the RFM scale when the day changed (recency moves with it: every member is
    /// folded again) or it is an hour old (the kept metrics are current: only the sort).
    func refreshReference(asOf: Day, now: Timestamp) {
        if asOf != referenceAsOf {
            metrics = DerivedViews.compute(snapshot(), asOf: asOf).metrics
        } else if now.seconds - referenceBuiltAt.seconds < Self.referenceMaxAge {
            return
        }
        referenceAsOf = asOf
        rebuildScale(now: now)
    }
}
