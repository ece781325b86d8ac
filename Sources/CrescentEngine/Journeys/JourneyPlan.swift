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
                          formulaStep: nil, condition: nil)]
        } else {
            steps = playbook.steps.enumerated().map { k, s in
                Step(index: k, name: s.name, delay: s.delaySeconds,
                     channels: s.channels.isEmpty ? playbook.channels : s.channels,
                     givesOffer: s.ownOffer || k == 0, formulaStep: k, condition: s.condition)
            }
        }
    }

    public var name: String { playbook.name }

    /// When step `k` of a journey entered at `entered` is due; nil past the last step.
    public func due(step k: Int, enteredAt entered: Timestamp) -> Timestamp? {
        steps.indices.contains(k) ? entered.adding(seconds: steps[k].delay) : nil
    }

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
        request.controlGroup = playbook.controlGroup
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
