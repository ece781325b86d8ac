import CrescentCore
import CrescentLua
import CrescentPersistence

/// What one real-clock pass of a playbook's journeys did.
public struct JourneyRunResult: Sendable {
    public var playbook: String
    public var at: Timestamp
    /// Members in the audience (for launches and scenes; 1 or 0 for an event).
    public var targeted: Int
    public var entered: Int
    public var log: JourneyLog

    public init(playbook: String, at: Timestamp, targeted: Int, entered: Int, log: JourneyLog) {
        self.playbook = playbook; self.at = at; self.targeted = targeted; self.entered = entered; self.log = log
    }

    public var issued: Int { log.tally.issued }
    public var suppressed: [String: Int] { log.tally.byCode }

    /// Adds another pass's counts (a chunk of the same run): what `summary` and metrics read.
    public mutating func absorb(_ other: JourneyRunResult) {
        targeted += other.targeted
        entered += other.entered
        log.entered += other.log.entered
        log.tally.merge(other.log.tally)
        log.exits.merge(other.log.exits, uniquingKeysWith: +)
        log.branches.merge(other.log.branches, uniquingKeysWith: +)
        log.skipped += other.log.skipped
        log.deferred += other.log.deferred
    }

    /// One line for logs, an event's outcome and a scheduled run's outcome.
    public var summary: String {
        if targeted == 0 && entered == 0 && log.tally.issued == 0 && log.tally.suppressed == 0 && log.exits.isEmpty {
            return "nothing due"
        }
        var parts = ["entered \(entered)", "issued \(issued)"]
        let reasons = suppressed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !reasons.isEmpty { parts.append("suppressed " + reasons.joined(separator: ", ")) }
        let exits = log.exits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !exits.isEmpty { parts.append("exits " + exits.joined(separator: ", ")) }
        if log.skipped > 0 { parts.append("skipped \(log.skipped)") }
        if log.deferred > 0 { parts.append("deferred \(log.deferred)") }
        return parts.joined(separator: ", ")
    }
}

/// The real-clock entry points of the journey engine, shared by `run-playbook` and `serve`:
/// members enter (a launch, an event, a date scene), then every step due by now runs, through
/// the same ``JourneyExecutor`` the dry-run uses, recording in the store.
///
/// For example, a scheduled launch, then its reminders three days later:
/// ```swift
/// let live = LiveJourneys(context: context, store: store)
/// try live.launch(playbook: "winback", entryKey: "2026-12-01", at: tenAM)
/// try live.advance(playbook: "winback", at: tenAM.adding(seconds: 3 * 86_400))
/// ```
public struct LiveJourneys {
    public let context: CampaignContext
    public let store: any DataStore
    public var policy = GuardPolicy()
    public var batchSize = 5_000
    /// Interned offers shared across passes over the same script version.
    public var offers = OfferInternCache()
    public var offerKeyPrefix = ""
    /// Real time for bookkeeping (rows' `updated_at`).
    public var clock: any CrescentCore.Clock = SystemClock()
    /// Only these members' journeys advance: the context holds part of the population (a
    /// chunk of a scheduled run's audience), and the others' due steps are not this pass's.
    public var members: [Int64]?

    public init(context: CampaignContext, store: any DataStore) { self.context = context; self.store = store }

    /// The audience of a scheduled playbook enters with `entryKey` (the run id) at `at`, then
    /// every step due by `at` runs. Running it again with the same key enters no one (the
    /// launch happened: entries are written in one transaction) and runs the steps that have
    /// come due since: the reminders.
    public func launch(playbook name: String, entryKey: String, at: Timestamp) throws -> JourneyRunResult {
        let plan = try self.plan(name)
        let (audience, _) = try PlaybookAudience.audience(context, plan.playbook)
        var engine = executor(plan, members: members, allHistory: members == nil && audience.count > 1_000)
        // A chunk of a run enters its own members (entering is idempotent per member); a whole
        // launch that happened already enters no one. Members enter batch by batch with their
        // first step, so a whole launch is marked while they do: one cut short enters the rest.
        let whole = members == nil
        let resumed = whole ? try store.launchEntering(playbook: name, entryKey: entryKey) : false
        let launched = whole && !resumed ? try store.journeyEntryExists(playbook: name, entryKey: entryKey) : false
        var entered: [Journey] = []
        if !launched {
            if whole { try store.markLaunchEntering(playbook: name, entryKey: entryKey, at: clock.now()) }
            entered = try engine.enterWithFirstStep(audience.indices, at: at, entryKey: { _ in entryKey })
            if whole { try store.markLaunchEntered(playbook: name, entryKey: entryKey) }
        }
        try engine.advance(to: at)
        return JourneyRunResult(playbook: name, at: at, targeted: audience.count, entered: entered.count, log: engine.log)
    }

    /// An event scene arrived for `member` (a context member): they enter each playbook it
    /// triggers if they are in its audience, and the steps due now run.
    public func trigger(playbook name: String, member id: Int64, entryKey: String, at: Timestamp) throws -> JourneyRunResult {
        try trigger(playbook: name, entries: [(id, entryKey)], at: at)[id]!
    }

