import CrescentCore
import HeapModule

/// Journeys, guard state and member activity in memory: the recorder of dry-runs and
/// backtests. Nothing touches a store.
///
/// Due journeys wait in a heap per playbook, in the order the store hands them out
/// (`next_due_at`, then member), so a batch costs its own size, not a scan of everyone due
/// that day; an entry whose journey moved on is dropped when it comes up.
public struct MemoryJourneyRecorder: JourneyRecorder {
    public var guards: InMemoryGuardState
    /// Journeys by playbook, then member; a member's latest is last.
    private var journeys: [String: [Int64: [Journey]]] = [:]
    private var due: [String: Heap<DueEntry>] = [:]
    /// Orders seen per member (replayed or simulated), in time order.
    private var orders: [Int64: [Timestamp]] = [:]
    /// Redemptions per journey (`entryKey/playbook/member`).
    private var redemptions: [String: Timestamp] = [:]

    public init(expectedMembers: Int = 0) {
        guards = InMemoryGuardState(keepsLog: false, expectedMembers: expectedMembers)
    }

    // MARK: - Activity the simulation or a replay feeds in

    /// An order by `member` at `time` (replayed from history or drawn by the response model).
    public mutating func recordOrder(member: Int64, at time: Timestamp) {
        // In place: a copy of the list out of the dictionary and back would allocate per order.
        let at = orders[member]?.lastIndex { $0 <= time }.map { $0 + 1 } ?? 0
        orders[member, default: []].insert(time, at: at)
    }

    /// The member used the coupon `journey` gave.
    public mutating func recordRedemption(of journey: Journey, at time: Timestamp) {
        redemptions[Self.key(journey)] = time
        guards.couponUsedOrExpired(member: journey.member)
    }

    /// Every journey of `playbook`, for reports and tests.
    public func allJourneys(playbook: String) -> [Journey] {
        (journeys[playbook] ?? [:]).keys.sorted().flatMap { journeys[playbook]![$0]! }
    }

    /// Open journeys of `playbook` holding an offer, for the simulation's purchase draws.
    public func openJourneysWithOffer(playbook: String) -> [Journey] {
        allJourneys(playbook: playbook).filter { $0.isOpen && $0.offerId != 0 }
    }

    static func key(_ j: Journey) -> String { "\(j.entryKey)/\(j.playbook)/\(j.member)" }

    // MARK: - JourneyRecorder

    public mutating func dueJourneys(playbook: String, now: Timestamp, limit: Int) throws -> [Journey] {
        guard due[playbook] != nil else { return [] }
        let byMember = journeys[playbook] ?? [:]
        var out: [Journey] = []
        // In place (`due[playbook]?.…`): a copy of the heap per batch would cost its whole size.
        while out.count < limit, let next = due[playbook]?.min, next.due <= now {
            due[playbook]?.removeMin()
            guard let j = byMember[next.member]?.last, j.isOpen, j.nextDue == next.due,
                  out.last?.member != next.member || out.last?.nextDue != next.due else { continue }
            out.append(j)
        }
        return out
    }

    public func latestJourneys(playbook: String, members: [Int64]) throws -> [Int64: Journey] {
        guard let byMember = journeys[playbook] else { return [:] }
        var out: [Int64: Journey] = [:]
        for m in members { if let j = byMember[m]?.last { out[m] = j } }
        return out
    }

    /// The member's most recent journey of `playbook`: one lookup, where the batch form
    /// builds an array and a dictionary (the simulation asks for one member per order).
    public func latestJourney(playbook: String, member: Int64) -> Journey? {
        journeys[playbook]?[member]?.last
    }

    public mutating func begin(_ fresh: [Journey]) throws {
        // One lookup per journey: the member's list is checked and appended to in place.
        for j in fresh {
            if journeys[j.playbook, default: [:]][j.member, default: []].appendUnlessEntered(j) { schedule(j) }
        }
    }

    @discardableResult
    public mutating func exit(playbook: String, member: Int64, reason: String, at: Timestamp) throws -> Bool {
        guard var j = journeys[playbook]?[member]?.last, j.isOpen else { return false }
        j.state = .exited; j.exitReason = reason; j.nextDue = nil
        replace(j)
        return true
    }

    public mutating func save(_ moved: [Journey]) throws {
        for j in moved { place(j) }
    }

    public mutating func commit(members: [Int64], at: Timestamp, campaigns: [String],
                                _ decide: (inout InMemoryGuardState) throws -> [StepOutcome]) throws {
        let outcomes = try decide(&guards)
        // Read in place: `save(outcomes.map(\.journey))` built an array of the batch's journeys.
        for k in outcomes.indices { place(outcomes[k].journey) }
    }

    public func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        guard let list = orders[member] else { return false }
        return list.contains { $0 >= from && $0 < to }
    }

    public func redeemed(journey: Journey, before: Timestamp) throws -> Bool {
        redemptions[Self.key(journey)].map { $0 < before } ?? false
    }

    /// A journey's new position: replaced in its member's list and, while open, due again.
    private mutating func place(_ j: Journey) { replace(j); schedule(j) }

    private mutating func replace(_ j: Journey) {
        // In place, no copy of the member's list, and the two keys hashed once.
        journeys[j.playbook]?[j.member]?.replaceLast(sameEntryAs: j)
    }

    private mutating func schedule(_ j: Journey) {
        guard j.isOpen, let at = j.nextDue else { return }
        due[j.playbook, default: Heap()].insert(DueEntry(due: at, member: j.member))
    }
}

/// A journey step waiting in ``MemoryJourneyRecorder``: ordered as the store orders due steps.
private struct DueEntry: Comparable {
    var due: Timestamp
    var member: Int64
    static func < (a: DueEntry, b: DueEntry) -> Bool { (a.due, a.member) < (b.due, b.member) }
}

private extension Array where Element == Journey {
    /// Replaces the last journey of `j`'s entry with `j`; nothing when there is none.
    mutating func replaceLast(sameEntryAs j: Journey) {
        if let k = lastIndex(where: { $0.entryKey == j.entryKey }) { self[k] = j }
    }

    /// Appends `j` unless the member already entered with its entry key; true when appended.
    mutating func appendUnlessEntered(_ j: Journey) -> Bool {
        if contains(where: { $0.entryKey == j.entryKey }) { return false }
        append(j)
        return true
    }
}
