import CrescentCore
import CrescentLua
import CrescentPersistence

/// Explains, for one member and each playbook, what the journey engine decides at a moment
/// and why, without writing anything. It asks the engine's own parts rather than repeating
/// them: the segment evaluator (first failing condition), the offer formula, the plan's guard
/// request, ``GuardPipeline/explain(member:at:state:)`` (the walk `decide` makes) and the
/// message renderer. With a store it reads the member's journeys and guard history from it;
/// without one the guards see no history (nothing issued yet).
///
/// For example:
/// ```swift
/// let explainer = JourneyExplainer(context: context, store: store)
/// for e in try explainer.explain(member: 42, at: now) { print(e.text) }
/// ```
public struct JourneyExplainer {
    public let context: CampaignContext
    public let store: (any DataStore)?
    public var policy: GuardPolicy

    public init(context: CampaignContext, store: (any DataStore)? = nil, policy: GuardPolicy = GuardPolicy()) {
        self.context = context; self.store = store; self.policy = policy
    }

    /// One explanation per playbook (`playbooks`: only these), in the script's order.
    /// - throws: `ScriptError` when the member is not in the population or a playbook is unknown.
    public func explain(member id: Int64, at: Timestamp, playbooks: [String]? = nil) throws -> [JourneyExplanation] {
        guard let i = context.views.firstIndex(where: { $0.member.id == id }) else {
            throw ScriptError(kind: .validation, file: context.program.chunkName,
                              message: "member \(id) is not in \(context.dataSource) (\(context.views.count) members)")
        }
        let names = playbooks ?? context.program.playbooks.map(\.name)
        var segments: [String: Bitset] = [:]
        for s in try SegmentEvaluator(runtime: context.runtime).evaluateAll() { segments[s.name] = s.members }
        return try names.map { name in
            guard let playbook = context.program.playbook(name) else {
                throw ScriptError(kind: .validation, file: context.program.chunkName, message: "no playbook \"\(name)\"")
            }
            return try explain(JourneyPlan(playbook), member: i, at: at, segments: segments)
        }
    }

    private func explain(_ plan: JourneyPlan, member i: Int, at: Timestamp,
                         segments: [String: Bitset]) throws -> JourneyExplanation {
        let view = context.views[i], id = view.member.id
        let evaluator = SegmentEvaluator(runtime: context.runtime)
        let verdicts = try plan.playbook.audience.map { try evaluator.explain($0, member: i, segments: segments) }
        let inAudience = verdicts.contains(where: \.member)
        let latest = try store?.latestJourneys(playbook: plan.name, members: [id])[id]

        // The step to explain: the open journey's current one, else what entering now would run.
        let k = latest.flatMap { $0.isOpen ? $0.step : nil } ?? 0
        var e = JourneyExplanation(
            playbook: plan.name, member: id, at: at.description, segments: verdicts, inAudience: inAudience,
            entry: entry(plan, view: view, at: at), journey: latest.map(Self.state), step: k,
            stepName: plan.steps[k].name, blocked: nil, offer: nil, offerNote: nil, guards: [], channels: [],
            decision: "none", message: nil, nextStep: nil)
        if let j = latest, j.isOpen {
            e.nextStep = j.nextDue.map { "step \(j.step) \"\(plan.steps[j.step].name)\" due \($0)" }
        } else {
            if !inAudience { e.blocked = "not in the audience"; return e }
            // The guards are still walked: they say what would stop the member now.
            if !plan.mayEnter(after: latest, at: at) {
                e.blocked = "may not enter again (reentry \(plan.playbook.journey.reentry)); the step's checks at this moment follow"
            }
            e.nextStep = plan.steps.count > 1 ? plan.due(step: 1, enteredAt: at).map {
                "step 1 \"\(plan.steps[1].name)\" due \($0) if entered now" } : nil
        }
        if let j = latest, j.isOpen, let condition = plan.steps[k].condition, let store,
           try !StoreJourneyRecorder(store: store, allHistory: false, now: { at }).holds(condition, j, at: at) {
            e.blocked = "only_if \(condition.rawValue) does not hold"
            return e
        }

        // The offer, as the executor chooses it.
        var offer: ResolvedOffer?
        e.variant = plan.variant(step: k, member: id)
        if plan.steps[k].givesOffer {
            let chosen = try plan.offers(step: k, members: [Int32(i)], context: context)
            let offerId = chosen[Int32(i)] ?? 0
            guard offerId != 0, let declaration = context.runtime.offers[offerId] else {
                e.offerNote = "the formula chose no offer"
                e.decision = "none: no offer"
                return e
            }
            offer = try ResolvedOffer(declaration, campaign: plan.name)
            e.offer = .init(id: offerId, kind: declaration.kind, name: declaration.name)
        } else {
            e.offerNote = "a reminder: no new offer"
        }

        // Every guard, in the pipeline's order, against the store's history (or none).
        let pipeline = GuardPipeline(policy: policy, request: plan.guardRequest(step: k, offer: offer))
        let trace: GuardTrace
        if let store {
            var state = try store.guardState(members: [id], campaigns: [plan.name], at: at)
            trace = pipeline.explain(member: view.member, at: at, state: &state)
        } else {
            var state = InMemoryGuardState(keepsLog: false, expectedMembers: 1)
            trace = pipeline.explain(member: view.member, at: at, state: &state)
        }
        e.guards = trace.verdicts
        e.channels = trace.channels
        switch trace.decision {
        case .issue(let channel):
            e.decision = "issue:\(channel)"
            // A reminder names the offer the journey gave, as the store interned it.
            var offerVariables = offer?.declaration.templateVariables ?? [:]
            if offer == nil, let store, let variablesId = latest?.offerVariablesId {
                offerVariables = try store.offerVariables(id: variablesId)
            }
            let own = MessageSegments(program: context.program, evaluated: segments).of(member: i)
            e.message = try MessageVariables.render(playbook: plan.playbook, step: k, view: view, segments: own,
                                                    offer: offerVariables, chunkName: context.program.chunkName)
        case .suppress(let reason):
            e.decision = "suppress:\(reason.code)"
        }
        return e
    }

    /// How members enter, and for a date scene the member's next occurrence within a year.
    private func entry(_ plan: JourneyPlan, view: MemberView, at: Timestamp) -> String {
        switch plan.entry {
        case .scheduled:
            let s = plan.playbook.schedule
            return "scheduled" + (s.at.map { " at \($0)" } ?? "") + (s.every.map { " every \($0)" } ?? "")
        case .event(let kind):
            return "on a \"\(kind)\" event"
        case .date(let scene):
            let calendar = DateSceneCalendar(scene: scene, schedule: plan.playbook.schedule,
                                             pointsExpiries: context.population.pointsExpiries.filter { $0.member == view.member.id })
            let today = DateSceneCalendar.localDay(at, utcOffsetSeconds: plan.playbook.journey.utcOffsetSeconds)
            guard let day = calendar.occurrences(for: view, in: today...today.adding(days: 365)).first
            else { return "date scene \(scene): none for this member within a year" }
            return "date scene \(scene): next on \(day)"
        }
    }

    static func state(_ j: Journey) -> JourneyExplanation.JourneyState {
        .init(entryKey: j.entryKey, enteredAt: j.enteredAt.description, state: j.state.rawValue, step: j.step,
              exitReason: j.exitReason, nextDue: j.nextDue?.description)
    }
}
