import CrescentCore
import CrescentPersistence
import GRDB

/// ``StoreFaults`` on SQLite: rows written behind the repositories' back for the hostile tests.
extension CrescentStore: StoreFaults {
    /// An outbox row as an older version journaled it, unchecked (any time, any payload).
    package func injectPendingEvent(id: String, member: Int64, kind: String, timeSeconds: Int64, payload: String?) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO events (id, member_id, kind, time, attributes, state, received_at, payload)
                VALUES (?, ?, ?, ?, '{}', 'pending', 0, ?)
                """, arguments: [id, member, kind, timeSeconds, payload])
        }
    }

    /// Sets how many processing attempts an outbox row shows (a process that died on it).
    package func setEventAttempts(id: String, _ attempts: Int) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE events SET attempts = ? WHERE id = ?", arguments: [attempts, id])
        }
    }

    /// Overwrites a stored member's fields (a change made outside the live API).
    package func overwriteMember(_ member: Member) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM members WHERE id = ?", arguments: [member.id])
            try CrescentStore.insert(members: [member], in: db)
        }
    }

    /// A points row written without replaying the ledger (a bad migration, a hand edit).
    package func injectPointsRow(member: Int64, kind: String, delta: Int64, key: String) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO points_ledger(idempotency_key, member_id, kind, delta, reason, time) VALUES (?, ?, ?, ?, 'x', 0)
                """, arguments: [key, member, kind, delta])
        }
    }

    /// A bare delivery row in `state` (no issue behind it).
    package func injectDelivery(key: String, runId: String, playbook: String, member: Int64, channel: String,
                                state: DeliveryState) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO deliveries(idempotency_key, run_id, playbook, member_id, channel, state, time)
                VALUES (?, ?, ?, ?, ?, ?, 0)
                """, arguments: [key, runId, playbook, member, channel, state.rawValue])
        }
    }

    /// Moves a member's deliveries back to `state` (as if the process died between a send and its record).
    package func forceDeliveryState(member: Int64, to state: DeliveryState) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE deliveries SET state = ? WHERE member_id = ?", arguments: [state.rawValue, member])
        }
    }
}
