import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore {
    /// Records that a scheduled run starts; true when it was not already finished (so the
    /// scheduler should run or resume it), false when an earlier process finished it.
    public func beginScheduledRun(runId: String, script: String, playbook: String, due: Timestamp,
                                  at now: Timestamp, lease: WorkLease) throws -> Bool {
        try writer.write { db in
            let state = try String.fetchOne(db, sql: "SELECT state FROM scheduled_runs WHERE run_id = ?",
                                            arguments: [runId])
            if state == ScheduledRunState.done.rawValue { return false }
            try db.execute(sql: """
                INSERT INTO scheduled_runs (run_id, script, playbook, due, state, started_at)
                VALUES (?, ?, ?, ?, 'running', ?)
                ON CONFLICT(run_id) DO UPDATE SET state = 'running', started_at = excluded.started_at
                """, arguments: [runId, script, playbook, due.seconds, now.seconds])
            return true
        }
    }

    public func finishScheduledRun(runId: String, state: ScheduledRunState, outcome: String, at now: Timestamp) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE scheduled_runs SET state = ?, outcome = ?, finished_at = ? WHERE run_id = ?",
                           arguments: [state.rawValue, outcome, now.seconds, runId])
        }
    }
}

extension CrescentStore {
    /// Issues, delivery states and suppressions per playbook, over every run.
    public func playbookActivity() throws -> [String: PlaybookActivity] {
        try writer.read { db in
            var out: [String: PlaybookActivity] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT playbook, state, count(*) AS n FROM deliveries GROUP BY playbook, state") {
                let n: Int = r["n"]
                out[r["playbook"], default: PlaybookActivity()].issued += n
                out[r["playbook"], default: PlaybookActivity()].deliveriesByState[r["state"]] = n
            }
            for r in try Row.fetchAll(db, sql: "SELECT playbook, reason, count(*) AS n FROM suppressions GROUP BY playbook, reason") {
                out[r["playbook"], default: PlaybookActivity()].suppressed[r["reason"]] = r["n"]
            }
            return out
        }
    }
}
