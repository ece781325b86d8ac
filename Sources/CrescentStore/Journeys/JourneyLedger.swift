import CrescentCore
import CrescentPersistence
import GRDB

/// The `journeys` table: journey state per (playbook, member, entry), read and written
/// inside the caller's transaction.
///
/// Why the offer is kept as `offer_variables_id`: a reminder sent days later names the
/// coupon the journey gave, and the runtime's offer ids do not survive a restart.
enum JourneyLedger {
    /// Open journeys of `playbook` due at or before `now`, earliest first (the `journeys_due`
    /// index, in its order), optionally only those of `members`.
    static func due(_ db: Database, playbook: String, now: Timestamp, limit: Int,
                           members: [Int64]? = nil) throws -> [Journey] {
        let only = members.map { " AND member_id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        let s = try RawStatement(db, """
            SELECT \(columns) FROM journeys INDEXED BY journeys_due
            WHERE state = 'active' AND next_due_at <= ?1 AND playbook = ?2\(only)
            ORDER BY next_due_at, member_id LIMIT ?3
            """)
        s.bind(1, now.seconds); s.bind(2, playbook); s.bind(3, limit)
        var out: [Journey] = []
        out.reserveCapacity(min(limit, 100_000))
        while try s.step(db) { out.append(journey(s)) }
        return out
    }

    /// Members with an open journey due at or before `now`, per playbook, at most `limit` in all.
    static func dueMembers(_ db: Database, now: Timestamp, limit: Int) throws -> [String: [Int64]] {
        var out: [String: [Int64]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT playbook, member_id FROM journeys INDEXED BY journeys_due WHERE state = 'active' AND next_due_at <= ?
            ORDER BY next_due_at, member_id LIMIT ?
            """, arguments: [now.seconds, limit]) {
            out[row["playbook"], default: []].append(row["member_id"])
        }
        return out
    }

    /// Each member's latest journey of `playbook` (latest entry, then latest row): one prepared
    /// statement stepped per member.
    ///
    /// No `ORDER BY`: the UNIQUE `(playbook, member_id, entry_key)` index hands over the member's
    /// few journeys and the latest is picked here; sorting them would make SQLite build a
    /// temporary B-tree per member, the costliest part of entering a launch.
    static func latest(_ db: Database, playbook: String, members: [Int64]) throws -> [Int64: Journey] {
        var out: [Int64: Journey] = [:]
        let s = try RawStatement(db, "SELECT \(columns) FROM journeys WHERE playbook = ?1 AND member_id = ?2")
        s.bind(1, playbook)
        for m in members {
            s.bind(2, m)
            var best: (entered: Int64, id: Int64)?
            while try s.step(db) {
                let candidate = (entered: s.int(3), id: s.int(9))
                if let b = best, (candidate.entered, candidate.id) < (b.entered, b.id) { continue }
                best = candidate
                out[m] = journey(s)
            }
        }
        return out
    }

    /// Every journey of a member (for `explain` and `GET /v1/members/{id}/journeys`), newest first.
    static func all(_ db: Database, member: Int64) throws -> [Journey] {
        let s = try RawStatement(db, "SELECT \(columns) FROM journeys WHERE member_id = ?1 ORDER BY entered_at DESC, id DESC")
        s.bind(1, member)
        var out: [Journey] = []
        while try s.step(db) { out.append(journey(s)) }
        return out
    }

    /// Every journey, in row order (for ``StoreSnapshot``).
    static func everything(_ db: Database) throws -> [Journey] {
        var out: [Journey] = []
        let s = try RawStatement(db, "SELECT \(columns) FROM journeys ORDER BY id")
        while try s.step(db) { out.append(journey(s)) }
        return out
    }

    /// Starts journeys; an existing (playbook, member, entry) is left as it is.
    static func begin(_ db: Database, _ journeys: [Journey], at now: Timestamp) throws {
        let s = try RawStatement(db, """
            INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason,
              offer_variables_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT(playbook, member_id, entry_key) DO NOTHING
            """)
        for j in journeys {
            s.bind(1, j.playbook); s.bind(2, j.member); s.bind(3, j.entryKey); s.bind(4, j.enteredAt.seconds)
            s.bind(5, j.step); s.bind(6, j.nextDue?.seconds); s.bind(7, j.state.rawValue); s.bind(8, j.exitReason)
            s.bind(9, j.offerVariablesId); s.bind(10, now.seconds)
            try s.run(db)
        }
    }

