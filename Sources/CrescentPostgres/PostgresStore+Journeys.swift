import CrescentCore
import CrescentPersistence
import PostgresNIO

/// Journey state, one row per (playbook, member, entry key). Saving a journey's new position
/// also clears its claim: the step the claim was for is written, and its next due step may go
/// to any node.
extension PostgresStore {
    public func dueJourneys(playbook: String, now: Timestamp, limit: Int, members: [Int64]?) throws -> [Journey] {
        try pool.withSession { s in
            let only = members.map { _ in "AND member_id = ANY($4)" } ?? ""
            var binds = PostgresBindings()
            binds.append(now.seconds); binds.append(playbook); binds.append(Int64(limit))
            if let members { binds.append(members) }
            return try s.query(PostgresQuery(unsafeSQL: """
                SELECT \(Self.journeyColumns) FROM journeys
                WHERE state = 'active' AND next_due_at <= $1 AND playbook = $2 \(only)
                ORDER BY next_due_at, member_id LIMIT $3
                """, binds: binds)).map(Self.journey)
        }
    }

    public func membersWithOpenJourneys(playbooks: [String]) throws -> [Int64] {
        try pool.withSession { s in
            try s.query("""
                SELECT DISTINCT member_id FROM journeys
                WHERE state = 'active' AND next_due_at IS NOT NULL AND playbook = ANY(\(playbooks))
                ORDER BY member_id
                """).map { try $0.decode(Int64.self) }
        }
    }

    public func claimDueJourneyMembers(now: Timestamp, limit: Int, lease: WorkLease) throws -> [String: [Int64]] {
        try claims.claimDueJourneyMembers(now: now, limit: limit, node: lease.node, leaseSeconds: lease.seconds)
    }

    public func latestJourneys(playbook: String, members: [Int64]) throws -> [Int64: Journey] {
        try pool.withSession { s in
            var out: [Int64: Journey] = [:]
            for row in try s.query("""
                SELECT DISTINCT ON (member_id) \(unescaped: Self.journeyColumns) FROM journeys
                WHERE playbook = \(playbook) AND member_id = ANY(\(members))
                ORDER BY member_id, entered_at DESC, id DESC
                """) {
                let j = try Self.journey(row)
                out[j.member] = j
            }
            return out
        }
    }

    public func journeys(member: Int64) throws -> [Journey] {
        try pool.withSession { s in
            try s.query("""
                SELECT \(unescaped: Self.journeyColumns) FROM journeys WHERE member_id = \(member)
                ORDER BY entered_at DESC, id DESC
                """).map(Self.journey)
        }
    }

    public func journeyEntryExists(playbook: String, entryKey: String) throws -> Bool {
        try pool.withSession { s in
            try s.query("SELECT EXISTS(SELECT 1 FROM journeys WHERE playbook = \(playbook) AND entry_key = \(entryKey))")[0]
                .decode(Bool.self)
        }
    }

    public func beginJourneys(_ journeys: [Journey], at now: Timestamp) throws {
        guard !journeys.isEmpty else { return }
        try pool.transaction { s in
            for j in journeys {
                try s.execute("""
                    INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason,
                      offer_variables_id, updated_at)
                    VALUES (\(j.playbook), \(j.member), \(j.entryKey), \(j.enteredAt.seconds), \(Int64(j.step)),
                      \(j.nextDue?.seconds), \(j.state.rawValue), \(j.exitReason), \(j.offerVariablesId), \(now.seconds))
                    ON CONFLICT (playbook, member_id, entry_key) DO NOTHING
                    """)
            }
        }
    }

