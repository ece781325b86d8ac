import CrescentCore

/// What the engine saw while it ran: reach per step, suppressions, who got which offer, a
/// day-by-day timeline and a bounded sample of rendered messages. The dry-run's report is
/// built from it; the live engine reads its counts for metrics.
public struct JourneyLog: Sendable {
    /// One step's reach over the whole run.
    public var steps: [StepReach]
    public var tally = SuppressionTally()
    /// Member index → (offer id, channel) of the step that gave them their offer.
    public var offered: [Int32: (offer: Int, channel: String)] = [:]
    /// Member index → their A/B variant and its offer id, from the first step that gave them
    /// an offer under a split (the first step for a playbook's variants, the step for a step's).
    public var variants: [Int32: String] = [:]
    public var variantOffers: [Int32: Int] = [:]
    /// Per variant: members who faced the guards with an offer, and those issued it.
    public var variantReach: [String: (eligible: Int, issued: Int)] = [:]
    /// Per variant: messages and reminders issued per channel (their message costs).
    public var variantMessages: [String: [String: Int]] = [:]
    /// Member index → reminders (steps after the offer) received.
    public var reminders: [Int32: Int] = [:]
    public var entered = 0
    /// Why journeys ended early, by reason.
    public var exits: [String: Int] = [:]
    /// Steps a condition (`only_if`) skipped.
    public var skipped = 0
    /// Steps moved out of quiet hours to the next allowed time.
    public var deferred = 0
    /// Branches taken at `wait_for` steps: "step name: event" or "step name: timeout".
    public var branches: [String: Int] = [:]
    /// Per day: entered, issued per step, redeemed, budget spent (minor units).
    public var timeline: [Day: TimelineDay] = [:]
    public var sampleMessages: [String] = []
    public var rendered: RenderedSample
    /// Render messages (dry-run); the live engine renders at delivery time instead.
    public var rendersMessages: Bool
    /// Every decision in order, when kept (parity tests, explain); nil keeps memory flat.
    public var decisions: [JourneyDecision]?
    /// Member id → why their journey ended, when kept (a batch of events names each event's outcome).
    public var exitsByMember: [Int64: String]?

    public init(plan: JourneyPlan, samplePerChannel: Int = 50, rendersMessages: Bool = true) {
        steps = plan.steps.map { StepReach(name: $0.name, day: Day(index: 0), eligible: 0, issued: 0, byChannel: [:]) }
        rendered = RenderedSample(perChannel: samplePerChannel)
        self.rendersMessages = rendersMessages
    }

    public struct TimelineDay: Sendable, Equatable, Codable {
        public var entered = 0
        public var issuedByStep: [Int] = []
        public var redeemed = 0
        public var spentMinor: Int64 = 0
    }

    mutating func noteEntered(_ n: Int, on day: Day) {
        entered += n
        timeline[day, default: TimelineDay()].entered += n
    }

    mutating func noteExit(_ reason: String, member: Int64) {
        exits[reason, default: 0] += 1
        exitsByMember?[member] = reason
    }

    mutating func noteBranch(step: Int, _ branch: String) {
        branches[Self.branchKey(step: steps[step].name, branch), default: 0] += 1
    }

    /// How `branches` names a branch: the wait step's name and "event" or "timeout".
    public static func branchKey(step name: String, _ branch: String) -> String { "\(name): \(branch)" }

    /// One decision of a step (`StepOutcome`'s fields, passed one by one: the executor reads
    /// them in place, where handing over the whole outcome copied it per decision).
    mutating func note(_ decision: GuardDecision, playbook: String, step k: Int, memberId: Int64, offer: Int?,
                       variant: String?, costPerIssue: Money?, member: Int32, at: Timestamp) {
        decisions?.append(JourneyDecision(playbook: playbook, step: k, member: memberId, at: at, decision: decision,
                                          offer: offer ?? 0, variant: variant))
        steps[k].eligible += 1
        tally.record(decision)
        if let v = variant, offer != nil {
            variantReach[v, default: (0, 0)].eligible += 1
            if decision.isIssue { variantReach[v, default: (0, 0)].issued += 1 }
        }
        guard case .issue(let channel) = decision else { return }
        if let v = variant { variantMessages[v, default: [:]][channel, default: 0] += 1 }
        if steps[k].issued == 0 { steps[k].day = at.day }
        if at.day > steps[k].day { steps[k].lastDay = at.day }
        steps[k].issued += 1
        steps[k].byChannel[channel, default: 0] += 1
        var day = timeline[at.day, default: TimelineDay()]
        if day.issuedByStep.count <= k { day.issuedByStep += Array(repeating: 0, count: k + 1 - day.issuedByStep.count) }
        day.issuedByStep[k] += 1
        day.spentMinor += costPerIssue?.minorUnits ?? 0
        timeline[at.day] = day
        if let offer, offered[member] == nil { offered[member] = (offer, channel) }
        else if offer == nil { reminders[member, default: 0] += 1 }
        if let offer, let v = variant, variants[member] == nil {
            variants[member] = v
            variantOffers[member] = offer
        }
    }

    mutating func noteRedeemed(on day: Day) { timeline[day, default: TimelineDay()].redeemed += 1 }
}

/// One decision the engine made: who, which step, when, and the guards' verdict.
public struct JourneyDecision: Sendable, Hashable, CustomStringConvertible {
    public var playbook: String
    public var step: Int
    public var member: Int64
    public var at: Timestamp
    public var decision: GuardDecision
    /// The offer the step gave or would have given (0: a reminder or message without one).
    /// Left out of `description`, which compares runs whose offers are numbered apart.
    public var offer: Int = 0
    /// The member's A/B variant at the step, when it has variants.
    public var variant: String? = nil

    public var description: String {
        let verdict: String
        switch decision {
        case .issue(let channel): verdict = "issue \(channel)"
        case .suppress(let reason): verdict = "suppress \(reason.code)"
        }
        return "\(playbook) step \(step) member \(member): \(verdict)" + (variant.map { " (variant \($0))" } ?? "")
    }
}
