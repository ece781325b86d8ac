import CrescentCore
import CrescentLua

/// What one step did for one member, for the recorder to write.
public struct StepOutcome: Sendable {
    /// The journey as it stands after the step (next step, due time, state).
    public var journey: Journey
    public var member: Member
    /// The step that ran.
    public var step: Int
    /// The guards' verdict; nil when nothing is written (a condition skipped the step).
    public var decision: GuardDecision?
    /// The guard request the decision was made for (campaign, costs, coupon type).
    public var request: GuardRequest?
    /// The offer this step issues; nil for a reminder or a message without an offer.
    public var offer: ResolvedOffer?
    public var channel: String? { if case .issue(let c)? = decision { c } else { nil } }
}

/// Where the journey engine reads journeys and writes what steps did: in memory for a
/// dry-run or backtest, the store for `run-playbook` and `serve`.
///
/// The recorder owns atomicity: ``commit(members:at:campaigns:_:)`` hands the engine the
/// guard state for a batch and writes the outcomes it returns, with the journeys' moves, as
/// one unit. A store recorder makes that one transaction, so a crash leaves each step either
/// written with its journey advanced, or neither: exactly once per (playbook, member, entry, step).
public protocol JourneyRecorder {
    associatedtype Guards: GuardState

    /// Open journeys of `playbook` due at or before `now`, earliest first, at most `limit`.
    mutating func dueJourneys(playbook: String, now: Timestamp, limit: Int) throws -> [Journey]
    /// Each member's most recent journey of `playbook` (re-entry rules read it); members
    /// who never entered are absent.
    func latestJourneys(playbook: String, members: [Int64]) throws -> [Int64: Journey]
    /// Starts journeys; one that already exists (same playbook, member and entry key) is kept as it is.
    mutating func begin(_ journeys: [Journey]) throws
    /// Ends the open journey of `member` in `playbook` with `reason`; false when none was open.
    @discardableResult
    mutating func exit(playbook: String, member: Int64, reason: String, at: Timestamp) throws -> Bool
    /// Saves journeys whose position changed without writing a decision (skips, exits, deferrals).
    mutating func save(_ journeys: [Journey]) throws
    /// One atomic batch: `decide` gets the guard state (history of `members`, reservations of
    /// `campaigns`) and returns the outcomes to write. An outcome without a decision only moves
    /// its journey (a quiet-hours deferral).
    mutating func commit(members: [Int64], at: Timestamp, campaigns: [String],
                         _ decide: (inout Guards) throws -> [StepOutcome]) throws
    /// True when the member ordered in `[from, to)`.
    func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool
    /// True when the member used a coupon the journey gave.
    func redeemed(journey: Journey, before: Timestamp) throws -> Bool
    /// `purchased(member:from:to:)` for many spans at once.
    func purchased(_ spans: [(member: Int64, from: Timestamp, to: Timestamp)]) throws -> [Bool]
    /// `redeemed(journey:before:)` for many journeys at once.
    func redeemed(_ journeys: [(journey: Journey, before: Timestamp)]) throws -> [Bool]
}

extension JourneyRecorder {
    /// Whether a step's `only_if` holds for journey `j` at `at`.
    public func holds(_ condition: StepCondition, _ j: Journey, at: Timestamp) throws -> Bool {
        try holds([(condition, j, at)])[0]
    }

    /// Whether each step condition holds for its journey at its time, asked as two batches
    /// (orders, redemptions): a store answers each in one read.
    public func holds(_ checks: [(condition: StepCondition, journey: Journey, at: Timestamp)]) throws -> [Bool] {
        let orders = checks.indices.filter { checks[$0].condition != .notRedeemed }
        let redemptions = checks.indices.filter { checks[$0].condition == .notRedeemed }
        let bought = try purchased(orders.map { (checks[$0].journey.member, checks[$0].journey.purchasesFrom, checks[$0].at) })
        let used = try redeemed(redemptions.map { (checks[$0].journey, checks[$0].at) })
        var out = [Bool](repeating: false, count: checks.count)
        for (k, i) in orders.enumerated() { out[i] = checks[i].condition == .purchased ? bought[k] : !bought[k] }
        for (k, i) in redemptions.enumerated() { out[i] = !used[k] }
        return out
    }
}

extension JourneyRecorder {
    /// One question per span (a recorder in memory answers each at once).
    public func purchased(_ spans: [(member: Int64, from: Timestamp, to: Timestamp)]) throws -> [Bool] {
        try spans.map { try purchased(member: $0.member, from: $0.from, to: $0.to) }
    }

    public func redeemed(_ journeys: [(journey: Journey, before: Timestamp)]) throws -> [Bool] {
        try journeys.map { try redeemed(journey: $0.journey, before: $0.before) }
    }
}
