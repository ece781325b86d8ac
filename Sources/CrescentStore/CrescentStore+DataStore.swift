import CrescentCore
import CrescentPersistence
import GRDB

/// The SQLite store is the default ``DataStore``. Most requirements are the store's own
/// methods (in the files beside this one); these are the rest. SQLite has one engine per
/// file, so the leases of the claiming methods are not recorded.
extension CrescentStore: DataStore {
    /// The WAL checkpointer of a file store (nil in memory).
    public func startMaintenance() throws -> (any StoreMaintenance)? {
        guard let path = location.sqlitePath, path != ":memory:" else { return nil }
        return try WALCheckpointer(store: self, path: path)
    }

    // MARK: Issuing

    public func internCouponSpec(_ spec: CouponSpec) throws -> Int64 {
        try writer.write { try CouponSpecCatalog.intern(spec, $0) }
    }

    public func couponCount() throws -> Int {
        try writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM coupon_ledger") ?? 0 }
    }

    public func redeem(coupon id: Int64, order: Order, city: String?, shippingFee: Money, key: String?) throws -> RedeemOutcome {
        try Redeemer(store: self).redeem(coupon: id, order: order, city: city, shippingFee: shippingFee, key: key)
    }

    @discardableResult
    public func expireCoupons(at now: Timestamp) throws -> Int { try Redeemer(store: self).expire(at: now) }

    // MARK: Points and tiers

    public func points(member: Int64) throws -> PointsLedger { try MemberLedgers(store: self).points(member: member) }

    @discardableResult
    public func earnPoints(member: Int64, points: Int64, on day: Day, expiresOn: Day?, reason: String, key: String,
                           runId: String?, playbook: String?, channel: String?) throws -> Bool {
        try MemberLedgers(store: self).earn(member: member, points: points, on: day, expiresOn: expiresOn, reason: reason,
                                            key: key, runId: runId, playbook: playbook, channel: channel)
    }

    public func spendPoints(member: Int64, points: Int64, on day: Day, reason: String, key: String) throws -> [PointsEntry] {
        try MemberLedgers(store: self).spend(member: member, points: points, on: day, reason: reason, key: key)
    }

    public func expirePoints(member: Int64, asOf day: Day) throws -> [PointsEntry] {
        try MemberLedgers(store: self).expire(member: member, asOf: day)
    }

    @discardableResult
    public func recordTierChange(member: Int64, _ decision: TierDecision, at time: Timestamp, key: String) throws -> Bool {
        try MemberLedgers(store: self).recordTierChange(member: member, decision, at: time, key: key)
    }

    // MARK: Journeys

    public func claimDueJourneyMembers(now: Timestamp, limit: Int, lease: WorkLease) throws -> [String: [Int64]] {
        try dueJourneyMembers(now: now, limit: limit)
    }

    public func journeyBatch(allHistory: Bool, offers: OfferInternCache) -> any JourneyBatchCommitter {
        JourneyBatchWriter(store: self, allHistory: allHistory, offers: offers)
    }

    // MARK: Events

    public func claimEvents(limit: Int, lease: WorkLease) throws -> [PendingEvent] {
        let pending = try pendingEvents(limit: limit)
        guard let first = pending.first else { return [] }
        let batch = first.attempts > 0 ? [first] : Array(pending.prefix { $0.attempts == 0 })
        try beginEvents(batch.map(\.seq))
        return batch
    }

    public func processedEventCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE state = 'done'") ?? 0 }
    }
}
