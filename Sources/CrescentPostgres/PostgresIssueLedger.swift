import CrescentCore
import CrescentPersistence
import Foundation
import PostgresNIO

/// What became of one issuing decision written to the ledgers.
public enum IssueWriteOutcome: Hashable, Sendable {
    /// A pending delivery (and the coupon or points) was written.
    case issued(channel: ChannelCode)
    /// A suppression row was written (the guards refused, or stock/budget ran out here).
    case suppressed(SuppressionReason)
    /// The key was decided before, either way: nothing changed and nothing stays reserved.
    case replayed
}

/// Writes issuing decisions into the ledgers under the idempotency key
/// `runId/playbook/step/memberId` (the SQLite store's `IssueScope` key, the member zero-padded
/// unless the run is listed in `legacy_key_runs`): a pending delivery,
/// the coupon and points rows, or a suppression. Every insert is `ON CONFLICT DO NOTHING`.
///
/// An issue that reserves (a coupon, or a cost) takes stock and budget by a conditional
/// update in the same transaction; when the key turns out to be taken (another node wrote it
/// first) the whole transaction rolls back, reservation included.
struct PostgresIssueLedger: Sendable {
    let pool: PostgresSessionPool

    /// The key the SQLite store's `IssueScope` gives the same decision.
    public static func key(runId: String, playbook: String, step: Int, member: Int64,
                           format: IssueScope.KeyFormat = .padded) -> String {
        IssueScope(runId: runId, playbook: playbook, step: step, keyFormat: format).key(member: member)
    }

    /// The key format of a run: `.legacy` when it was open as the store moved to padded keys.
    static func keyFormat(_ s: PostgresSession, runId: String, playbook: String) throws -> IssueScope.KeyFormat {
        try s.query("SELECT 1 FROM legacy_key_runs WHERE run_id = \(runId) AND playbook = \(playbook)").isEmpty
            ? .padded : .legacy
    }

    /// Writes one decision in its own transaction.
    /// - parameter coupon: the coupon issued with its interned spec id (``internCouponSpec(_:)``).
    /// - parameter points: points earned and the days until they expire (nil: never).
    public func write(runId: String, playbook: String, step: Int, member: Member, request: GuardRequest,
                      decision: GuardDecision, coupon: (spec: CouponSpec, specId: Int64)? = nil,
                      points: (award: Int64, expiryDays: Int?)? = nil, variablesId: Int64? = nil,
                      variant: String? = nil, at now: Timestamp) throws -> IssueWriteOutcome {
        do {
            return try pool.transaction { s in
                try Self.write(s, runId: runId, playbook: playbook, step: step, member: member, request: request,
                               decision: decision, coupon: coupon, points: points, variablesId: variablesId,
                               variant: variant, reserving: true,
                               keyFormat: try Self.keyFormat(s, runId: runId, playbook: playbook), at: now)
            }
        } catch is KeyTaken {
            return .replayed
        }
    }

    /// Thrown inside the transaction to roll back a reservation made for a key another writer
    /// took meanwhile.
    struct KeyTaken: Error {}

