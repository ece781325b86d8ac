import CrescentCore
import CrescentLua

/// The one engine that decides what a playbook does to a member at a moment: entry and
/// re-entry, exits, step conditions, the offer formula, every guard, the channel fallback,
/// the message, and what is recorded.
///
/// It runs under two clocks and writes through two recorders, like Redis runs EVAL and
/// FUNCTION through one `script_lua.c`:
/// - the dry-run and backtest step a simulated clock through a horizon and record in memory
///   (``MemoryJourneyRecorder``);
/// - `run-playbook` and `serve` run on the real clock and record in the store
///   (`StoreJourneyRecorder`), where each (playbook, member, entry, step) is written once.
///
/// Members are indices into `context.views`; journeys name members by id.
///
/// For example, a dry-run day:
/// ```swift
/// var engine = JourneyExecutor(context: context, plan: JourneyPlan(playbook), recorder: MemoryJourneyRecorder())
/// try engine.enter(audience.indices, at: tenAM, entryKey: { _ in "schedule:winback" })
/// try engine.advance(to: endOfDay)
/// ```
public struct JourneyExecutor<Recorder: JourneyRecorder> {
    public let context: CampaignContext
    public let plan: JourneyPlan
    public var recorder: Recorder
    public var policy: GuardPolicy
    public var log: JourneyLog
    /// Journeys decided per batch (one recorder commit, one store transaction).
    public var batchSize = 5_000
    /// Simulated time decides each step at its due time; real time decides at `now`.
    public var simulated: Bool

    /// Called with each offer the first time a batch chooses it (a dry-run starts pricing its
    /// minimum spend then).
    public var offerResolved: ((ResolvedOffer) -> Void)?

    private var offers: [Int: ResolvedOffer] = [:]
    private var pipelines: [PipelineKey: GuardPipeline] = [:]
    /// Built on the first message rendered: which message-table segments each member is in.
    private var messageSegments: MessageSegments?
    private var indexById: [Int64: Int32] = [:]
    /// Member id by index: `context.views[i].member.id` would copy the whole view to read it.
    private let memberIds: [Int64]

    private struct PipelineKey: Hashable { var step: Int; var offer: Int }

    public init(context: CampaignContext, plan: JourneyPlan, recorder: Recorder, policy: GuardPolicy = GuardPolicy(),
                simulated: Bool, log: JourneyLog? = nil) {
        self.context = context; self.plan = plan; self.recorder = recorder; self.policy = policy
        self.simulated = simulated
        self.log = log ?? JourneyLog(plan: plan, rendersMessages: simulated)
        memberIds = context.views.withUnsafeBufferPointer { views in views.indices.map { views[$0].member.id } }
        indexById.reserveCapacity(memberIds.count)
        for (i, id) in memberIds.enumerated() { indexById[id] = Int32(i) }
    }

    /// The index of member `id` in the context, if it is there.
    public func index(of id: Int64) -> Int32? { indexById[id] }

    /// The id of the member at `index` in the context.
    public func memberId(at index: Int32) -> Int64 { memberIds[Int(index)] }

    // MARK: - Entry and exit

    /// Starts a journey for each member (indices) at `at`, unless the member is in an open
    /// journey or re-entry forbids it. Entering twice with the same entry key is a no-op.
    /// - returns: the journeys started.
    @discardableResult
    public mutating func enter(_ members: [Int32], at: Timestamp, entryKey: (Int64) -> String) throws -> [Journey] {
        let fresh = try entrants(members, at: at, entryKey: entryKey)
        try recorder.begin(fresh)
        log.noteEntered(fresh.count, on: at.day)
        return fresh
    }

    /// The journeys `enter` would start, not written yet: members not in an open journey, whom
    /// re-entry lets in, who did not enter with the same key before.
    func entrants(_ members: [Int32], at: Timestamp, entryKey: (Int64) -> String) throws -> [Journey] {
        guard !members.isEmpty, let firstDue = plan.due(step: 0, enteredAt: at) else { return [] }
        let ids = members.map { memberIds[Int($0)] }
        let latest = try recorder.latestJourneys(playbook: plan.name, members: ids)
        var fresh: [Journey] = []
        for id in ids {
            let key = entryKey(id)
            let previous = latest[id]
            if previous?.entryKey == key || !plan.mayEnter(after: previous, at: at) { continue }
            fresh.append(Journey(playbook: plan.name, member: id, entryKey: key, enteredAt: at, nextDue: firstDue))
        }
        return fresh
    }

