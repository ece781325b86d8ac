import CrescentCore

/// Where one issuing pass writes: run, playbook and step. Together with the member they
/// make the idempotency key `runId/playbook/step/memberId` of every row the pass writes.
public struct IssueScope: Hashable, Sendable {
    public var runId: String
    public var playbook: String
    public var step: Int

    public init(runId: String, playbook: String, step: Int = 0) {
        self.runId = runId; self.playbook = playbook; self.step = step
    }

    /// The prefix every key of this scope starts with.
    public var keyPrefix: String { "\(runId)/\(playbook)/\(step)/" }

    public func key(member: Int64) -> String { keyPrefix + String(member) }
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