    /// Writes journeys' positions (step, due time, state, offer) with prepared statements: a
    /// batch saves thousands.
    ///
    /// A journey read from the store carries its row id and is updated by it (the integer
    /// primary key, not a probe of the `(playbook, member_id, entry_key)` text index). A journey
    /// without one was never written: a launch enters it in the same transaction as its first
    /// step, so it is inserted once at its position after that step. Should its key exist after
    /// all (another process entered it meanwhile), the position is written over it, as an
    /// update by key would.
    struct PositionWriter {
        private let update: RawStatement
        private let insert: RawStatement
        private let updateTexts = StickyTexts(parameters: 7)
        private let insertTexts = StickyTexts(parameters: 10)

        init(_ db: Database) throws {
            update = try RawStatement(db, """
                UPDATE journeys SET step = ?1, next_due_at = ?2, state = ?3, exit_reason = ?4, offer_variables_id = ?5,
                  updated_at = ?6 WHERE id = ?7
                """)
            insert = try RawStatement(db, """
                INSERT INTO journeys(step, next_due_at, state, exit_reason, offer_variables_id, updated_at,
                  playbook, member_id, entry_key, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                ON CONFLICT(playbook, member_id, entry_key) DO UPDATE SET step = ?1, next_due_at = ?2, state = ?3,
                  exit_reason = ?4, offer_variables_id = ?5, updated_at = ?6
                """)
        }

        func save(_ db: Database, _ j: Journey, at now: Timestamp) throws {
            let (s, texts) = j.rowId == nil ? (insert, insertTexts) : (update, updateTexts)
            s.bind(1, j.step); s.bind(2, j.nextDue?.seconds); texts.bind(s, 3, j.state.rawValue)
            texts.bind(s, 4, j.exitReason); s.bind(5, j.offerVariablesId); s.bind(6, now.seconds)
            if let id = j.rowId {
                s.bind(7, id)
            } else {
                texts.bind(s, 7, j.playbook); s.bind(8, j.member); texts.bind(s, 9, j.entryKey); s.bind(10, j.enteredAt.seconds)
            }
            try s.run(db)
        }
    }

    /// Ends the member's open journeys of `playbook`; true when one was open.
    @discardableResult
    static func exit(_ db: Database, playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool {
        try db.execute(sql: """
            UPDATE journeys SET state = 'exited', exit_reason = ?, next_due_at = NULL, updated_at = ?
            WHERE playbook = ? AND member_id = ? AND state = 'active'
            """, arguments: [reason, now.seconds, playbook, member])
        return db.changesCount > 0
    }

    /// True when the member has an order in `[from, to)`.
    static func purchased(_ db: Database, member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM orders WHERE member_id = ? AND time >= ? AND time < ?)"),
                          arguments: [member, from.seconds, to.seconds]) ?? false
    }

    /// True when a coupon the journey issued was redeemed before `before`.
    static func redeemed(_ db: Database, journey j: Journey, before: Timestamp) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS(SELECT 1 FROM coupon_ledger WHERE member_id = ? AND run_id = ? AND playbook = ?
              AND redeemed_at IS NOT NULL AND redeemed_at < ?)
            """), arguments: [j.member, j.entryKey, j.playbook, before.seconds]) ?? false
    }

    /// Claims the date scenes of `day` for `playbook`: true the first time, false when a
    /// tick (or a process before a restart) already generated them.
    static func claimSceneDay(_ db: Database, playbook: String, day: Day, at now: Timestamp) throws -> Bool {
        try db.execute(sql: "INSERT INTO scene_days(playbook, day, done_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       arguments: [playbook, day.description, now.seconds])
        return db.changesCount > 0
    }

    /// The columns ``journey(_:)`` reads, in its order.
    private static let columns = """
        playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason, offer_variables_id, id
        """

    /// The journey on the statement's current row (selected as ``columns``).
    private static func journey(_ s: RawStatement) -> Journey {
        Journey(playbook: s.text(0) ?? "", member: s.int(1), entryKey: s.text(2) ?? "",
                enteredAt: Timestamp(seconds: s.int(3)), step: Int(s.int(4)),
                nextDue: s.isNull(5) ? nil : Timestamp(seconds: s.int(5)),
                state: Journey.State(rawValue: s.text(6) ?? "") ?? .exited, exitReason: s.text(7),
                offerVariablesId: s.isNull(8) ? nil : s.int(8), rowId: s.int(9))
    }
}