    /// An event arrived for a member: journeys listening for it end (`exit_on`), or take the
    /// `on_event` branch of the `wait_for` step they are waiting at.
    public mutating func observe(event kind: String, member: Int64, at: Timestamp) throws {
        if plan.exits(on: kind) || (kind == "payment" && plan.exits(on: "order")) {
            if try recorder.exit(playbook: plan.name, member: member, reason: JourneyExit.event(kind), at: at) {
                log.noteExit(JourneyExit.event(kind), member: member)
            }
            return
        }
        guard plan.waits(for: kind),
              let j = try recorder.latestJourneys(playbook: plan.name, members: [member])[member], j.isOpen,
              let wait = plan.steps[j.step].wait, wait.answered(by: kind),
              let started = plan.waitStarted(j), let timeout = j.nextDue, at >= started, at < timeout
        else { return }
        try take(wait.onEvent, from: j, at: at, branch: "event")
    }

    /// A waiting journey takes a branch: the move is saved now, the step it leads to runs
    /// when due (at once, if it is due already).
    private mutating func take(_ move: JourneyPlan.Move, from j: Journey, at: Timestamp, branch: String) throws {
        let next = plan.moved(j, move, at: at)
        try recorder.save([next])
        log.noteBranch(step: j.step, branch)
        noteExits([next])
    }

    /// For each journey whose `wait_for` step is due (it timed out at its time), whether the
    /// event happened anyway: an order imported in bulk, a redemption at the till, which the
    /// engine did not see arrive but the ledgers hold. Asked as two batches, like `only_if`.
    private func answeredWhileWaiting(_ waits: [(journey: Journey, at: Timestamp)]) throws -> [Bool] {
        let steps = plan.steps
        func wait(_ k: Int) -> JourneyPlan.Wait { steps[waits[k].journey.step].wait! }
        let payments = waits.indices.filter { wait($0).answered(by: "payment") }
        let redemptions = waits.indices.filter { wait($0).event == "redeem" }
        let bought = try recorder.purchased(payments.map {
            (waits[$0].journey.member, plan.waitStarted(waits[$0].journey) ?? waits[$0].journey.enteredAt, waits[$0].at)
        })
        let used = try recorder.redeemed(redemptions.map { (waits[$0].journey, waits[$0].at) })
        var out = [Bool](repeating: false, count: waits.count)
        for (k, i) in payments.enumerated() { out[i] = bought[k] }
        for (k, i) in redemptions.enumerated() { out[i] = used[k] }
        return out
    }

    // MARK: - Steps

    /// Runs every step due at or before `now`, batch by batch, until none is due.
    public mutating func advance(to now: Timestamp) throws {
        while true {
            let due = try recorder.dueJourneys(playbook: plan.name, now: now, limit: batchSize)
            if due.isEmpty { return }
            try run(due, now: now)
        }
    }

