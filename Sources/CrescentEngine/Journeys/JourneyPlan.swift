import CrescentCore
import CrescentLua

/// A playbook as a journey, resolved once from its declaration: how members enter, the
/// steps in time from entry, and when they leave.
public struct JourneyPlan: Sendable {
    public enum Entry: Sendable, Equatable {
        /// `when.at` (optionally `every`): the audience enters at each occurrence.
        case scheduled
        /// An event scene arriving for the member (`payment`, `signup`, …).
        case event(String)
        /// A date scene the engine generates from member data once a day (`birthday`, …).
        case date(String)

        /// The date scene's name, nil for other entries.
        public var dateScene: String? { if case .date(let s) = self { s } else { nil } }
    }

    public struct Step: Sendable {
        public var index: Int
        public var name: String
        /// Seconds from entry.
        public var delay: Int64
        public var channels: [String]
        /// True when the step chooses an offer (the first step, or a step with its own `offer`).
        public var givesOffer: Bool
        /// The step index the offer formula is asked for (nil: the playbook's own `offer`).
        public var formulaStep: Int?
        public var condition: StepCondition?
        /// A step that waits for an event and branches; it sends nothing.
        public var wait: Wait?
        /// Where the journey goes once the step ran.
        public var next: Move
    }

    /// Where a journey goes from a step.
    public enum Move: Sendable, Equatable {
        case step(Int)
        /// The journey ran to its end.
        case done
        /// The journey leaves early, with this reason.
        case exit(String)
    }

    public struct Wait: Sendable {
        public var event: String
        /// How long the step waits, from the moment the journey reaches it.
        public var seconds: Int64
        public var onEvent: Move
        public var onTimeout: Move
        public var declaration: StepWait

        public func answered(by kind: String) -> Bool { declaration.answered(by: kind) }
    }

    public let playbook: PlaybookDeclaration
    public let entry: Entry
    public let steps: [Step]

    public init(_ playbook: PlaybookDeclaration) {
        self.playbook = playbook
        if let trigger = playbook.schedule.trigger {
            entry = DateScene.triggers.contains(trigger) ? .date(trigger) : .event(trigger)
        } else {
            entry = .scheduled
        }
        if playbook.steps.isEmpty {
            steps = [Step(index: 0, name: "send", delay: 0, channels: playbook.channels, givesOffer: true,
                          formulaStep: nil, condition: nil, wait: nil, next: .done)]
        } else {
            let declared = playbook.steps
            func move(_ target: StepTarget, from k: Int, exit: String?) -> Move {
                switch target {
                case .following: return k + 1 < declared.count ? .step(k + 1) : .done
                case .step(let name): return declared.firstIndex { $0.name == name }.map(Move.step) ?? .done
                case .exit: return exit.map(Move.exit) ?? .done
                }
            }
            steps = declared.enumerated().map { k, s in
                Step(index: k, name: s.name, delay: s.delaySeconds,
                     channels: s.channels.isEmpty ? playbook.channels : s.channels,
                     givesOffer: s.wait == nil && (s.ownOffer || k == 0), formulaStep: k, condition: s.condition,
                     wait: s.wait.map { w in
                         Wait(event: w.event, seconds: Int64(w.withinDays) * 86_400,
                              onEvent: move(w.onEvent, from: k, exit: JourneyExit.event(w.event)),
                              onTimeout: move(w.onTimeout, from: k, exit: JourneyExit.waitTimeout), declaration: w)
                     },
                     next: move(s.next, from: k, exit: nil))
            }
        }
    }

    public var name: String { playbook.name }

    /// When step `k` of a journey entered at `entered` is due (reached no earlier than
    /// `reached`); nil past the last step. A waiting step is due when its wait times out.
    public func due(step k: Int, enteredAt entered: Timestamp, reached: Timestamp? = nil) -> Timestamp? {
        guard steps.indices.contains(k) else { return nil }
        let start = max(entered.adding(seconds: steps[k].delay), reached ?? entered)
        return start.adding(seconds: steps[k].wait?.seconds ?? 0)
    }

    /// The journey `j` takes `move` at `at`: to a step (due from entry, not before `at`), to
    /// its end, or out.
    public func moved(_ j: Journey, _ move: Move, at: Timestamp) -> Journey {
        var next = j
        switch move {
        case .step(let k):
            next.step = k
            next.nextDue = due(step: k, enteredAt: j.enteredAt, reached: at)
        case .done:
            next.step = steps.count; next.nextDue = nil; next.state = .done
        case .exit(let reason):
            next.state = .exited; next.exitReason = reason; next.nextDue = nil
        }
        return next
    }

    /// When the journey `j`, waiting at a `wait_for` step, started waiting.
    public func waitStarted(_ j: Journey) -> Timestamp? {
        guard steps.indices.contains(j.step), let wait = steps[j.step].wait, let due = j.nextDue else { return nil }
        return due.adding(seconds: -wait.seconds)
    }

    /// True when some step waits for `kind` (an order answers a payment wait).
    public func waits(for kind: String) -> Bool { steps.contains { $0.wait?.answered(by: kind) ?? false } }

    /// The time after which a triggered journey no longer acts (`when.within_days`).
    public func deadline(enteredAt entered: Timestamp) -> Timestamp? {
        playbook.schedule.withinDays.map { entered.adding(seconds: Int64($0) * 86_400) }
    }

    /// What step `k` asks the guards for: the offer's request on the step's channels, or a
    /// plain message request for a step without an offer (a reminder).
    public func guardRequest(step k: Int, offer: ResolvedOffer?) -> GuardRequest {
        let channels = steps[k].channels
        var request = offer?.request(playbook, channels: channels)
            ?? GuardRequest(campaign: name, businessLine: playbook.businessLine, channels: channels)
        request.holdout = playbook.holdout
        return request
    }

    /// True when the journey listens for `kind` to end it.
    public func exits(on kind: String) -> Bool { playbook.journey.exitOn.contains(kind) }

    /// Whether a member whose latest journey is `previous` may enter again at `now`.
    public func mayEnter(after previous: Journey?, at now: Timestamp) -> Bool {
        guard let previous else { return true }
        if previous.isOpen { return false }
        switch playbook.journey.reentry {
        case .never: return false
        case .afterExit: return true
        case .afterDays(let days): return now.seconds - previous.enteredAt.seconds >= Int64(days) * 86_400
        }
    }
}
