import CrescentCore
import CrescentLua

/// Reach of one step of a playbook.
public struct StepReach: Sendable, Codable, Equatable {
    public var name: String
    /// The first day the step issued (the horizon's first day when it never did).
    public var day: Day
    /// The last day it issued, when the journeys spread it over several days.
    public var lastDay: Day? = nil
    public var eligible: Int
    public var issued: Int
    public var byChannel: [String: Int]
}

/// A failed QA expectation, with by how much it missed.
public struct ExpectationResult: Sendable, Equatable {
    public var playbook: String
    public var expectation: Expectation
    public var actual: Double
    public var passed: Bool

    public var description: String {
        let verdict = passed ? "ok" : "FAILED"
        let gap = passed ? "" : String(format: " (missed by %.2f)", abs(actual - expectation.value))
        return "\(verdict): \(playbook) expect \(expectation.metric) \(expectation.text), got \(String(format: "%.2f", actual))\(gap)"
    }
}

/// Everything a dry-run found for one playbook.
public struct PlaybookDryRun: Sendable {
    public var playbook: PlaybookDeclaration
    public var report: ForecastReport
    public var steps: [StepReach]
    public var sampleMessages: [String]
    /// Up to `DryRun.samplePerChannel` fully rendered messages per channel.
    public var renderedMessages: RenderedSample
    public var expectations: [ExpectationResult]
    public var journeys: JourneySummary
    /// The members targeted (indices into the context's views), for comparing two versions.
    public var audience: Bitset = Bitset(capacity: 0)
    /// The offer (id in the program's offers) and channel each member index was given.
    public var offered: [Int32: (offer: Int, channel: String)] = [:]
    /// The A/B variant of each member index given an offer, when the playbook has variants.
    public var variants: [Int32: String] = [:]
}

/// How the journeys went over the horizon; the report carries the same value.
public typealias JourneySummary = ForecastReport.Journeys

extension ForecastReport.Journeys {
    init(_ log: JourneyLog, days: Int) {
        self.init(days: days, entered: log.entered, exits: log.exits, skipped: log.skipped, deferred: log.deferred,
                  reminded: log.reminders.values.reduce(0, +), branches: log.branches)
    }
}