    /// Writes one decision inside the caller's transaction.
    /// - parameter reserving: take stock and budget here by a conditional update (a single
    ///   claim); false when the caller's guard state reserved them (a journey batch, which
    ///   releases them itself on `.replayed`).
    /// - parameter variant: the member's A/B variant, recorded on every row written (nil: none).
    /// - parameter keyFormat: the run's key format (``keyFormat(_:runId:playbook:)``).
    /// - throws: ``KeyTaken`` when `reserving` and the delivery key was written concurrently
    ///   (the caller rolls back, reservation included).
    static func write(_ s: PostgresSession, runId: String, playbook: String, step: Int, member: Member,
                      request: GuardRequest, decision: GuardDecision, coupon: (spec: CouponSpec, specId: Int64)?,
                      points: (award: Int64, expiryDays: Int?)?, variablesId: Int64?, variant: String?, reserving: Bool,
                      keyFormat: IssueScope.KeyFormat, at now: Timestamp) throws -> IssueWriteOutcome {
        let key = Self.key(runId: runId, playbook: playbook, step: step, member: member.id, format: keyFormat)
        // A key decided before stays as it was: a replay never turns an issue into a suppression.
        let before = try s.query("""
            SELECT 1 FROM deliveries WHERE idempotency_key = \(key)
            UNION ALL SELECT 1 FROM suppressions WHERE idempotency_key = \(key)
            """)
        guard before.isEmpty else { return .replayed }

        func suppress(_ reason: SuppressionReason) throws -> IssueWriteOutcome {
            let n = try s.execute("""
                INSERT INTO suppressions(idempotency_key, run_id, playbook, step, member_id, reason, time, variant)
                VALUES (\(key), \(runId), \(playbook), \(Int64(step)), \(member.id), \(reason.code), \(now.seconds), \(variant))
                ON CONFLICT (idempotency_key) DO NOTHING
                """)
            return n == 1 ? .suppressed(reason) : .replayed
        }

        switch decision {
        case .suppress(let reason):
            return try suppress(reason)
        case .issue(let channel):
            if reserving && request.reserves {
                switch try PostgresReservations.reserve(s, campaign: request.campaign, stock: request.limits.stock,
                                                        budget: request.limits.budget, value: request.costPerIssue) {
                case .reserved: break
                case .outOfStock: return try suppress(.outOfStock)
                case .budgetExhausted: return try suppress(.budgetExhausted)
                }
            }
            let localDay = now.adding(seconds: Int64(member.utcOffsetMinutes) * 60).day
            let written = try s.execute("""
                INSERT INTO deliveries(idempotency_key, run_id, playbook, step, member_id, channel, state, time,
                  campaign, business_line, coupon_type, source, local_day, value_minor, offer_variables_id, variant)
                VALUES (\(key), \(runId), \(playbook), \(Int64(step)), \(member.id), \(channel), 'pending', \(now.seconds),
                  \(request.campaign), \(request.businessLine), \(request.couponType), \(request.source.rawValue),
                  \(Int64(localDay.index)), \(request.costPerIssue.minorUnits), \(variablesId), \(variant))
                ON CONFLICT (idempotency_key) DO NOTHING
                """)
            guard written == 1 else {
                if reserving { throw KeyTaken() }
                return .replayed
            }
            // Only a new delivery row gets its coupon: coupon_ledger's key has no UNIQUE index.
            if let (spec, specId) = coupon {
                let issued = IssuedCoupon(spec: spec, member: member, issuedAt: now)
                let validUntil = Timestamp(day: issued.expiresOn).adding(seconds: -Int64(member.utcOffsetMinutes) * 60)
                try s.execute("""
                    INSERT INTO coupon_ledger(idempotency_key, run_id, playbook, step, member_id, campaign, coupon_type,
                      channel, source, state, issued_at, valid_until, value_minor, spec_id, utc_offset_minutes, variant)
                    VALUES (\(key), \(runId), \(playbook), \(Int64(step)), \(member.id), \(request.campaign), \(spec.type),
                      \(channel), \(spec.source.rawValue), 'issued', \(now.seconds), \(validUntil.seconds),
                      \(request.costPerIssue.minorUnits), \(specId), \(Int64(member.utcOffsetMinutes)), \(variant))
                    """)
            }
            if let (award, days) = points {
                try s.execute("""
                    INSERT INTO points_ledger(idempotency_key, member_id, delta, reason, time, expires_on, run_id,
                      playbook, channel, kind, variant)
                    VALUES (\(key), \(member.id), \(award), \("playbook:\(playbook)"), \(now.seconds),
                      \(days.map { localDay.adding(days: $0).description }), \(runId), \(playbook), \(channel), 'earn', \(variant))
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """)
            }
            return .issued(channel: channel)
        }
    }

    /// Rows written under the exact key, per ledger, for tests and reports.
    public func rowCounts(key: String) throws -> (deliveries: Int, coupons: Int, points: Int, suppressions: Int) {
        try pool.withSession { s in
            let (d, c, p, x) = try s.query("""
                SELECT (SELECT count(*) FROM deliveries WHERE idempotency_key = \(key)),
                       (SELECT count(*) FROM coupon_ledger WHERE idempotency_key = \(key)),
                       (SELECT count(*) FROM points_ledger WHERE idempotency_key = \(key)),
                       (SELECT count(*) FROM suppressions WHERE idempotency_key = \(key))
                """)[0].decode((Int64, Int64, Int64, Int64).self)
            return (Int(d), Int(c), Int(p), Int(x))
        }
    }
}
