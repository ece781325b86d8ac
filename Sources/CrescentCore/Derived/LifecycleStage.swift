/// Where a member stands in the customer lifecycle, as of a day.
///
/// The stages, checked in this order (defaults from `DerivedViewsConfig`):
/// - `prospect`: no order before the day.
/// - `churned`: last order `churnedAfterDays` (365) or more days ago.
/// - `silent`: last order `silentAfterDays` (90) or more days ago.
/// - `new`: first order fewer than `newWithinDays` (30) days ago.
/// - otherwise the member is active, and the order rate of the last `recentDays` (90)
///   is compared with the rate in the `baselineDays` (365) before that, counted from the
///   first order if that is later: `active_rising` when recent ≥ `risingRatio` (1.25) ×
///   earlier, or when there is no earlier history; `active_declining` when recent ≤
///   `decliningRatio` (0.75) × earlier; `active_mature` in between.
public enum LifecycleStage: String, CaseIterable, Sendable, Codable, Hashable {
    case prospect
    case new
    case activeRising = "active_rising"
    case activeMature = "active_mature"
    case declining = "active_declining"
    case silent
    case churned

    /// The name scripts and reports use, e.g. `active_rising`.
    public var name: String { rawValue }

    /// Position in `allCases`, for columns that hold a stage in a byte.
    public var ordinal: UInt8 {
        switch self {
        case .prospect: 0
        case .new: 1
        case .activeRising: 2
        case .activeMature: 3
        case .declining: 4
        case .silent: 5
        case .churned: 6
        }
    }
}

/// How `frequency` counts purchases in the RFM window.
public enum FrequencyCounting: String, Sendable, Codable, Hashable, CaseIterable {
    /// Every order counts once.
    case orders
    /// Several orders on one day count once (CDNOW-style "transactions").
    case distinctDays = "distinct_days"
}

/// The knobs of RFM and lifecycle. The defaults are the documented ones; change them per
/// business (a coffee chain's "silent" is weeks, a tyre shop's is a year).
public struct DerivedViewsConfig: Sendable, Hashable, Codable {
    /// Frequency and monetary count orders in `[asOf - windowDays, asOf)`.
    public var windowDays: Int = 365
    public var frequencyCounting: FrequencyCounting = .orders
    public var newWithinDays: Int = 30
    public var silentAfterDays: Int = 90
    public var churnedAfterDays: Int = 365
    /// The recent period whose order rate decides rising / mature / declining.
    public var recentDays: Int = 90
    /// The earlier period the recent rate is compared with.
    public var baselineDays: Int = 365
    public var risingRatio: Double = 1.25
    public var decliningRatio: Double = 0.75

    public init() {}

    /// The defaults with a different window and frequency rule.
    public init(windowDays: Int, frequencyCounting: FrequencyCounting = .orders) {
        self.windowDays = windowDays
        self.frequencyCounting = frequencyCounting
    }
}
