import CrescentCore
import PostgresNIO

/// The `journeys` table: one row per (playbook, member, entry key), as on SQLite.
///
/// Saving a journey's new position also clears its claim (``PostgresWorkClaims``): the step
/// the claim was for is written, and the next due step may go to any node.
public struct PostgresJourneys: Sendable {
    let pool: PostgresSessionPool

    /// Starts journeys in one transaction; an existing (playbook, member, entry key) is left as it is.
    public func begin(_ journeys: [Journey], at now: Timestamp) throws {
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

    /// Writes journeys' positions (step, due time, state, offer) in one transaction.
    public func save(_ journeys: [Journey], at now: Timestamp) throws {
        guard !journeys.isEmpty else { return }
        try pool.transaction { s in for j in journeys { try Self.save(s, j, at: now) } }
    }

    static func save(_ s: PostgresSession, _ j: Journey, at now: Timestamp) throws {
        try s.execute("""
            UPDATE journeys SET step = \(Int64(j.step)), next_due_at = \(j.nextDue?.seconds), state = \(j.state.rawValue),
              exit_reason = \(j.exitReason), offer_variables_id = \(j.offerVariablesId), updated_at = \(now.seconds),
              claimed_by = NULL, lease_until = NULL
            WHERE playbook = \(j.playbook) AND member_id = \(j.member) AND entry_key = \(j.entryKey)
            """)
    }

    /// Open journeys of `playbook` due by `now`, earliest first (read only, no claim).
    public func due(playbook: String, now: Timestamp, limit: Int) throws -> [Journey] {
        try pool.withSession { s in
            try s.query("""
                SELECT \(unescaped: Self.columns) FROM journeys
                WHERE state = 'active' AND next_due_at <= \(now.seconds) AND playbook = \(playbook)
                ORDER BY next_due_at, member_id LIMIT \(Int64(limit))
                """).map(Self.journey)
        }
    }

    /// Every journey of a member, newest first.
    public func all(member: Int64) throws -> [Journey] {
        try pool.withSession { s in
            try s.query("""
                SELECT \(unescaped: Self.columns) FROM journeys WHERE member_id = \(member) ORDER BY entered_at DESC, id DESC
                """).map(Self.journey)
        }
    }

    /// Ends the member's open journeys of `playbook`; true when one was open.
    @discardableResult
    public func exit(playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool {
        try pool.withSession { s in
            try s.execute("""
                UPDATE journeys SET state = 'exited', exit_reason = \(reason), next_due_at = NULL, updated_at = \(now.seconds),
                  claimed_by = NULL, lease_until = NULL
                WHERE playbook = \(playbook) AND member_id = \(member) AND state = 'active'
                """) > 0
        }
    }

    /// Claims the date scenes of `day` for `playbook`: true the first time on any node.
    @discardableResult
    public func markSceneDay(playbook: String, day: Day, at now: Timestamp) throws -> Bool {
        try pool.withSession { s in
            try s.execute("""
                INSERT INTO scene_days(playbook, day, done_at) VALUES (\(playbook), \(day.description), \(now.seconds))
                ON CONFLICT (playbook, day) DO NOTHING
                """) == 1
        }
    }

    static let columns = "playbook, member_id, entry_key, entered_at, step, next_due_at, state, exit_reason, offer_variables_id"

    static func journey(_ row: PostgresRow) throws -> Journey {
        let (playbook, member, entry, entered, step, due, state, reason, variables) =
            try row.decode((String, Int64, String, Int64, Int64, Int64?, String, String?, Int64?).self)
        guard let s = Journey.State(rawValue: state) else {
            throw PostgresStoreError(operation: "read journeys", message: "journey \(playbook)/\(member)/\(entry) has state \"\(state)\"")
        }
        return Journey(playbook: playbook, member: member, entryKey: entry, enteredAt: Timestamp(seconds: entered),
                       step: Int(step), nextDue: due.map { Timestamp(seconds: $0) }, state: s, exitReason: reason,
                       offerVariablesId: variables)
    }
}