    /// One batch of due journeys: checks, offers, guards, then one recorder commit.
    ///
    /// The journeys deciding are named by their index in `due` and steps are read in place
    /// (`steps[k].…`): a batch copies a journey once, into its outcome, not at every stage
    /// (a 10M dry-run decides 1.9 M first steps).
    mutating func run(_ due: [Journey], now: Timestamp) throws {
        var moved: [Journey] = []          // position changes with nothing to write
        var deciding: [(n: Int, member: Int32)] = []
        let times = due.map { simulated ? ($0.nextDue ?? now) : now }
        // What members did since entering, asked once per batch (a store answers in one read each).
        let exitsOnPayment = plan.exits(on: "payment") || plan.exits(on: "order")
        let paid = exitsOnPayment ? try recorder.purchased(due.indices.map { (due[$0].member, due[$0].purchasesFrom, times[$0]) }) : []
        let steps = self.plan.steps
        let conditioned = due.indices.filter { steps[due[$0].step].wait == nil && steps[due[$0].step].condition != nil }
        let held = try recorder.holds(conditioned.map { (steps[due[$0].step].condition!, due[$0], times[$0]) })
        let holds = Dictionary(uniqueKeysWithValues: zip(conditioned, held))
        let waiting = due.indices.filter { steps[due[$0].step].wait != nil }
        let answered = Dictionary(uniqueKeysWithValues: zip(waiting, try answeredWhileWaiting(waiting.map { (due[$0], times[$0]) })))
        for n in due.indices {
            let at = times[n], k = due[n].step
            guard let i = indexById[due[n].member] else { moved.append(Self.closed(due[n], "unknown_member")); continue }
            if let deadline = plan.deadline(enteredAt: due[n].enteredAt), at > deadline {
                moved.append(Self.closed(due[n], JourneyExit.expired)); continue
            }
            if exitsOnPayment, paid[n] {
                moved.append(Self.closed(due[n], JourneyExit.event("payment"))); continue
            }
            if let wait = steps[k].wait {
                let happened = answered[n] ?? false
                moved.append(plan.moved(due[n], happened ? wait.onEvent : wait.onTimeout, at: at))
                log.noteBranch(step: k, happened ? "event" : "timeout")
                continue
            }
            if steps[k].condition != nil, holds[n] == false {
                log.skipped += 1
                moved.append(plan.moved(due[n], steps[k].next, at: at))
                continue
            }
            deciding.append((n, i))
        }
        try recorder.save(moved)
        noteExits(moved)
        guard !deciding.isEmpty else { return }

        // Offers for the members at offer steps, one formula call per step and variant (all shards at once).
        var chosen: [Int: [Int32: Int]] = [:]
        for k in Set(deciding.map { due[$0.n].step }) where steps[k].givesOffer {
            let members = deciding.filter { due[$0.n].step == k }.map(\.member)
            chosen[k] = try plan.offers(step: k, members: members, context: context)
        }
        var work: [(n: Int, member: Int32, offer: ResolvedOffer?)] = []
        work.reserveCapacity(deciding.count)
        var noOffer: [Journey] = []
        // A batch nearly always asks one step: its offers are looked up once, not per member.
        var offersAt: (step: Int, ids: [Int32: Int])?
        for d in deciding {
            let k = due[d.n].step
            guard steps[k].givesOffer else {
                work.append((d.n, d.member, nil))
                continue
            }
            if offersAt?.step != k { offersAt = (k, chosen[k] ?? [:]) }
            let offerId = offersAt!.ids[d.member] ?? 0
            if offerId == 0 {
                noOffer.append(k == 0 ? Self.closed(due[d.n], JourneyExit.noOffer)
                                      : plan.moved(due[d.n], steps[k].next, at: times[d.n]))
                continue
            }
            work.append((d.n, d.member, try resolved(offerId)))
        }
        try recorder.save(noOffer)
        noteExits(noOffer)
        var last: PipelineKey?
        for w in work {
            let key = PipelineKey(step: due[w.n].step, offer: w.offer?.id ?? 0)
            if key != last { _ = try pipeline(step: key.step, offer: w.offer); last = key }
        }

        let campaigns = [plan.name]
        var decided: [StepOutcome] = []
        let pipelines = self.pipelines
        let quietMode = plan.playbook.journey.quietHours
        let plan = self.plan, views = context.views, quiet = policy.quietHours
        try recorder.commit(members: work.map { due[$0.n].member }, at: now, campaigns: campaigns) { state in
            var outcomes: [StepOutcome] = []
            outcomes.reserveCapacity(work.count)
            // A batch is nearly always one (step, offer): its pipeline is looked up when that changes,
            // not hashed again for every member.
            var current: (key: PipelineKey, pipeline: GuardPipeline)?
            for w in work {
                let at = times[w.n], step = due[w.n].step
                let member = views[Int(w.member)].member
                let key = PipelineKey(step: step, offer: w.offer?.id ?? 0)
                if current?.key != key { current = (key, pipelines[key]!) }
                let decision = current!.pipeline.decide(member: member, at: at, state: &state)
                var j = due[w.n]
                if decision == .suppress(.quietHours), quietMode == .defer {
                    j.nextDue = quiet?.nextAllowed(after: at, utcOffsetMinutes: member.utcOffsetMinutes)
                    outcomes.append(StepOutcome(journey: j, member: member, step: step, decision: nil, request: nil, offer: nil))
                    continue
                }
                if let offer = w.offer, decision.isIssue, j.offerId == 0 { j.offerId = offer.id }
                // A first step refused by the guards ends the journey: no reminders of an offer never given.
                if step == 0, case .suppress(let reason) = decision, w.offer != nil {
                    j = Self.closed(j, JourneyExit.suppressed(reason))
                } else {
                    j = plan.moved(j, steps[step].next, at: at)
                }
                outcomes.append(StepOutcome(journey: j, member: member, step: step, decision: decision,
                                            request: current!.pipeline.request, offer: w.offer,
                                            variant: plan.variant(step: step, member: member.id)))
            }
            decided = outcomes
            return outcomes
        }
        // Read in place through a buffer: an array element handed to a call is copied whole.
        let outcomes = decided
        decided = []
        try outcomes.withUnsafeBufferPointer { outcomes in
            for k in outcomes.indices {
                let member = work[k].member
                guard let decision = outcomes[k].decision else { log.deferred += 1; continue }
                log.note(decision, playbook: outcomes[k].journey.playbook, step: outcomes[k].step,
                         memberId: outcomes[k].member.id, offer: outcomes[k].offer?.id, variant: outcomes[k].variant,
                         costPerIssue: outcomes[k].request?.costPerIssue, member: member, at: times[work[k].n])
                if outcomes[k].journey.state == .exited, let reason = outcomes[k].journey.exitReason {
                    log.noteExit(reason, member: outcomes[k].member.id)
                }
                if log.rendersMessages, let channel = outcomes[k].channel { try render(member, outcomes[k], channel: channel) }
            }
        }
    }

