import CrescentCore

/// What the store holds for one issuing scope: the counts a report prints, across every
/// restart of the run.
public struct IssueTotals: Hashable, Sendable {
    public var issued = 0
    /// Issues per channel, sorted by channel.
    public var issuedByChannel: [String: Int] = [:]
    /// Suppressions per reason code.
    public var suppressed: [String: Int] = [:]

    public init() {}

    public var suppressedTotal: Int { suppressed.values.reduce(0, +) }
}
