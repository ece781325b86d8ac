import CrescentCore

/// A segment as declared: its own conditions run in Lua; set operations run in Swift.
public struct SegmentDeclaration: Sendable {
    public var name: String
    public var line: Int
    public var description: String?
    public var hasConditions: Bool
    public var union: [String]
    public var intersect: [String]
    public var exclude: [String]
    /// The segment's own conditions as declared (`where` as `{"$function": true}`), for the
    /// host's native filters (`NativeSegmentFilter`).
    public var conditions: [String: LuaValue] = [:]
}

/// When a playbook acts: a scheduled window or an event scene.
public struct PlaybookSchedule: Sendable, Equatable {
    public var at: Timestamp?
    public var until: Timestamp?
    public var every: String?
    public var trigger: String?
    public var daysAfter: Int?
    public var daysBefore: Int?
    public var category: String?
    /// A triggered playbook acts only within this many days of its event (then the journey exits).
    public var withinDays: Int?
    /// The days a `holiday` scene falls on (the script's own calendar).
    public var dates: [Day] = []
    /// Second of the (script's local) day a date scene enters members: default 10:00.
    public var secondOfDay: Int = 36_000

    public init(at: Timestamp? = nil, until: Timestamp? = nil, every: String? = nil, trigger: String? = nil,
                daysAfter: Int? = nil, daysBefore: Int? = nil, category: String? = nil) {
        self.at = at; self.until = until; self.every = every; self.trigger = trigger
        self.daysAfter = daysAfter; self.daysBefore = daysBefore; self.category = category
    }

    /// The window in which the playbook may act, for overlap detection. Open ends are unbounded.
    public var window: (start: Timestamp, end: Timestamp) {
        (at ?? Timestamp(seconds: .min / 2), until ?? Timestamp(seconds: .max / 2))
    }

    public func overlaps(_ other: PlaybookSchedule) -> Bool {
        let a = window, b = other.window
        return a.start < b.end && b.start < a.end
    }
}

/// One touch of a playbook: a delay from entry, channels, an offer and a message.
public struct PlaybookStep: Sendable {
    public var name: String
    public var afterDays: Int
    /// Hours added to `afterDays` (a reminder the same evening).
    public var afterHours: Int
    public var channels: [String]
    /// 0: the playbook's offer; n: the n-th step's own formula.
    public var ownOffer: Bool
    public var message: MessageTemplate?
    /// e.g. `.notRedeemed`: only members who have not used the journey's offer.
    public var condition: StepCondition?
    /// `wait_for = { event, within_days }`: the step sends nothing; it waits, then branches.
    public var wait: StepWait?
    /// Where the journey goes after this step (`next`): by default the following step.
    public var next: StepTarget = .following
    /// The step's own A/B variants (each replaces the step's offer); empty for none.
    public var variants: [VariantDeclaration] = []

    public init(name: String, afterDays: Int, afterHours: Int = 0, channels: [String], ownOffer: Bool,
                message: MessageTemplate?, condition: StepCondition?, wait: StepWait? = nil, next: StepTarget = .following) {
        self.name = name; self.afterDays = afterDays; self.afterHours = afterHours; self.channels = channels
        self.ownOffer = ownOffer; self.message = message; self.condition = condition
        self.wait = wait; self.next = next
    }

    /// Seconds from the member's entry to this step.
    public var delaySeconds: Int64 { Int64(afterDays) * 86_400 + Int64(afterHours) * 3_600 }
}

/// A QA expectation: `roi = ">= 1.5"`.
public struct Expectation: Sendable, Equatable {
    public var metric: String
    public var op: String
    public var value: Double
    public var text: String
}

