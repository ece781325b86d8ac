/// What ``GuardPipeline/explain(member:at:state:)`` saw: each guard's verdict in the
/// pipeline's order, and per channel why it was skipped or picked.
///
/// It is written by the same walk `decide` makes (through ``GuardTracing``), so the two
/// cannot disagree.
public struct GuardTrace: Sendable, Equatable {
    /// One guard's verdict.
    public struct Verdict: Sendable, Equatable, Codable {
        /// The suppression code the guard gives when it refuses (`budget_exhausted`, …).
        public var guardName: String
        public var passed: Bool
        /// Why, in words, with the figures the guard compared.
        public var reason: String
        public init(guardName: String, passed: Bool, reason: String) {
            self.guardName = guardName; self.passed = passed; self.reason = reason
        }
    }

    /// One channel of the fallback list.
    public struct ChannelVerdict: Sendable, Equatable, Codable {
        public var channel: String
        /// Nil for the channel picked; else the guard that skipped it (`no_consent`, `quiet_hours`, `frequency_cap`).
        public var skippedBy: String?
        public var reason: String
        public init(channel: String, skippedBy: String?, reason: String) {
            self.channel = channel; self.skippedBy = skippedBy; self.reason = reason
        }
    }

    public var verdicts: [Verdict] = []
    public var channels: [ChannelVerdict] = []
    public var decision: GuardDecision = .suppress(.noConsent)

    public init() {}

    /// The first guard that refused, if any.
    public var failed: Verdict? { verdicts.first { !$0.passed } }
}

/// Receives the pipeline's verdicts as it walks them. `decide` walks with ``NoGuardTracing``,
/// whose empty methods the compiler removes, so the hot path pays nothing for explanations.
public protocol GuardTracing {
    /// Verdicts carry their reason as a closure: only a tracer that keeps them formats text.
    mutating func verdict(_ reason: SuppressionReason, passed: Bool, _ why: @autoclosure () -> String)
    mutating func channel(_ code: String, skippedBy: SuppressionReason?, _ why: @autoclosure () -> String)
}

public struct NoGuardTracing: GuardTracing {
    @inline(__always) public mutating func verdict(_ reason: SuppressionReason, passed: Bool, _ why: @autoclosure () -> String) {}
    @inline(__always) public mutating func channel(_ code: String, skippedBy: SuppressionReason?, _ why: @autoclosure () -> String) {}
}

extension GuardTrace: GuardTracing {
    public mutating func verdict(_ reason: SuppressionReason, passed: Bool, _ why: @autoclosure () -> String) {
        verdicts.append(Verdict(guardName: reason.code, passed: passed, reason: why()))
    }

    public mutating func channel(_ code: String, skippedBy: SuppressionReason?, _ why: @autoclosure () -> String) {
        channels.append(ChannelVerdict(channel: code, skippedBy: skippedBy?.code, reason: why()))
    }
}