    /// Event scenes for several context members at once (a batch of events, one per member):
    /// the audience is evaluated once, those in it enter with their own entry key in one
    /// write, and the steps due now run for all of them in one recorder commit. Returns what
    /// happened to each member, as `trigger(playbook:member:entryKey:at:)` reports it alone.
    public func trigger(playbook name: String, entries: [(member: Int64, entryKey: String)],
                        at: Timestamp) throws -> [Int64: JourneyRunResult] {
        let plan = try self.plan(name)
        var engine = executor(plan, members: entries.map(\.member), allHistory: false)
        engine.log.decisions = []
        engine.log.exitsByMember = [:]
        let known = entries.compactMap { e in engine.index(of: e.member).map { (e, $0) } }
        let audience = known.isEmpty ? nil : try PlaybookAudience.audience(context, plan.playbook).audience
        var keys: [Int64: String] = [:]
        var targeted: [Int32] = []
        for (e, i) in known where audience?.contains(Int(i)) == true && keys[e.member] == nil {
            keys[e.member] = e.entryKey
            targeted.append(i)
        }
        // Each journey is written once, with its first step (an event re-processed after a crash
        // enters only whoever has no journey of its entry key yet).
        let entered = Set(try engine.enterWithFirstStep(targeted, at: at, entryKey: { keys[$0]! }).map(\.member))
        // Due steps run only for the members the scene reached, as for one event alone.
        engine.recorder.members = Array(keys.keys)
        if !targeted.isEmpty { try engine.advance(to: at) }
        let decided = Dictionary(grouping: engine.log.decisions!, by: \.member)
        var results: [Int64: JourneyRunResult] = [:]
        for e in entries where results[e.member] == nil {
            var log = JourneyLog(plan: plan, rendersMessages: false)
            log.entered = entered.contains(e.member) ? 1 : 0
            for d in decided[e.member] ?? [] { log.tally.record(d.decision) }
            if let reason = engine.log.exitsByMember![e.member] { log.exits[reason] = 1 }
            results[e.member] = JourneyRunResult(playbook: name, at: at, targeted: keys[e.member] == nil ? 0 : 1,
                                                 entered: log.entered, log: log)
        }
        return results
    }

    /// The date scene of a date-triggered playbook on the script's local day `day`: audience
    /// members whose scene falls on it enter at the scene's time, and due steps run by `at`.
    public func scenes(playbook name: String, day: Day, at: Timestamp) throws -> JourneyRunResult {
        let plan = try self.plan(name)
        guard case .date(let scene) = plan.entry else { throw ScriptError(kind: .validation, file: context.program.chunkName,
                                                                          message: "playbook \"\(name)\" has no date scene") }
        let (audience, _) = try PlaybookAudience.audience(context, plan.playbook)
        let calendar = DateSceneCalendar(scene: scene, schedule: plan.playbook.schedule,
                                         pointsExpiries: context.population.pointsExpiries)
        let members = audience.indices.filter { calendar.occurs(for: context.views[Int($0)], on: day) }
        var engine = executor(plan, members: self.members, allHistory: self.members == nil && members.count > 1_000)
        let enterAt = DateSceneCalendar.entryTime(on: day, schedule: plan.playbook.schedule,
                                                  utcOffsetSeconds: plan.playbook.journey.utcOffsetSeconds)
        let entered = try engine.enter(members, at: enterAt, entryKey: { _ in "date:\(scene):\(day)" })
        try engine.advance(to: at)
        return JourneyRunResult(playbook: name, at: at, targeted: members.count, entered: entered.count, log: engine.log)
    }

    /// Runs every step of `playbook` due by `at` for the context's members (`members`: only these).
    public func advance(playbook name: String, at: Timestamp, members: [Int64]? = nil) throws -> JourneyRunResult {
        var engine = executor(try plan(name), members: members ?? self.members, allHistory: (members ?? self.members) == nil)
        try engine.advance(to: at)
        return JourneyRunResult(playbook: name, at: at, targeted: 0, entered: 0, log: engine.log)
    }

    /// An event for `member`: a journey of `playbook` listening for `kind` ends (`exit_on`)
    /// or takes its `wait_for` step's `on_event` branch, whose step runs now if it is due.
    public func observe(playbook name: String, event kind: String, member: Int64, at: Timestamp) throws -> JourneyRunResult {
        var engine = executor(try plan(name), members: [member], allHistory: false)
        try engine.observe(event: kind, member: member, at: at)
        if !engine.log.branches.isEmpty { try engine.advance(to: at) }
        return JourneyRunResult(playbook: name, at: at, targeted: 0, entered: 0, log: engine.log)
    }

    private func plan(_ name: String) throws -> JourneyPlan {
        guard let playbook = context.program.playbook(name) else {
            throw ScriptError(kind: .validation, file: context.program.chunkName,
                              message: "no playbook \"\(name)\"" + (closest(to: name, in: context.program.playbooks.map(\.name))
                                .map { ", did you mean \"\($0)\"?" } ?? ""))
        }
        return JourneyPlan(playbook)
    }

    private func executor(_ plan: JourneyPlan, members: [Int64]?, allHistory: Bool) -> JourneyExecutor<StoreJourneyRecorder> {
        let clock = self.clock
        var recorder = StoreJourneyRecorder(store: store, allHistory: allHistory, offers: offers,
                                            offerKeyPrefix: offerKeyPrefix, now: { clock.now() })
        recorder.members = members
        var engine = JourneyExecutor(context: context, plan: plan, recorder: recorder, policy: policy, simulated: false)
        engine.batchSize = batchSize
        return engine
    }
}
