/// Why a guard stopped an issue. The raw value is the guard's place in the pipeline;
/// `code` is the stable name used in reports, ledgers and Lua.
///
/// For example:
/// ```swift
/// SuppressionReason.quietHours.code              // "quiet_hours"
/// SuppressionReason(code: "frequency_cap")       // .frequencyCap
/// ```
public enum SuppressionReason: Int, CaseIterable, Hashable, Sendable, Codable,
    CustomStringConvertible {
    case controlGroup = 0
    case holdout
    case outsideClaimWindow
    case overlap
    case noConsent
    case quietHours
    case frequencyCap
    case claimLimitDay
    case claimLimitCampaign
    case tooManyUnusedCoupons
    case sameTypeRecently
    case outOfStock
    case budgetExhausted

    public var code: String {
        switch self {
        case .controlGroup: "control_group"
        case .holdout: "holdout"
        case .outsideClaimWindow: "outside_claim_window"
        case .overlap: "overlap"
        case .noConsent: "no_consent"
        case .quietHours: "quiet_hours"
        case .frequencyCap: "frequency_cap"
        case .claimLimitDay: "claim_limit_day"
        case .claimLimitCampaign: "claim_limit_campaign"
        case .tooManyUnusedCoupons: "too_many_unused_coupons"
        case .sameTypeRecently: "same_type_recently"
        case .outOfStock: "out_of_stock"
        case .budgetExhausted: "budget_exhausted"
        }
    }

    public init?(code: String) {
        guard let reason = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = reason
    }

    public var description: String { code }

    public init(from decoder: Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        guard let reason = SuppressionReason(code: code) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "unknown suppression reason \"\(code)\""))
        }
        self = reason
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(code)
    }
}

/// What the guards decided for one member.
public enum GuardDecision: Hashable, Sendable {
    /// Issue, and deliver on this channel (the first allowed one in the fallback order).
    case issue(channel: ChannelCode)
    case suppress(SuppressionReason)

    public var isIssue: Bool { if case .issue = self { true } else { false } }
}

/// Counts of decisions: issues (by channel) and suppressions (by reason).
///
/// For example:
/// ```swift
/// var tally = SuppressionTally()
/// tally.record(.suppress(.quietHours))
/// tally[.quietHours]      // 1
/// tally.byCode            // ["quiet_hours": 1]
/// ```
public struct SuppressionTally: Hashable, Sendable {
    private var counts = [Int](repeating: 0, count: SuppressionReason.allCases.count)
    /// Issues per channel, in first-seen order.
    public private(set) var issuedByChannel: [(channel: ChannelCode, count: Int)] = []
    public private(set) var issued = 0

    public init() {}

    public subscript(reason: SuppressionReason) -> Int { counts[reason.rawValue] }

    public var suppressed: Int { counts.reduce(0, +) }

    /// Non-zero suppressions by code, for JSON reports.
    public var byCode: [String: Int] {
        var out: [String: Int] = [:]
        for reason in SuppressionReason.allCases where counts[reason.rawValue] > 0 {
            out[reason.code] = counts[reason.rawValue]
        }
        return out
    }

    public mutating func record(_ decision: GuardDecision) {
        switch decision {
        case .suppress(let reason):
            counts[reason.rawValue] += 1
        case .issue(let channel):
            issued += 1
            if let i = issuedByChannel.firstIndex(where: { $0.channel == channel }) {
                issuedByChannel[i].count += 1
            } else {
                issuedByChannel.append((channel, 1))
            }
        }
    }

    /// Adds another tally (e.g. from a parallel shard).
    public mutating func merge(_ other: SuppressionTally) {
        for i in counts.indices { counts[i] += other.counts[i] }
        issued += other.issued
        for (channel, n) in other.issuedByChannel {
            if let i = issuedByChannel.firstIndex(where: { $0.channel == channel }) {
                issuedByChannel[i].count += n
            } else {
                issuedByChannel.append((channel, n))
            }
        }
    }

    public static func == (a: SuppressionTally, b: SuppressionTally) -> Bool {
        a.counts == b.counts && a.issued == b.issued
            && a.issuedByChannel.elementsEqual(b.issuedByChannel) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(counts); hasher.combine(issued)
    }
}
