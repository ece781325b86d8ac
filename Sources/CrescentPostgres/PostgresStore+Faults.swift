import CrescentCore
import CrescentPersistence
import PostgresNIO

/// ``StoreFaults`` on PostgreSQL: the same hostile rows as on SQLite, so the hostile tests
/// run on both stores.
extension PostgresStore: StoreFaults {
    package func injectPendingEvent(id: String, member: Int64, kind: String, timeSeconds: Int64, payload: String?) throws {
        try pool.withSession { s in
            try s.execute("""
                INSERT INTO events (id, member_id, kind, time, attributes, state, received_at, payload)
                VALUES (\(id), \(member), \(kind), \(timeSeconds), '{}', 'pending', 0, \(payload))
                """)
        }
    }

    package func setEventAttempts(id: String, _ attempts: Int) throws {
        try pool.withSession { try $0.execute("UPDATE events SET attempts = \(Int64(attempts)) WHERE id = \(id)") }
    }

    package func overwriteMember(_ member: Member) throws {
        try pool.transaction { s in
            try s.execute("DELETE FROM members WHERE id = \(member.id)")
            try Self.insertMember(s, member, upsert: false)
        }
    }

    package func injectPointsRow(member: Int64, kind: String, delta: Int64, key: String) throws {
        try pool.withSession { s in
            try s.execute("""
                INSERT INTO points_ledger(idempotency_key, member_id, kind, delta, reason, time)
                VALUES (\(key), \(member), \(kind), \(delta), 'x', 0)
                """)
        }
    }

    package func injectDelivery(key: String, runId: String, playbook: String, member: Int64, channel: String,
                                state: DeliveryState) throws {
        try pool.withSession { s in
            try s.execute("""
                INSERT INTO deliveries(idempotency_key, run_id, playbook, member_id, channel, state, time)
                VALUES (\(key), \(runId), \(playbook), \(member), \(channel), \(state.rawValue), 0)
                """)
        }
    }

    package func forceDeliveryState(member: Int64, to state: DeliveryState) throws {
        try pool.withSession { try $0.execute("UPDATE deliveries SET state = \(state.rawValue) WHERE member_id = \(member)") }
    }
}
