import CrescentCore
import CrescentPersistence
import PostgresNIO

extension PostgresStore {
    /// Every ledger row, in one repeatable-read transaction (a consistent view).
    public func snapshot() throws -> StoreSnapshot {
        try pool.transaction { s in
            try s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            var snap = StoreSnapshot()
            snap.coupons = try s.query("""
                SELECT id, idempotency_key, run_id, playbook, step, member_id, campaign, state, value_minor,
                  redeemed_order_reference, variant FROM coupon_ledger ORDER BY id
                """).map { row in
                let (id, key, run, playbook, step, member, campaign, state, value, reference, variant) =
                    try row.decode((Int64, String, String, String, Int64, Int64, String, String, Int64, String?, String?).self)
                return StoreSnapshot.Coupon(id: id, idempotencyKey: key, runId: run, playbook: playbook, step: Int(step),
                                            member: member, campaign: campaign, state: state,
                                            value: Money(minorUnits: value), redeemedOrderReference: reference, variant: variant)
            }
            snap.deliveries = try s.query("""
                SELECT id, idempotency_key, run_id, playbook, step, member_id, channel, state, reason, offer_variables_id, variant
                FROM deliveries ORDER BY id
                """).map { row in
                let (id, key, run, playbook, step, member, channel, state, reason, variables, variant) =
                    try row.decode((Int64, String, String, String, Int64, Int64, String, String, String?, Int64?, String?).self)
                guard let deliveryState = DeliveryState(rawValue: state) else {
                    throw StoredRowError(table: "deliveries", id: String(id),
                                         message: "state \"\(state)\" is not pending, sent or failed")
                }
                return StoreSnapshot.Delivery(idempotencyKey: key, runId: run, playbook: playbook, step: Int(step),
                                              member: member, channel: channel, state: deliveryState, reason: reason,
                                              offerVariablesId: variables, variant: variant)
            }
            snap.suppressions = try s.query("""
                SELECT idempotency_key, playbook, step, member_id, reason, variant FROM suppressions ORDER BY id
                """).map { row in
                let (key, playbook, step, member, reason, variant) = try row.decode((String, String, Int64, Int64, String, String?).self)
                return StoreSnapshot.Suppression(idempotencyKey: key, playbook: playbook, step: Int(step), member: member,
                                                 reason: reason, variant: variant)
            }
            snap.couponEvents = try s.query("SELECT idempotency_key, coupon_id, kind FROM coupon_events ORDER BY id").map { row in
                let (key, coupon, kind) = try row.decode((String, Int64, String).self)
                return StoreSnapshot.CouponEvent(idempotencyKey: key, coupon: coupon, kind: kind)
            }
            snap.points = try s.query("SELECT id, idempotency_key, member_id, delta, variant FROM points_ledger ORDER BY id").map { row in
                let (id, key, member, delta, variant) = try row.decode((Int64, String, Int64, Int64, String?).self)
                return StoreSnapshot.PointsRow(id: id, idempotencyKey: key, member: member, delta: delta, variant: variant)
            }
            snap.attempts = try s.query("""
                SELECT idempotency_key, member_id, channel, plugin, status, attempt, reason, provider_id, playbook, run_id, at
                FROM delivery_attempts ORDER BY id
                """).map(Self.deliveryRecord)
            snap.journeys = try s.query("SELECT \(unescaped: Self.journeyColumns) FROM journeys ORDER BY id").map(Self.journey)
            snap.events = try s.query("SELECT id, member_id, kind, state, attempts FROM events ORDER BY seq").map { row in
                let (id, member, kind, state, attempts) = try row.decode((String, Int64, String, String, Int64).self)
                return StoreSnapshot.Event(id: id, member: member, kind: kind, state: state, attempts: Int(attempts))
            }
            for row in try s.query("SELECT campaign, stock, budget_minor FROM campaign_reservations") {
                let (campaign, stock, budget) = try row.decode((String, Int64, Int64).self)
                snap.reservations[campaign] = StoreSnapshot.Reservation(stock: Int(stock), budget: Money(minorUnits: budget))
            }
            for row in try s.query("SELECT run_id, state FROM scheduled_runs") {
                let (run, state) = try row.decode((String, String).self)
                snap.scheduledRuns[run] = ScheduledRunState(rawValue: state)
            }
            return snap
        }
    }
}
