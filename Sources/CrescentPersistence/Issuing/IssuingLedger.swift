import CrescentCore

/// The issuing ledgers as reports and redemptions see them: coupons, points, tiers,
/// suppressions, and the interned offers a reminder names.
///
/// Issues themselves are written by ``JourneyStore/journeyBatch(allHistory:offers:)``, in the
/// same transaction as the journeys they move. Every row carries an idempotency key
/// (`entry/playbook/step/member` for issues, the caller's key otherwise): writing a key
/// twice changes nothing, on any store.
public protocol IssuingLedger: AnyObject, Sendable {
    /// Issue and suppression counts of one (run, playbook, step), as stored.
    func issueTotals(_ scope: IssueScope) throws -> IssueTotals
    /// Issues, delivery states and suppressions per playbook, over every run.
    func playbookActivity() throws -> [String: PlaybookActivity]
    /// The message variables of an offer a journey gave (its `offerVariablesId`); empty when unknown.
    func offerVariables(id: Int64) throws -> [String: String]
    /// The id of `spec` in the coupon spec catalog, interning it when new (same spec, same id).
    func internCouponSpec(_ spec: CouponSpec) throws -> Int64
    /// How many coupons the ledger holds, in any state.
    func couponCount() throws -> Int
}

/// Coupon redemptions and expiries.
public protocol CouponRedemptions: AnyObject, Sendable {
    /// Applies coupon `id` to `order`. One transaction (on SQLite `BEGIN IMMEDIATE`): the coupon
    /// is read, judged and marked redeemed together with a redeem event under `key`, so a
    /// retried payment callback is `.replayed` rather than a second discount. A coupon past its
    /// window is marked expired and refused.
    /// - parameter key: the redemption's idempotency key; nil: `redeem/<coupon>/<order id>`.
    /// - throws: ``UnknownCoupon`` when the ledger has no such coupon.
    func redeem(coupon id: Int64, order: Order, city: String?, shippingFee: Money, key: String?) throws -> RedeemOutcome
    /// Expires every issued coupon whose window closed by `now` (key `expire/<coupon>`), in one
    /// transaction; returns how many changed. Running it twice changes nothing.
    @discardableResult
    func expireCoupons(at now: Timestamp) throws -> Int
}

/// Points and tier ledgers: every change a row with an idempotency key; each operation is
/// one transaction and replaying a key changes nothing.
public protocol LoyaltyLedger: AnyObject, Sendable {
    /// The member's points lots as the ledger rows leave them.
    /// - throws: ``PointsLedgerCorrupt`` when the rows do not add up.
    func points(member: Int64) throws -> PointsLedger
    /// Adds points; false when `key` was already written.
    @discardableResult
    func earnPoints(member: Int64, points: Int64, on day: Day, expiresOn: Day?, reason: String, key: String,
                    runId: String?, playbook: String?, channel: String?) throws -> Bool
    /// Spends points oldest first, one row per entry keyed `key#n`; a replayed key returns no entries.
    /// The balance is read and the rows written in the same transaction, so two spends never use one lot.
    func spendPoints(member: Int64, points: Int64, on day: Day, reason: String, key: String) throws -> [PointsEntry]
    /// Expires every lot due by `day` (rows keyed `expire/<member>/<day>#n`).
    func expirePoints(member: Int64, asOf day: Day) throws -> [PointsEntry]
    /// Records a tier decision that changed something and moves the member's tier, in one
    /// transaction; false for `.none` decisions and replayed keys.
    @discardableResult
    func recordTierChange(member: Int64, _ decision: TierDecision, at time: Timestamp, key: String) throws -> Bool
}

/// Guard state as it stands, read without writing: what `explain` walks the guards against.
/// (The issuing path reads it inside its own transaction: ``JourneyBatchCommitter``.)
public protocol GuardStateStore: AnyObject, Sendable {
    /// The guard history of `members` and the reservations of `campaigns` at `now`.
    func guardState(members: [Int64], campaigns: [String], at now: Timestamp) throws -> StoreGuardState
}

extension CouponRedemptions {
    /// Applies coupon `id` to `order` with no city, no shipping fee and the default key.
    public func redeem(coupon id: Int64, order: Order) throws -> RedeemOutcome {
        try redeem(coupon: id, order: order, city: nil, shippingFee: .zero, key: nil)
    }
}

extension LoyaltyLedger {
    /// Adds points outside any run (no run, playbook or channel); false when `key` was already written.
    @discardableResult
    public func earnPoints(member: Int64, points: Int64, on day: Day, expiresOn: Day?, reason: String, key: String) throws -> Bool {
        try earnPoints(member: member, points: points, on: day, expiresOn: expiresOn, reason: reason, key: key,
                       runId: nil, playbook: nil, channel: nil)
    }
}
