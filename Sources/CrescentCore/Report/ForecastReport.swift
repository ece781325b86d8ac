/// The dry-run forecast of one playbook: who it reaches, what it costs, what it earns.
///
/// A plain value the engine fills in and the CLI writes out twice — as JSON for
/// machines and assertions (`jsonString()`) and as one self-contained HTML page for
/// people (`html()`). Exact counts (targeted, deliverable, suppressed) are integers;
/// everything simulated is an `Estimate` with its interval. Money is in major units.
///
/// For example:
/// ```swift
/// let report = ForecastReport(header: header, total: total, channels: channels,
///                             segments: segments, suppressions: suppressions)
/// try report.html().write(to: "report.html")
/// ```
public struct ForecastReport: Hashable, Sendable, Codable {
    /// What was forecast, from what, and how — everything needed to reproduce it.
    public struct Header: Hashable, Sendable, Codable {
        public var playbook: String
        public var seed: UInt64
        /// Where the population came from, e.g. `cdnow_sample.txt` or `synthetic(n=10000)`.
        public var dataSource: String
        /// The day the offer goes out; history is everything before it.
        public var asOf: Day
        /// Length of the offer window in days.
        public var windowDays: Int
        /// Simulation runs behind every interval.
        public var runs: Int
        /// ISO 4217 code of the money figures, e.g. `CNY`, `USD`.
        public var currency: String
        /// A one-line description of the response model, e.g. its fitted parameters.
        public var model: String?
        /// The response model's parameters as numbers.
        public var responseModel: ResponseModel?
        /// When the report was made, only if the caller passes it: reports are reproducible.
        public var generatedAt: String?

        public init(playbook: String, seed: UInt64, dataSource: String, asOf: Day, windowDays: Int,
                    runs: Int, currency: String = "CNY", model: String? = nil, responseModel: ResponseModel? = nil,
                    generatedAt: String? = nil) {
            self.playbook = playbook; self.seed = seed; self.dataSource = dataSource; self.asOf = asOf
            self.windowDays = windowDays; self.runs = runs; self.currency = currency
            self.model = model; self.responseModel = responseModel; self.generatedAt = generatedAt
        }
    }

    /// Reach and forecast for everyone, one channel or one segment.
    public struct Row: Hashable, Sendable, Codable {
        /// `"all"`, a channel code or a segment name (script-provided: escape before display).
        public var name: String
        /// Members the playbook's audience selected.
        public var targeted: Int
        /// Targeted members left after every guard (consent, caps, quiet hours, …).
        public var deliverable: Int
        public var figures: ForecastFigures

        public init(name: String, targeted: Int, deliverable: Int, figures: ForecastFigures) {
            self.name = name; self.targeted = targeted; self.deliverable = deliverable; self.figures = figures
        }
    }

    /// Members removed by one guard.
    public struct Suppression: Hashable, Sendable, Codable {
        /// The guard's reason code, e.g. `no_consent`, `frequency_cap`, `quiet_hours`.
        public var reason: String
        public var count: Int
        public init(reason: String, count: Int) { self.reason = reason; self.count = count }
    }

    /// A past window replayed: what the forecast said against what happened.
    public struct Backtest: Hashable, Sendable, Codable {
        public var from: Day
        public var to: Day
        public var metrics: [Metric]

        public struct Metric: Hashable, Sendable, Codable {
            /// e.g. `redemptions`, `revenue`.
            public var name: String
            public var forecast: Estimate
            public var actual: Double
            public init(name: String, forecast: Estimate, actual: Double) {
                self.name = name; self.forecast = forecast; self.actual = actual
            }
            /// Whether the actual value fell inside the forecast interval.
            public var withinInterval: Bool { actual >= forecast.low && actual <= forecast.high }
            /// (forecast mean − actual) / actual; nil when actual is 0.
            public var relativeError: Double? { actual == 0 ? nil : (forecast.mean - actual) / actual }
        }

