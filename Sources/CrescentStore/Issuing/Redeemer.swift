import CrescentCore
import CrescentPersistence
import GRDB

/// Applies ledger coupons to orders and expires them, writing `coupon_events`.
///
/// A redemption is one `BEGIN IMMEDIATE` transaction: the coupon row is read, judged by
/// ``IssuedCoupon/redeem(on:city:shippingFee:)`` and marked redeemed together with a
/// `redeem` event under the caller's idempotency key — so a retried payment callback is
/// a no-op rather than a second discount. A coupon past its window is marked expired
/// (with an `expire` event) and refused.
///
/// For example:
/// ```swift
/// switch try Redeemer(store: store).redeem(coupon: 17, order: order, city: "Shanghai", at: order.time) {
/// case .redeemed(let r): print(r.discount)
/// case .replayed: break
/// case .refused(let why): print(why)
/// }
/// ```
public struct Redeemer: Sendable {
    public let store: CrescentStore

    public init(store: CrescentStore) { self.store = store }

    /// - parameter key: the redemption's idempotency key; default `redeem/<coupon>/<order>`.
    /// - throws: ``UnknownCoupon``, `DatabaseError`.
    public func redeem(coupon id: Int64, order: Order, city: String? = nil, shippingFee: Money = .zero,
                       key: String? = nil) throws -> RedeemOutcome {
        // The order id as the shop wrote it: "SO-2026-0001" and 17 can never share a key.
        let key = key ?? "redeem/\(id)/\(order.displayId)"
        return try store.writer.writeWithoutTransaction { db in
            var outcome = RedeemOutcome.refused(.alreadyRedeemed)
            try db.inTransaction(.immediate) {
                if let given = try Int64.fetchOne(db, sql: "SELECT discount_minor FROM coupon_events WHERE idempotency_key = ?",
                                                  arguments: [key]) {
                    outcome = .replayed(discount: Money(minorUnits: given))
                    return .commit
                }
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT member_id, spec_id, issued_at, utc_offset_minutes, state, redeemed_order_id, redeemed_at,
                      channel, run_id, playbook FROM coupon_ledger WHERE id = ?
                    """, arguments: [id]),
                    let specId: Int64 = row["spec_id"], let spec = try CouponSpecCatalog.spec(id: specId, db)
                else { throw UnknownCoupon(id: id) }
                let state: CouponState = switch row["state"] as String {
                case "redeemed": .redeemed(orderId: row["redeemed_order_id"] ?? 0, at: Timestamp(seconds: row["redeemed_at"] ?? 0))
                case "expired": .expired
                default: .issued
                }
                let coupon = IssuedCoupon(spec: spec, memberId: row["member_id"], issuedAt: Timestamp(seconds: row["issued_at"]),
                                          utcOffsetMinutes: row["utc_offset_minutes"], state: state)
                switch coupon.redeem(on: order, city: city, shippingFee: shippingFee) {
                case .failure(let refusal):
                    if case .expired = refusal, state == .issued {
                        try Self.markExpired(db, coupon: id, row: row, at: order.time)
                    }
                    outcome = .refused(refusal)
                case .success(let redemption):
                    try db.execute(sql: """
                        UPDATE coupon_ledger SET state = 'redeemed', redeemed_order_id = ?, redeemed_order_reference = ?,
                          redeemed_at = ?, discount_minor = ?
                        WHERE id = ?
                        """, arguments: [order.id, order.reference, order.time.seconds, redemption.discount.minorUnits, id])
                    try db.execute(sql: """
                        INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, channel, run_id, playbook,
                          order_id, discount_minor, time) VALUES (?, ?, 'redeem', ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [key, id, row["member_id"] as Int64, row["channel"] as String?, row["run_id"] as String?,
                                         row["playbook"] as String?, order.id, redemption.discount.minorUnits, order.time.seconds])
                    outcome = .redeemed(redemption)
                }
                return .commit
            }
            return outcome
        }
    }

    /// Marks every issued coupon whose window closed by `now` expired, with an `expire` event
    /// each (key `expire/<coupon>`). Returns how many changed; running it twice changes nothing.
    @discardableResult
    public func expire(at now: Timestamp) throws -> Int {
        try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, channel, run_id, playbook, time)
                SELECT 'expire/' || id, id, 'expire', member_id, channel, run_id, playbook, ?
                FROM coupon_ledger WHERE state = 'issued' AND valid_until <= ?
                ON CONFLICT(idempotency_key) DO NOTHING
                """, arguments: [now.seconds, now.seconds])
            try db.execute(sql: "UPDATE coupon_ledger SET state = 'expired' WHERE state = 'issued' AND valid_until <= ?",
                           arguments: [now.seconds])
            return db.changesCount
        }
    }

    private static func markExpired(_ db: Database, coupon id: Int64, row: Row, at time: Timestamp) throws {
        try db.execute(sql: "UPDATE coupon_ledger SET state = 'expired' WHERE id = ? AND state = 'issued'", arguments: [id])
        try db.execute(sql: """
            INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, channel, run_id, playbook, time)
            VALUES (?, ?, 'expire', ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING
            """, arguments: ["expire/\(id)", id, row["member_id"] as Int64, row["channel"] as String?,
                             row["run_id"] as String?, row["playbook"] as String?, time.seconds])
    }
}