/// A 5W2H playbook as declared.
public struct PlaybookDeclaration: Sendable {
    public var name: String
    public var line: Int
    public var goal: String
    public var resource: String?
    public var audience: [String]
    public var businessLine: String
    public var schedule: PlaybookSchedule
    public var channels: [String]
    public var budget: Money?
    public var platformShare: Double
    public var perMemberBudget: Money?
    public var offer: OfferReference
    public var message: MessageTemplate?
    public var steps: [PlaybookStep]
    public var expectations: [Expectation]
    public var uplift: Double
    public var windowDays: Int?
    public var priority: Int
    /// Re-entry, exits, quiet-hours behaviour and time zone of the playbook's journeys.
    public var journey: PlaybookJourney = PlaybookJourney()
    /// Sticky share of the audience that gets nothing, to measure lift (0 ..< 1).
    public var holdout: Double = 0
    /// `transactional = true`: a service message (an order receipt, a points statement) that
    /// reaches the programme's control group too.
    public var transactional = false
    /// The programme's control group share this playbook leaves alone: `economics.control_group`,
    /// or 0 for a transactional playbook. Set once the whole script is read.
    public var controlGroup: Double = 0
    /// A/B variants of the playbook's offer (each replaces `offer`); empty for none.
    public var variants: [VariantDeclaration] = []
}

/// One A/B variant: `{ name = "a", weight = 0.5, offer = coupon { … } }`. Members are split
/// between a playbook's (or a step's) variants by weight, sticky per member.
public struct VariantDeclaration: Sendable, Equatable {
    public var name: String
    public var weight: Double
    /// The variant's offer: one fixed offer or a formula, like a playbook's `offer`.
    public var offer: OfferReference

    public init(name: String, weight: Double, offer: OfferReference) {
        self.name = name; self.weight = weight; self.offer = offer
    }
}

/// How a playbook's offer is given: none, one fixed offer, or a Lua formula per member.
public enum OfferReference: Sendable, Equatable {
    case none
    case fixed(id: Int)
    case formula
}

/// An offer returned by `coupon{…}`, `points{…}`, … (interned: one per distinct field set).
public struct OfferDeclaration: Sendable {
    public var id: Int
    public var kind: String
    public var line: Int
    public var fields: [String: LuaValue]

    public var name: String {
        fields["name"]?.stringValue ?? defaultName
    }

    private var defaultName: String {
        switch kind {
        case "coupon":
            if let off = fields["off"]?.doubleValue {
                let min = fields["min_spend"]?.doubleValue.map { " over \(trim($0))" } ?? ""
                return "\(trim(off)) off\(min)"
            }
            if let p = fields["percent"]?.intValue { return "\(p)% off" }
            if fields["free_shipping"]?.boolValue == true { return "free shipping" }
            if let g = fields["gift"]?.stringValue { return "gift \(g)" }
            return "coupon"
        case "points": return "\(fields["award"]?.intValue ?? 0) points"
        default: return kind
        }
    }
}

func trim(_ d: Double) -> String { CheckedNumber.text(d) }

/// A loaded script: its declarations, in order, validated.
public struct CRMProgram: Sendable {
    public var chunkName: String
    public var segments: [SegmentDeclaration]
    public var playbooks: [PlaybookDeclaration]
    public var offers: [Int: OfferDeclaration]
    /// The programme's tiers, when the script declares `tier_ladder "…" { … }`.
    public var tierLadder: TierLadderDeclaration? = nil
    /// The programme's points earning and spending, when the script declares `points_rule "…" { … }`.
    public var pointsRule: PointsRuleDeclaration? = nil
    /// Margin, message costs and point value, when the script declares `economics { … }`.
    public var economics: ProgrammeEconomics? = nil

    public func segment(_ name: String) -> SegmentDeclaration? { segments.first { $0.name == name } }
    public func playbook(_ name: String) -> PlaybookDeclaration? { playbooks.first { $0.name == name } }
}

/// A `tier_ladder "name" { tiers = { … } }` as declared, bound to Core.
public struct TierLadderDeclaration: Sendable {
    public var name: String
    public var line: Int
    public var ladder: TierLadder
}

/// A `points_rule "name" { earn = 1, … }` as declared, bound to Core.
public struct PointsRuleDeclaration: Sendable {
    public var name: String
    public var line: Int
    public var rule: PointsRule
}