    public func markLaunchEntering(playbook: String, entryKey: String, at now: Timestamp) throws {
        try pool.withSession { s in
            try s.execute("""
                INSERT INTO launches_entering(playbook, entry_key, started_at) VALUES (\(playbook), \(entryKey), \(now.seconds))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    public func launchEntering(playbook: String, entryKey: String) throws -> Bool {
        try pool.withSession { s in
            try s.query("SELECT EXISTS(SELECT 1 FROM launches_entering WHERE playbook = \(playbook) AND entry_key = \(entryKey))")[0]
                .decode(Bool.self)
        }
    }

    public func markLaunchEntered(playbook: String, entryKey: String) throws {
        try pool.withSession { s in
            try s.execute("DELETE FROM launches_entering WHERE playbook = \(playbook) AND entry_key = \(entryKey)")
        }
    }

    public func saveJourneys(_ journeys: [Journey], at now: Timestamp) throws {
        guard !journeys.isEmpty else { return }
        try pool.transaction { s in for j in journeys { try Self.save(s, j, at: now) } }
    }

    @discardableResult
    public func exitJourney(playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool {
        try pool.withSession { s in
            try s.execute("""
                UPDATE journeys SET state = 'exited', exit_reason = \(reason), next_due_at = NULL, updated_at = \(now.seconds),
                  claimed_by = NULL, lease_until = NULL
                WHERE playbook = \(playbook) AND member_id = \(member) AND state = 'active'
                """) > 0
        }
    }

    public func redeemed(journey j: Journey, before: Timestamp) throws -> Bool {
        try pool.withSession { s in
            try s.query("""
                SELECT EXISTS(SELECT 1 FROM coupon_ledger WHERE member_id = \(j.member) AND run_id = \(j.entryKey)
                  AND playbook = \(j.playbook) AND redeemed_at IS NOT NULL AND redeemed_at < \(before.seconds))
                """)[0].decode(Bool.self)
        }
    }

    public func redeemed(_ journeys: [(journey: Journey, before: Timestamp)]) throws -> [Bool] {
        try journeys.map { try redeemed(journey: $0.journey, before: $0.before) }
    }

    @discardableResult
    public func markSceneDay(playbook: String, day: Day, at now: Timestamp) throws -> Bool {
        try pool.withSession { s in
            try s.execute("""
                INSERT INTO scene_days(playbook, day, done_at) VALUES (\(playbook), \(day.description), \(now.seconds))
                ON CONFLICT (playbook, day) DO NOTHING
                """) == 1
        }
    }

    public func lastSceneDay(playbook: String) throws -> Day? {
        try pool.withSession { s in
            try s.query("SELECT max(day) FROM scene_days WHERE playbook = \(playbook)")[0].decode(String?.self).flatMap { Day($0) }
        }
    }

    public func sceneDayDone(playbook: String, day: Day) throws -> Bool {
        try pool.withSession { s in
            try s.query("SELECT EXISTS(SELECT 1 FROM scene_days WHERE playbook = \(playbook) AND day = \(day.description))")[0]
                .decode(Bool.self)
        }
    }

    public func journeyBatch(allHistory: Bool, offers: OfferInternCache) -> any JourneyBatchCommitter {
        PostgresJourneyBatch(store: self, allHistory: allHistory, offers: offers)
    }

    // MARK: - Rows

    /// A journey's new position: by row id when it was read from the store; a journey never
    /// written (a launch enters it with its first step) is inserted at it, or written over the
    /// row its key already has.
    static func save(_ s: PostgresSession, _ j: Journey, at now: Timestamp) throws {
        if let id = j.rowId {
            try s.execute("""
                UPDATE journeys SET step = \(Int64(j.step)), next_due_at = \(j.nextDue?.seconds), state = \(j.state.rawValue),
                  exit_reason = \(j.exitReason), offer_variables_id = \(j.offerVariablesId), updated_at = \(now.seconds),
                  claimed_by = NULL, lease_until = NULL
                WHERE id = \(id)
                """)
        } else {
            try s.execute("""
                INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason,
                  offer_variables_id, updated_at)
                VALUES (\(j.playbook), \(j.member), \(j.entryKey), \(j.enteredAt.seconds), \(Int64(j.step)),
                  \(j.nextDue?.seconds), \(j.state.rawValue), \(j.exitReason), \(j.offerVariablesId), \(now.seconds))
                ON CONFLICT (playbook, member_id, entry_key) DO UPDATE SET step = excluded.step,
                  next_due_at = excluded.next_due_at, state = excluded.state, exit_reason = excluded.exit_reason,
                  offer_variables_id = excluded.offer_variables_id, updated_at = excluded.updated_at,
                  claimed_by = NULL, lease_until = NULL
                """)
        }
    }

    static let journeyColumns = "playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason, offer_variables_id, id"

    static func journey(_ row: PostgresRow) throws -> Journey {
        let (playbook, member, entry, entered, step, due, state, reason, variables, id) =
            try row.decode((String, Int64, String, Int64, Int64, Int64?, String, String?, Int64?, Int64).self)
        return Journey(playbook: playbook, member: member, entryKey: entry, enteredAt: Timestamp(seconds: entered),
                       step: Int(step), nextDue: due.map { Timestamp(seconds: $0) },
                       state: Journey.State(rawValue: state) ?? .exited, exitReason: reason, offerVariablesId: variables,
                       rowId: id)
    }
}

/// Writes journey batches on PostgreSQL. Each commit is ONE transaction that:
/// 1. locks the batch's members (advisory locks, sorted), so two nodes never decide for the
///    same member at once — a frequency cap cannot be passed twice;
/// 2. reads their guard history, and locks the campaigns' reservation rows (`FOR UPDATE`,
///    sorted) so concurrent batches reserve stock and budget one after another;
/// 3. writes the decisions' ledger rows (every insert `ON CONFLICT DO NOTHING` on its key;
///    a key written before releases what the guards reserved for it), the reservations
///    (conditional on the values read) and the journeys' new positions.
/// A crash leaves a batch whole or absent.
final class PostgresJourneyBatch: JourneyBatchCommitter {
    let store: PostgresStore
    let offers: OfferInternCache
    private let allHistory: Bool
    private var guards: StoreGuardState?

    init(store: PostgresStore, allHistory: Bool, offers: OfferInternCache) {
        self.store = store; self.allHistory = allHistory; self.offers = offers
    }

    func commit(members: [Int64], at now: Timestamp, campaigns: [String],
                _ decide: (inout StoreGuardState) throws -> [JourneyWrite]) throws {
        // No retry on deadlock: `decide` may have side effects the engine counts.
        try store.pool.transaction(retries: 0) { s in
            try PostgresStore.lockMembers(s, members)
            if guards == nil || !allHistory {
                guards = try PostgresStore.loadGuardHistory(s, now: now, members: allHistory ? nil : members)
            }
            var state = guards!
            let read = try lockReservations(s, campaigns: campaigns)
            for (campaign, held) in read { state.setReservation(campaign: campaign, stock: held.stock, budget: held.budget) }
            // A batch is one run, or one event entry per member: one lookup per run met.
            var formats: [String: IssueScope.KeyFormat] = [:]
            for var w in try decide(&state) {
                if let decision = w.decision, let request = w.request {
                    let runKey = w.journey.entryKey + "\u{0}" + w.journey.playbook
                    let keyFormat = try formats[runKey] ?? PostgresIssueLedger.keyFormat(
                        s, runId: w.journey.entryKey, playbook: w.journey.playbook)
                    formats[runKey] = keyFormat
                    var offer = try w.offer.map { try intern($0, s) } ?? IssueOffer()
                    if w.offer == nil { offer.variablesId = w.journey.offerVariablesId }
                    let outcome = try PostgresIssueLedger.write(
                        s, runId: w.journey.entryKey, playbook: w.journey.playbook, step: w.step, member: w.member,
                        request: request, decision: decision, coupon: offer.coupon, points: offer.points,
                        variablesId: offer.variablesId, variant: w.variant, reserving: false, keyFormat: keyFormat, at: now)
                    if outcome == .replayed && decision.isIssue && request.reserves {
                        state.release(campaign: GuardKey(request.campaign), value: request.costPerIssue)
                    }
                    if decision.isIssue, w.offer != nil, w.journey.offerVariablesId == nil {
                        w.journey.offerVariablesId = offer.variablesId
                    }
                }
                try PostgresStore.save(s, w.journey, at: now)
            }
            for r in state.reservations {
                guard let before = read[r.campaign] else { continue }
                // The rows are locked, so this always matches; it fails loudly if they were not.
                let n = try s.execute("""
                    UPDATE campaign_reservations SET stock = \(Int64(r.stock)), budget_minor = \(r.budget.minorUnits)
                    WHERE campaign = \(r.campaign) AND stock = \(Int64(before.stock)) AND budget_minor = \(before.budget.minorUnits)
                    """)
                guard n == 1 else {
                    throw PostgresStoreError(operation: "reserve", message: "campaign \(r.campaign) changed under its lock")
                }
            }
            guards = state
        }
    }

    /// Creates missing reservation rows and locks them all, in name order.
    private func lockReservations(_ s: PostgresSession, campaigns: [String]) throws -> [String: (stock: Int, budget: Money)] {
        let names = Array(Set(campaigns)).sorted()
        guard !names.isEmpty else { return [:] }
        try s.execute("""
            INSERT INTO campaign_reservations(campaign) SELECT unnest(\(names)) ORDER BY 1 ON CONFLICT (campaign) DO NOTHING
            """)
        var out: [String: (stock: Int, budget: Money)] = [:]
        for row in try s.query("""
            SELECT campaign, stock, budget_minor FROM campaign_reservations WHERE campaign = ANY(\(names))
            ORDER BY campaign FOR UPDATE
            """) {
            let (campaign, stock, budget) = try row.decode((String, Int64, Int64).self)
            out[campaign] = (Int(stock), Money(minorUnits: budget))
        }
        return out
    }

    /// The ledger form of an offer, interned once per cache key.
    private func intern(_ o: (cacheKey: String, grant: OfferGrant, variables: [String: String]),
                        _ s: PostgresSession) throws -> IssueOffer {
        if let cached = offers.get(o.cacheKey) { return cached }
        var issue: IssueOffer
        switch o.grant {
        case .coupon(let spec): issue = IssueOffer(coupon: spec, specId: try PostgresStore.intern(spec, s))
        case .points(let award, let days): issue = IssueOffer(points: award, expiryDays: days)
        case .message: issue = IssueOffer()
        }
        issue.variablesId = try PostgresStore.intern(variables: o.variables, s)
        offers.put(o.cacheKey, issue)
        return issue
    }
}
