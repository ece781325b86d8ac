import CrescentCore
import GRDB

/// The `journeys` table: journey state per (playbook, member, entry), read and written
/// inside the caller's transaction.
///
/// Why the offer is kept as `offer_variables_id`: a reminder sent days later names the
/// coupon the journey gave, and the runtime's offer ids do not survive a restart.
public enum JourneyLedger {
    /// Open journeys of `playbook` due at or before `now`, earliest first (the `journeys_due`
    /// index), optionally only those of `members`.
    public static func due(_ db: Database, playbook: String, now: Timestamp, limit: Int,
                           members: [Int64]? = nil) throws -> [Journey] {
        let only = members.map { " AND member_id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        return try fetch(db, """
            SELECT * FROM journeys INDEXED BY journeys_due
            WHERE state = 'active' AND next_due_at <= ? AND playbook = ?\(only)
            ORDER BY next_due_at, member_id LIMIT ?
            """, [now.seconds, playbook, limit])
    }

    /// Members with an open journey due at or before `now`, per playbook, at most `limit` in all.
    public static func dueMembers(_ db: Database, now: Timestamp, limit: Int) throws -> [String: [Int64]] {
        var out: [String: [Int64]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT playbook, member_id FROM journeys INDEXED BY journeys_due WHERE state = 'active' AND next_due_at <= ?
            ORDER BY next_due_at, member_id LIMIT ?
            """, arguments: [now.seconds, limit]) {
            out[row["playbook"], default: []].append(row["member_id"])
        }
        return out
    }

    /// Each member's latest journey of `playbook`.
    public static func latest(_ db: Database, playbook: String, members: [Int64]) throws -> [Int64: Journey] {
        var out: [Int64: Journey] = [:]
        let statement = try db.cachedStatement(sql: """
            SELECT * FROM journeys WHERE playbook = ? AND member_id = ? ORDER BY entered_at DESC, id DESC LIMIT 1
            """)
        for m in members {
            if let row = try Row.fetchOne(statement, arguments: [playbook, m]) { out[m] = journey(row) }
        }
        return out
    }

    /// Every journey of a member (for `explain` and `GET /v1/members/{id}/journeys`), newest first.
    public static func all(_ db: Database, member: Int64) throws -> [Journey] {
        try fetch(db, "SELECT * FROM journeys WHERE member_id = ? ORDER BY entered_at DESC, id DESC", [member])
    }

    /// Starts journeys; an existing (playbook, member, entry) is left as it is.
    public static func begin(_ db: Database, _ journeys: [Journey], at now: Timestamp) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO journeys(playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason,
              offer_variables_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(playbook, member_id, entry_key) DO NOTHING
            """)
        for j in journeys {
            try statement.execute(arguments: [j.playbook, j.member, j.entryKey, j.enteredAt.seconds, j.step,
                                              j.nextDue?.seconds, j.state.rawValue, j.exitReason, j.offerVariablesId,
                                              now.seconds])
        }
    }

    /// Writes a journey's position (step, due time, state, offer).
    public static func save(_ db: Database, _ j: Journey, at now: Timestamp) throws {
        try db.cachedStatement(sql: """
            UPDATE journeys SET step = ?, next_due_at = ?, state = ?, exit_reason = ?, offer_variables_id = ?,
              updated_at = ? WHERE playbook = ? AND member_id = ? AND entry_key = ?
            """).execute(arguments: [j.step, j.nextDue?.seconds, j.state.rawValue, j.exitReason, j.offerVariablesId,
                                     now.seconds, j.playbook, j.member, j.entryKey])
    }

    /// Ends the member's open journeys of `playbook`; true when one was open.
    @discardableResult
    public static func exit(_ db: Database, playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool {
        try db.execute(sql: """
            UPDATE journeys SET state = 'exited', exit_reason = ?, next_due_at = NULL, updated_at = ?
            WHERE playbook = ? AND member_id = ? AND state = 'active'
            """, arguments: [reason, now.seconds, playbook, member])
        return db.changesCount > 0
    }

    /// True when the member has an order in `[from, to)`.
    public static func purchased(_ db: Database, member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM orders WHERE member_id = ? AND time >= ? AND time < ?)"),
                          arguments: [member, from.seconds, to.seconds]) ?? false
    }

    /// True when a coupon the journey issued was redeemed before `before`.
    public static func redeemed(_ db: Database, journey j: Journey, before: Timestamp) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS(SELECT 1 FROM coupon_ledger WHERE member_id = ? AND run_id = ? AND playbook = ?
              AND redeemed_at IS NOT NULL AND redeemed_at < ?)
            """), arguments: [j.member, j.entryKey, j.playbook, before.seconds]) ?? false
    }

    /// Claims the date scenes of `day` for `playbook`: true the first time, false when a
    /// tick (or a process before a restart) already generated them.
    public static func claimSceneDay(_ db: Database, playbook: String, day: Day, at now: Timestamp) throws -> Bool {
        try db.execute(sql: "INSERT INTO scene_days(playbook, day, done_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       arguments: [playbook, day.description, now.seconds])
        return db.changesCount > 0
    }

    private static func fetch(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [Journey] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(journey)
    }

    private static func journey(_ row: Row) -> Journey {
        Journey(playbook: row["playbook"], member: row["member_id"], entryKey: row["entry_key"],
                enteredAt: Timestamp(seconds: row["entered_at"]), step: row["step"],
                nextDue: (row["next_due_at"] as Int64?).map(Timestamp.init(seconds:)),
                state: Journey.State(rawValue: row["state"]) ?? .exited, exitReason: row["exit_reason"],
                offerVariablesId: row["offer_variables_id"])
    }
}
