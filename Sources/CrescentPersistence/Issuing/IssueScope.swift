import CrescentCore

/// Where one issuing pass writes: run, playbook and step. Together with the member they
/// make the idempotency key `runId/playbook/step/memberId` of every row the pass writes.
public struct IssueScope: Hashable, Sendable {
    /// How the member id ends the key. Providers see the key and a resumed run writes under
    /// it, so a run keeps the format it started with (the store remembers the runs that
    /// started before `.padded` existed); every new run is `.padded`.
    public enum KeyFormat: Hashable, Sendable {
        /// `…/000000000042`: zero-padded to ``paddedWidth`` digits, so a run's keys sort in
        /// member order and a batch's inserts land at the end of the UNIQUE key indexes
        /// instead of all over their pages (`…/10` sorted before `…/9`).
        case padded
        /// `…/42`: the format of runs begun before padding (schema `v11 issue keys in member order, lighter issue writes`).
        case legacy
    }

    /// Digits of a padded member id: ids up to 10^12 − 1 keep the key order; longer (or
    /// negative) ids are written as they are, still unique, only no longer in order.
    public static let paddedWidth = 12

    public var runId: String
    public var playbook: String
    public var step: Int
    public var keyFormat: KeyFormat

    public init(runId: String, playbook: String, step: Int = 0, keyFormat: KeyFormat = .padded) {
        self.runId = runId; self.playbook = playbook; self.step = step; self.keyFormat = keyFormat
    }

    /// The prefix every key of this scope starts with (both formats).
    public var keyPrefix: String { "\(runId)/\(playbook)/\(step)/" }

    public func key(member: Int64) -> String { keyPrefix + Self.memberPart(member, keyFormat) }

    /// The key's last component: the member id in `format`.
    public static func memberPart(_ member: Int64, _ format: KeyFormat) -> String {
        let digits = String(member)
        guard format == .padded, member >= 0, digits.utf8.count < paddedWidth else { return digits }
        return String(repeating: "0", count: paddedWidth - digits.utf8.count) + digits
    }
}

/// What a member receives when the guards let an issue through.
public struct IssueOffer: Hashable, Sendable {
    /// A coupon with its spec id in the store's coupon spec catalog (`IssuingLedger.internCouponSpec`).
    public var coupon: (spec: CouponSpec, specId: Int64)?
    /// Points earned, and the days until they expire (nil: never).
    public var points: (award: Int64, expiryDays: Int?)?
    /// The offer's message variables, interned by the store (nil: none recorded).
    public var variablesId: Int64?

    public init(coupon spec: CouponSpec, specId: Int64) { coupon = (spec, specId) }
    public init(points award: Int64, expiryDays: Int?) { points = (award, expiryDays) }
    /// Content, call tasks and other offers that only need a delivery.
    public init() {}

    public static func == (a: IssueOffer, b: IssueOffer) -> Bool {
        a.coupon?.specId == b.coupon?.specId && a.points?.award == b.points?.award
            && a.points?.expiryDays == b.points?.expiryDays && a.variablesId == b.variablesId
    }
    public func hash(into h: inout Hasher) { h.combine(coupon?.specId); h.combine(points?.award) }
}
