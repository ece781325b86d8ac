import CrescentCore

/// Every ledger row of a store, typed: what tests and audits check a store against, the same
/// way on every store implementation. It reads everything, so it is never on a hot path.
public struct StoreSnapshot: Sendable {
    public struct Coupon: Sendable, Equatable {
        public var id: Int64
        public var idempotencyKey: String
        public var runId: String
        public var playbook: String
        public var step: Int
        public var member: Int64
        public var campaign: String
        /// `issued`, `redeemed` or `expired`.
        public var state: String
        public var value: Money
        public var redeemedOrderReference: String?
        /// The member's A/B variant when the coupon was issued (nil: the playbook has none).
        public var variant: String?
        public init(id: Int64, idempotencyKey: String, runId: String, playbook: String, step: Int, member: Int64,
                    campaign: String, state: String, value: Money, redeemedOrderReference: String?, variant: String? = nil) {
            self.id = id; self.idempotencyKey = idempotencyKey; self.runId = runId; self.playbook = playbook
            self.step = step; self.member = member; self.campaign = campaign; self.state = state; self.value = value
            self.redeemedOrderReference = redeemedOrderReference; self.variant = variant
        }
    }

    public struct Delivery: Sendable, Equatable {
        public var idempotencyKey: String
        public var runId: String
        public var playbook: String
        public var step: Int
        public var member: Int64
        public var channel: String
        public var state: DeliveryState
        public var reason: String?
        public var offerVariablesId: Int64?
        public var variant: String?
        public init(idempotencyKey: String, runId: String, playbook: String, step: Int, member: Int64, channel: String,
                    state: DeliveryState, reason: String?, offerVariablesId: Int64?, variant: String? = nil) {
            self.idempotencyKey = idempotencyKey; self.runId = runId; self.playbook = playbook; self.step = step
            self.member = member; self.channel = channel; self.state = state; self.reason = reason
            self.offerVariablesId = offerVariablesId; self.variant = variant
        }
    }

    public struct Suppression: Sendable, Equatable {
        public var idempotencyKey: String
        public var playbook: String
        public var step: Int
        public var member: Int64
        public var reason: String
        public var variant: String?
        public init(idempotencyKey: String, playbook: String, step: Int, member: Int64, reason: String, variant: String? = nil) {
            self.idempotencyKey = idempotencyKey; self.playbook = playbook; self.step = step; self.member = member
            self.reason = reason; self.variant = variant
        }
    }

    public struct CouponEvent: Sendable, Equatable {
        public var idempotencyKey: String
        public var coupon: Int64
        /// `redeem` or `expire`.
        public var kind: String
        public init(idempotencyKey: String, coupon: Int64, kind: String) {
            self.idempotencyKey = idempotencyKey; self.coupon = coupon; self.kind = kind
        }
    }

    public struct PointsRow: Sendable, Equatable {
        public var id: Int64
        public var idempotencyKey: String
        public var member: Int64
        /// Signed: earns positive, spends and expiries negative.
        public var delta: Int64
        public var variant: String?
        public init(id: Int64, idempotencyKey: String, member: Int64, delta: Int64, variant: String? = nil) {
            self.id = id; self.idempotencyKey = idempotencyKey; self.member = member; self.delta = delta; self.variant = variant
        }
    }

    public struct Reservation: Sendable, Equatable {
        public var stock: Int
        public var budget: Money
        public init(stock: Int, budget: Money) { self.stock = stock; self.budget = budget }
    }

    public struct Event: Sendable, Equatable {
        public var id: String
        public var member: Int64
        public var kind: String
        /// `pending`, `done` or `failed`.
        public var state: String
        public var attempts: Int
        public init(id: String, member: Int64, kind: String, state: String, attempts: Int) {
            self.id = id; self.member = member; self.kind = kind; self.state = state; self.attempts = attempts
        }
    }

    /// Each list in row (insertion) order.
    public var coupons: [Coupon] = []
    public var deliveries: [Delivery] = []
    public var suppressions: [Suppression] = []
    public var couponEvents: [CouponEvent] = []
    public var points: [PointsRow] = []
    public var attempts: [DeliveryRecord] = []
    public var journeys: [Journey] = []
    public var events: [Event] = []
    /// Reserved stock and budget per campaign.
    public var reservations: [String: Reservation] = [:]
    /// Scheduled runs' states by run id.
    public var scheduledRuns: [String: ScheduledRunState] = [:]

    public init() {}
}

/// A store that can list everything it holds (``StoreSnapshot``).
public protocol StoreSnapshotting: AnyObject, Sendable {
    func snapshot() throws -> StoreSnapshot
}
