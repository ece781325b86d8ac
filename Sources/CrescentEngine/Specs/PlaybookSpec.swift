import CrescentCore

/// A playbook spec file (`scripts/tests/<example>_spec.lua`) as declared: the script under
/// test, the moment, fixture members with their orders, later orders and events, the guard
/// policy, and the expectations, each with the line it was written on.
public struct PlaybookSpec: Sendable {
    /// The spec file as given on the command line.
    public var file: String
    /// The line of `spec { … }`.
    public var line: Int
    /// The script under test, resolved against the spec file's folder.
    public var script: String
    /// The playbook the expectations are about by default (nil: the script's only one).
    public var playbook: String?
    /// The moment the spec is set at (UTC): scripts see history before its day.
    public var at: Timestamp
    /// The spec's time zone: `at`, order and event times are local to it.
    public var utcOffsetSeconds: Int
    /// Days the simulated clock runs (nil: the playbook's own window, as a dry-run).
    public var days: Int?
    public var policy: GuardPolicy
    public var members: [Member]
    /// Every order, history and later ones alike (the as-of day splits them).
    public var orders: [Order]
    public var events: [Event]
    /// Points lots that expire, per member and day (the `points_expiring` scene's source).
    public var pointsExpiries: [PointsExpiry] = []
    public var expectations: [SpecExpectation]

    /// An event other than an order arriving for a member (`event { kind = "signup", … }`).
    public struct Event: Sendable {
        public var line: Int
        public var member: Int64
        public var kind: String
        public var time: Timestamp
    }
}

/// One `expect { … }`: a member, optionally a playbook and step, and what must hold. Every
/// claim of one expectation is checked and reported on its line.
public struct SpecExpectation: Sendable {
    public enum Claim: Sendable, Equatable {
        case inSegment(String, Bool)
        case enters(Bool)
        /// The member entered the journey this many times over the simulated days (re-entry).
        case entries(Int)
        /// The step gives this offer (by name); nil: it gives none.
        case offer(String?)
        case channel(String)
        case sent(Bool)
        case suppressed(String)
        case message(String)
        case messageContains(String)
        /// The journey ends with this reason (`payment`, `no_offer`, `suppressed:holdout`…); nil: it does not end early.
        case exits(String?)
        /// The step ran on this day, counted from the spec's day (0).
        case day(Int)
    }

    public var line: Int
    public var member: Int64
    public var playbook: String?
    /// The step's name (nil: the first step).
    public var step: String?
    public var claims: [Claim]
}