    static func closed(_ j: Journey, _ reason: String) -> Journey {
        var j = j
        j.state = .exited; j.exitReason = reason; j.nextDue = nil
        return j
    }

    private mutating func noteExits(_ journeys: [Journey]) {
        for j in journeys where j.state == .exited { log.noteExit(j.exitReason ?? "", member: j.member) }
    }

    private mutating func resolved(_ id: Int) throws -> ResolvedOffer {
        if let r = offers[id] { return r }
        guard let declaration = context.runtime.offers[id] else {
            throw ScriptError(kind: .runtime, file: context.program.chunkName, message: "offer \(id) is unknown")
        }
        do {
            let r = try ResolvedOffer(declaration, campaign: plan.name)
            offers[id] = r
            offerResolved?(r)
            return r
        } catch {
            throw ScriptError(kind: .validation, file: context.program.chunkName, line: declaration.line,
                              message: "\(declaration.kind): \(error.description)")
        }
    }

    @discardableResult
    private mutating func pipeline(step: Int, offer: ResolvedOffer?) throws -> GuardPipeline {
        let key = PipelineKey(step: step, offer: offer?.id ?? 0)
        if let p = pipelines[key] { return p }
        let p = GuardPipeline(policy: policy, request: plan.guardRequest(step: step, offer: offer))
        pipelines[key] = p
        return p
    }

    /// Renders the step's message (a missing variable names the member) and keeps a sample.
    private mutating func render(_ member: Int32, _ outcome: StepOutcome, channel: String) throws {
        let k = outcome.step
        let template = MessageVariables.template(plan.playbook, step: plan.playbook.steps.isEmpty ? 0 : k)
        guard let template else { return }
        let view = context.views[Int(member)]
        let offerId = outcome.offer?.id ?? outcome.journey.offerId
        let offerVars = context.runtime.offers[offerId]?.templateVariables ?? [:]
        let vars = MessageVariables.variables(view: view, playbook: plan.name, offer: offerVars)
        if messageSegments == nil { messageSegments = try MessageSegments(context: context) }
        guard let text = try MessageVariables.render(template, playbook: plan.playbook, vars: vars,
                                                     segments: messageSegments!.of(member: Int(member)),
                                                     memberId: view.member.id, chunkName: context.program.chunkName)
        else { return }
        if log.sampleMessages.count < 5 { log.sampleMessages.append("\(channel) → \(view.member.id): \(text)") }
        if log.rendered.wants(channel) {
            log.rendered.keep(RenderedMessage(memberId: view.member.id, channel: channel, step: plan.steps[k].name,
                                              subject: MessageVariables.subject(playbook: plan.name, offer: offerVars),
                                              body: text, variables: vars))
        }
    }
}

extension GuardDecision {
    /// The suppression's code, nil for an issue.
    var suppressionCode: String? { if case .suppress(let r) = self { r.code } else { nil } }
}