        /// The same journeys replayed on the real orders after the as-of day.
        public var replay: Replay?

        public init(from: Day, to: Day, metrics: [Metric], replay: Replay? = nil) {
            self.from = from; self.to = to; self.metrics = metrics; self.replay = replay
        }
    }

    /// What the journeys did when replayed on real history (a backtest by replay).
    public struct Replay: Hashable, Sendable, Codable {
        public var entered: Int
        public var issued: Int
        public var reminded: Int
        public var redeemed: Int
        public var revenue: Double
        public var exits: [String: Int]

        public init(entered: Int, issued: Int, reminded: Int, redeemed: Int, revenue: Double, exits: [String: Int]) {
            self.entered = entered; self.issued = issued; self.reminded = reminded; self.redeemed = redeemed
            self.revenue = revenue; self.exits = exits
        }
    }

    /// How the journeys went over the horizon: entries, exits by reason, steps skipped and
    /// deferred, reminders sent, and the branches taken at `wait_for` steps.
    public struct Journeys: Hashable, Sendable, Codable {
        public var days: Int
        public var entered: Int
        /// Exits by reason, e.g. `completed`, `payment`, `no_consent`.
        public var exits: [String: Int]
        public var skipped: Int
        /// Steps moved out of quiet hours.
        public var deferred: Int
        public var reminded: Int
        /// Branches taken at `wait_for` steps, keyed "step: event" and "step: timeout".
        public var branches: [String: Int]

        public init(days: Int, entered: Int, exits: [String: Int], skipped: Int, deferred: Int,
                    reminded: Int, branches: [String: Int]) {
            self.days = days; self.entered = entered; self.exits = exits; self.skipped = skipped
            self.deferred = deferred; self.reminded = reminded; self.branches = branches
        }
    }

    /// One day of the simulated horizon.
    public struct TimelineDay: Hashable, Sendable, Codable {
        public var day: Day
        public var entered: Int
        /// Issues (and reminders) per step, in step order.
        public var issuedByStep: [Int]
        /// Redemptions on one seeded path of the simulation.
        public var redeemed: Int
        /// Budget reserved by the day's issues (major units).
        public var spent: Double

        public init(day: Day, entered: Int, issuedByStep: [Int], redeemed: Int, spent: Double) {
            self.day = day; self.entered = entered; self.issuedByStep = issuedByStep
            self.redeemed = redeemed; self.spent = spent
        }
    }

    public var header: Header
    public var total: Row
    public var channels: [Row]
    public var segments: [Row]
    public var suppressions: [Suppression]
    public var backtest: Backtest?
    /// Day by day over the dry-run's horizon (empty for reports built elsewhere).
    public var timeline: [TimelineDay] = []
    /// The journeys' entries, exits and branches over the horizon (nil for reports built elsewhere).
    public var journeys: Journeys? = nil
    /// The margin, message costs and point value behind the incremental figures.
    public var economics: ProgrammeEconomics? = nil
    /// Messages and reminders issued per channel, what the message costs are paid on.
    public var messages: [String: Int]? = nil
    /// With a holdout or a control group: the lift they can show (nil when no one is held out).
    public var measurable: MeasurableLift? = nil
    /// One row per A/B variant, in declaration order, when the playbook has variants: its
    /// `targeted` counts the members in it who reached the offer step, `deliverable` those
    /// issued the variant's offer; its figures include the incremental ones.
    public var variants: [Row]? = nil
    /// The smallest difference in redemption rate between the two smallest variants that the
    /// test detects at 95 % confidence with 80 % power, at the forecast redemption rate.
    public var variantDetectableDifference: Double? = nil

    public init(header: Header, total: Row, channels: [Row] = [], segments: [Row] = [],
                suppressions: [Suppression] = [], backtest: Backtest? = nil, timeline: [TimelineDay] = []) {
        self.header = header; self.total = total; self.channels = channels
        self.segments = segments; self.suppressions = suppressions; self.backtest = backtest
        self.timeline = timeline
    }
}
