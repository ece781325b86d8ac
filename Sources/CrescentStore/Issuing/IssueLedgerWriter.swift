import CrescentCore
import CrescentPersistence
import Foundation
import GRDB
import GRDBSQLite

/// Writes the rows of issuing decisions with prepared statements, inside a transaction
/// the caller owns: coupon ledger, points ledger, a `pending` delivery per issue, and a
/// suppression row per refusal. The delivery, suppression and points inserts are
/// `ON CONFLICT(idempotency_key) DO NOTHING`, and the coupon is written only after its
/// delivery row was new (its key has no index of its own), so replaying a member already
/// written changes nothing.
///
/// For example:
/// ```swift
/// let writer = try IssueLedgerWriter(db, scope: IssueScope(runId: "r1", playbook: "winback"))
/// let fresh = try writer.write(db, member: m, request: request, offer: offer, decision: d, at: now)
/// ```
struct IssueLedgerWriter {
    /// Where the next write goes; a journey batch sets it per member (each entry is its own run).
    var scope: IssueScope
    private let coupon: RawStatement
    private let delivery: RawStatement
    private let suppression: RawStatement
    private let points: RawStatement
    private let couponTexts = StickyTexts(parameters: 15)
    private let deliveryTexts = StickyTexts(parameters: 15)
    private let suppressionTexts = StickyTexts(parameters: 8)
    private let keys = IssueKeyBuilder()

