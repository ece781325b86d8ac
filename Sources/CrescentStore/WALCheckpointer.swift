import CrescentPersistence
import Foundation
import GRDB

/// Copies the WAL back into the database file from a connection and thread of its own.
///
/// Why: SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages,
/// so one API request in a few hundred paid for copying pages and syncing the database file:
/// that was the p99. A PASSIVE checkpoint here never takes the write lock, so commits go on
/// while it copies; the writer's own automatic checkpoint is switched off.
final class WALCheckpointer: StoreMaintenance, @unchecked Sendable {
    private let connection: DatabaseQueue
    private let condition = NSCondition()
    private var stopped = false
    private let interval: TimeInterval

    init(store: CrescentStore, path: String, interval: TimeInterval = 0.5) throws {
        try store.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        connection = try DatabaseQueue(path: path)
        self.interval = interval
        let thread = Thread { [self] in loop() }
        thread.name = "crescent-checkpoint"
        thread.start()
    }

    func stop() { condition.lock(); stopped = true; condition.signal(); condition.unlock() }

    private func loop() {
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            let done = stopped
            condition.unlock()
            try? connection.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(done ? "TRUNCATE" : "PASSIVE"))")
            }
            if done { return }
        }
    }
}
