import CrescentCore

/// Why one member got what they got from one playbook at one moment: "who is in this
/// journey, at which step, and why not me". Built by ``JourneyExplainer`` from the engine's
/// own decisions (segment evaluation, the offer formula, ``GuardPipeline/explain(member:at:state:)``).
public struct JourneyExplanation: Sendable, Codable, Equatable {
    public struct JourneyState: Sendable, Codable, Equatable {
        public var entryKey: String
        public var enteredAt: String
        public var state: String
        public var step: Int
        public var exitReason: String?
        public var nextDue: String?
    }

    public struct OfferChoice: Sendable, Codable, Equatable {
        public var id: Int
        public var kind: String
        public var name: String
    }

    public var playbook: String
    public var member: Int64
    public var at: String
    /// Each audience segment, in the playbook's order.
    public var segments: [SegmentVerdict]
    public var inAudience: Bool
    /// How members enter ("scheduled", `event "payment"`, "date scene birthday: next on …").
    public var entry: String
    /// The member's latest journey of the playbook (from the store), nil when none.
    public var journey: JourneyState?
    /// The step explained: the open journey's current step, else the first.
    public var step: Int
    public var stepName: String
    /// The member's sticky A/B variant at the step, when the playbook or step has variants.
    public var variant: String? = nil
    /// Why the step would not run at all (not in the audience, journey over, `only_if` fails), else nil.
    public var blocked: String?
    /// The offer the formula chose; nil with `offerNote` saying why (chose none, a reminder).
    public var offer: OfferChoice?
    public var offerNote: String?
    public var guards: [GuardTrace.Verdict]
    public var channels: [GuardTrace.ChannelVerdict]
    /// `issue:<channel>`, `suppress:<reason>`, or `none` when the guards were not reached.
    public var decision: String
    public var message: String?
    /// The step after this one and when it is due.
    public var nextStep: String?

    /// The explanation as a few indented lines for a terminal.
    public var text: String {
        var lines = ["playbook \(playbook) · member \(member) · at \(at)"]
        for s in segments { lines.append("  segment \(s.segment): \(s.member ? "in" : "out") — \(s.reason)") }
        lines.append("  audience: \(inAudience ? "in" : "out"); entry: \(entry)")
        if let j = journey {
            lines.append("  journey \(j.entryKey): \(j.state), entered \(j.enteredAt), step \(j.step)"
                + (j.exitReason.map { ", exit \($0)" } ?? "") + (j.nextDue.map { ", next due \($0)" } ?? ""))
        } else {
            lines.append("  journey: none in the store")
        }
        lines.append("  step \(step) \"\(stepName)\"" + (blocked.map { ": not run — \($0)" } ?? ""))
        if let variant { lines.append("  variant: \(variant) (sticky per member)") }
        if let offer { lines.append("  offer: \(offer.kind) \"\(offer.name)\" (#\(offer.id))") }
        if let offerNote { lines.append("  offer: \(offerNote)") }
        for g in guards { lines.append("  guard \(g.guardName): \(g.passed ? "pass" : "FAIL") — \(g.reason)") }
        for c in channels { lines.append("  channel \(c.channel): \(c.skippedBy.map { "skipped (\($0))" } ?? "picked") — \(c.reason)") }
        lines.append("  decision: \(decision)")
        if let message { lines.append("  message: \(message)") }
        if let nextStep { lines.append("  next: \(nextStep)") }
        return lines.joined(separator: "\n")
    }
}