    init(_ db: Database, scope: IssueScope) throws {
        self.scope = scope
        coupon = try RawStatement(db, """
            INSERT INTO coupon_ledger(idempotency_key, run_id, playbook, step, member_id, campaign, coupon_type,
              channel, source, state, issued_at, valid_until, value_minor, spec_id, utc_offset_minutes, variant)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'issued', ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        // A key decided before, either way, stays as it was: a replay never turns an issue into
        // a suppression (or back), whatever the guards say now. The row's own table answers
        // through ON CONFLICT DO NOTHING, the other through NOT EXISTS, in the one statement.
        delivery = try RawStatement(db, """
            INSERT INTO deliveries(idempotency_key, run_id, playbook, step, member_id, channel, state, time,
              campaign, business_line, coupon_type, source, local_day, value_minor, offer_variables_id, variant)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15
            WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE idempotency_key = ?1)
            ON CONFLICT(idempotency_key) DO NOTHING
            """)
        suppression = try RawStatement(db, """
            INSERT INTO suppressions(idempotency_key, run_id, playbook, step, member_id, reason, time, variant)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
            WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE idempotency_key = ?1)
            ON CONFLICT(idempotency_key) DO NOTHING
            """)
        points = try RawStatement(db, """
            INSERT INTO points_ledger(idempotency_key, member_id, delta, reason, time, expires_on, run_id, playbook, channel,
              kind, variant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'earn', ?10) ON CONFLICT(idempotency_key) DO NOTHING
            """)
    }

    /// Writes one decision. Returns false when the member's key was already written
    /// (the caller then releases what the guards reserved).
    /// - parameter variant: the member's A/B variant, recorded on every row written (nil: none).
    @discardableResult
    func write(_ db: Database, member: Member, request: GuardRequest, offer: IssueOffer,
                      decision: GuardDecision, at now: Timestamp, variant: String? = nil) throws -> Bool {
        let key = keys.key(scope, member: member.id)
        switch decision {
        case .suppress(let reason):
            bindScope(suppression, suppressionTexts, key, member.id)
            suppressionTexts.bind(suppression, 6, reason.code)
            suppression.bind(7, now.seconds)
            suppressionTexts.bind(suppression, 8, variant)
            try suppression.run(db)
            return Self.changed(db)
        case .issue(let channel):
            let localDay = now.adding(seconds: Int64(member.utcOffsetMinutes) * 60).day
            bindScope(delivery, deliveryTexts, key, member.id)
            deliveryTexts.bind(delivery, 6, channel)
            delivery.bind(7, now.seconds)
            deliveryTexts.bind(delivery, 8, request.campaign)
            deliveryTexts.bind(delivery, 9, request.businessLine)
            deliveryTexts.bind(delivery, 10, request.couponType)
            deliveryTexts.bind(delivery, 11, request.source.rawValue)
            delivery.bind(12, Int64(localDay.index))
            delivery.bind(13, request.costPerIssue.minorUnits)
            delivery.bind(14, offer.variablesId)
            deliveryTexts.bind(delivery, 15, variant)
            try delivery.run(db)
            guard Self.changed(db) else { return false }
            if let (spec, specId) = offer.coupon {
                let issued = IssuedCoupon(spec: spec, member: member, issuedAt: now)
                let validUntil = Timestamp(day: issued.expiresOn).adding(seconds: -Int64(member.utcOffsetMinutes) * 60)
                bindScope(coupon, couponTexts, key, member.id)
                couponTexts.bind(coupon, 6, request.campaign)
                couponTexts.bind(coupon, 7, spec.type)
                couponTexts.bind(coupon, 8, channel)
                couponTexts.bind(coupon, 9, spec.source.rawValue)
                coupon.bind(10, now.seconds)
                coupon.bind(11, validUntil.seconds)
                coupon.bind(12, request.costPerIssue.minorUnits)
                coupon.bind(13, specId)
                coupon.bind(14, member.utcOffsetMinutes)
                couponTexts.bind(coupon, 15, variant)
                try coupon.run(db)
            }
            if let (award, days) = offer.points {
                points.bind(1, key)
                points.bind(2, member.id)
                points.bind(3, award)
                points.bind(4, "playbook:\(scope.playbook)")
                points.bind(5, now.seconds)
                points.bind(6, days.map { localDay.adding(days: $0).description })
                points.bind(7, scope.runId)
                points.bind(8, scope.playbook)
                points.bind(9, channel)
                points.bind(10, variant)
                try points.run(db)
            }
            return true
        }
    }

    private func bindScope(_ s: RawStatement, _ texts: StickyTexts, _ key: String, _ member: Int64) {
        s.bind(1, key)
        texts.bind(s, 2, scope.runId)
        texts.bind(s, 3, scope.playbook)
        s.bind(4, scope.step)
        s.bind(5, member)
    }

    /// Whether the last statement changed a row: `sqlite3_changes` straight, without GRDB's
    /// check of the calling queue on every read of `changesCount`.
    @inline(__always) private static func changed(_ db: Database) -> Bool { sqlite3_changes(db.sqliteConnection) > 0 }
}

/// Idempotency keys of a run of writes: `IssueScope.key(member:)` builds the prefix by
/// interpolation and pads the member through two more strings for every row; here the prefix
/// is kept while the scope stays the same and a padded member id is written in place.
final class IssueKeyBuilder {
    private var scope: IssueScope?
    private var prefix: [UInt8] = []
    /// Ids with at most ``IssueScope/paddedWidth`` digits: the ones `.padded` pads.
    private static let paddedLimit: Int64 = 1_000_000_000_000

    /// The same key as `scope.key(member:)`.
    func key(_ scope: IssueScope, member: Int64) -> String {
        guard scope.keyFormat == .padded, member >= 0, member < Self.paddedLimit else { return scope.key(member: member) }
        if self.scope != scope {
            self.scope = scope
            prefix = Array(scope.keyPrefix.utf8)
        }
        let width = IssueScope.paddedWidth
        return String(unsafeUninitializedCapacity: prefix.count + width) { out in
            var i = 0
            for byte in prefix { out[i] = byte; i += 1 }
            var rest = member
            for k in stride(from: i + width - 1, through: i, by: -1) {
                out[k] = UInt8(48 + rest % 10)
                rest /= 10
            }
            return i + width
        }
    }
}

