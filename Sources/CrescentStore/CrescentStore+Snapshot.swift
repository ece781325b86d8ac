import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore: StoreSnapshotting {
    /// Every ledger row, in one read transaction (a consistent view).
    public func snapshot() throws -> StoreSnapshot {
        try writer.read { db in
            var s = StoreSnapshot()
            // The large tables are read with the C API (the kill tests snapshot tens of thousands of rows).
            let c = try RawStatement(db, """
                SELECT id, idempotency_key, run_id, playbook, step, member_id, campaign, state, value_minor,
                  redeemed_order_reference, variant FROM coupon_ledger ORDER BY id
                """)
            while try c.step(db) {
                s.coupons.append(StoreSnapshot.Coupon(
                    id: c.int(0), idempotencyKey: c.text(1) ?? "", runId: c.text(2) ?? "", playbook: c.text(3) ?? "",
                    step: Int(c.int(4)), member: c.int(5), campaign: c.text(6) ?? "", state: c.text(7) ?? "",
                    value: Money(minorUnits: c.int(8)), redeemedOrderReference: c.text(9), variant: c.text(10)))
            }
            let d = try RawStatement(db, """
                SELECT idempotency_key, run_id, playbook, step, member_id, channel, state, reason, offer_variables_id, variant
                FROM deliveries ORDER BY id
                """)
            while try d.step(db) {
                s.deliveries.append(StoreSnapshot.Delivery(
                    idempotencyKey: d.text(0) ?? "", runId: d.text(1) ?? "", playbook: d.text(2) ?? "", step: Int(d.int(3)),
                    member: d.int(4), channel: d.text(5) ?? "", state: try Self.deliveryState(d.text(6) ?? ""),
                    reason: d.text(7), offerVariablesId: d.isNull(8) ? nil : d.int(8), variant: d.text(9)))
            }
            let x = try RawStatement(db, "SELECT idempotency_key, playbook, step, member_id, reason, variant FROM suppressions ORDER BY id")
            while try x.step(db) {
                s.suppressions.append(StoreSnapshot.Suppression(
                    idempotencyKey: x.text(0) ?? "", playbook: x.text(1) ?? "", step: Int(x.int(2)), member: x.int(3),
                    reason: x.text(4) ?? "", variant: x.text(5)))
            }
            s.couponEvents = try Row.fetchAll(db, sql: "SELECT idempotency_key, coupon_id, kind FROM coupon_events ORDER BY id").map {
                StoreSnapshot.CouponEvent(idempotencyKey: $0[0], coupon: $0[1], kind: $0[2])
            }
            s.points = try Row.fetchAll(db, sql: "SELECT id, idempotency_key, member_id, delta, variant FROM points_ledger ORDER BY id").map {
                StoreSnapshot.PointsRow(id: $0[0], idempotencyKey: $0[1], member: $0[2], delta: $0[3], variant: $0[4])
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
