import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore: StoreSnapshotting {
    /// Every ledger row, in one read transaction (a consistent view).
    public func snapshot() throws -> StoreSnapshot {
        try writer.read { db in
            var s = StoreSnapshot()
            s.coupons = try Row.fetchAll(db, sql: """
                SELECT id, idempotency_key, run_id, playbook, step, member_id, campaign, state, value_minor,
                  redeemed_order_reference FROM coupon_ledger ORDER BY id
                """).map {
                StoreSnapshot.Coupon(id: $0[0], idempotencyKey: $0[1], runId: $0[2], playbook: $0[3], step: $0[4],
                                     member: $0[5], campaign: $0[6], state: $0[7], value: Money(minorUnits: $0[8]),
                                     redeemedOrderReference: $0[9])
            }
            s.deliveries = try Row.fetchAll(db, sql: """
                SELECT idempotency_key, run_id, playbook, step, member_id, channel, state, reason, offer_variables_id
                FROM deliveries ORDER BY id
                """).map {
                StoreSnapshot.Delivery(idempotencyKey: $0[0], runId: $0[1], playbook: $0[2], step: $0[3], member: $0[4],
                                       channel: $0[5], state: try Self.deliveryState($0[6]), reason: $0[7],
                                       offerVariablesId: $0[8])
            }
            s.suppressions = try Row.fetchAll(db, sql: """
                SELECT idempotency_key, playbook, step, member_id, reason FROM suppressions ORDER BY id
                """).map {
                StoreSnapshot.Suppression(idempotencyKey: $0[0], playbook: $0[1], step: $0[2], member: $0[3], reason: $0[4])
            }
            s.couponEvents = try Row.fetchAll(db, sql: "SELECT idempotency_key, coupon_id, kind FROM coupon_events ORDER BY id").map {
                StoreSnapshot.CouponEvent(idempotencyKey: $0[0], coupon: $0[1], kind: $0[2])
            }
            s.points = try Row.fetchAll(db, sql: "SELECT id, idempotency_key, member_id, delta FROM points_ledger ORDER BY id").map {
                StoreSnapshot.PointsRow(id: $0[0], idempotencyKey: $0[1], member: $0[2], delta: $0[3])
            }
            s.attempts = try Row.fetchAll(db, sql: """
                SELECT idempotency_key, member_id, channel, plugin, status, attempt, reason, provider_id, playbook, run_id, at
                FROM delivery_attempts ORDER BY id
                """).map(Self.deliveryRecord)
            s.journeys = try JourneyLedger.everything(db)
            s.events = try Row.fetchAll(db, sql: "SELECT id, member_id, kind, state, attempts FROM events ORDER BY rowid").map {
                StoreSnapshot.Event(id: $0[0], member: $0[1], kind: $0[2], state: $0[3], attempts: $0[4])
            }
            for r in try Row.fetchAll(db, sql: "SELECT campaign, stock, budget_minor FROM campaign_reservations") {
                s.reservations[r[0]] = StoreSnapshot.Reservation(stock: r[1], budget: Money(minorUnits: r[2]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT run_id, state FROM scheduled_runs") {
                s.scheduledRuns[r[0]] = ScheduledRunState(rawValue: r[1])
            }
            return s
        }
    }

    /// A stored delivery state; anything else is a row this store did not write.
    static func deliveryState(_ text: String) throws -> DeliveryState {
        guard let state = DeliveryState(rawValue: text) else {
            throw StoredRowError(table: "deliveries", id: "?", message: "state \"\(text)\" is not pending, sent or failed")
        }
        return state
    }
}
