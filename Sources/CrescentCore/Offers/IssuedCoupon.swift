/// The life of one issued coupon.
public enum CouponState: Hashable, Sendable, Codable {
    case issued
    case redeemed(orderId: Int64, at: Timestamp)
    case expired

    /// A stable code for ledgers: `issued`, `redeemed`, `expired`.
    public var code: String {
        switch self {
        case .issued: "issued"
        case .redeemed: "redeemed"
        case .expired: "expired"
        }
    }
}

/// A coupon held by one member: its spec, when it was issued, and its state.
///
/// Validity is judged in the member's local time, so a coupon "valid through
/// 2026-12-31" is usable until midnight in the member's city.
///
/// For example:
/// ```swift
/// var coupon = IssuedCoupon(spec: spec, member: member, issuedAt: Timestamp("2026-12-01 10:00")!)
/// coupon.expiresOn      // 2026-12-15 for `.relative(validDays: 14)`
/// ```
public struct IssuedCoupon: Hashable, Sendable, Codable {
    public var spec: CouponSpec
    public var memberId: Int64
    public var issuedAt: Timestamp
    /// The holder's offset from UTC, fixing local days for validity.
    public var utcOffsetMinutes: Int
    public var state: CouponState

    public init(spec: CouponSpec, memberId: Int64, issuedAt: Timestamp,
                utcOffsetMinutes: Int = 0, state: CouponState = .issued) {
        self.spec = spec; self.memberId = memberId; self.issuedAt = issuedAt
        self.utcOffsetMinutes = utcOffsetMinutes; self.state = state
    }

    public init(spec: CouponSpec, member: Member, issuedAt: Timestamp, state: CouponState = .issued) {
        self.init(spec: spec, memberId: member.id, issuedAt: issuedAt,
                  utcOffsetMinutes: member.utcOffsetMinutes, state: state)
    }

    /// The local day of `time` for this coupon's holder.
    public func localDay(of time: Timestamp) -> Day {
        time.adding(seconds: Int64(utcOffsetMinutes) * 60).day
    }

    /// The first local day on which the coupon can no longer be used.
    public var expiresOn: Day { spec.useWindow.expiresOn(claimDay: localDay(of: issuedAt)) }

    /// The last local day on which the coupon can be used.
    public var validThrough: Day { expiresOn.adding(days: -1) }

    /// The first instant the coupon can be used: the issue time or the spec's `usableFrom`.
    public var usableFrom: Timestamp { max(issuedAt, spec.usableFrom ?? issuedAt) }

    /// True when the coupon is past its use window at `time` (whatever its recorded state).
    public func isExpired(at time: Timestamp) -> Bool { localDay(of: time) >= expiresOn }
}
