import CrescentCore
import CrescentStore
import Foundation

/// Writes accepted requests to the store's outbox with group commit: every request that
/// arrives while a transaction is being written waits for the next one, so thousands of
/// requests a second cost tens of transactions, not thousands. A request is answered only
/// after its transaction committed (WAL, `synchronous = NORMAL`: a killed process loses
/// nothing committed; a power cut may lose the last commits, as documented in the README).
///
/// When a group's transaction fails, each of its requests is retried alone, so one bad
/// request cannot fail the others.
final class JournalWriter: @unchecked Sendable {
    private typealias Waiter = CheckedContinuation<[Bool], Error>
    private let store: any DataStore
    private let clock: any CrescentCore.Clock
    private let condition = NSCondition()
    private var queue: [(entries: [JournalEntry], waiter: Waiter)] = []
    private var stopped = false
    private let maxGroup = 1_024

    init(store: any DataStore, clock: any CrescentCore.Clock) {
        self.store = store; self.clock = clock
        let thread = Thread { [self] in loop() }
        thread.name = "crescent-journal"
        thread.start()
    }

    /// Journals `entries` and returns, per entry, whether it was new (false: a replay).
    func append(_ entries: [JournalEntry]) async throws -> [Bool] {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            condition.lock()
            if stopped {
                condition.unlock()
                waiter.resume(throwing: APIError(.serviceUnavailable, "shutting_down", "the server is shutting down"))
                return
            }
            queue.append((entries, waiter))
            condition.signal()
            condition.unlock()
        }
    }

    /// Writes what is queued, then lets the thread exit.
    func stop() {
        condition.lock(); stopped = true; condition.signal(); condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped { condition.unlock(); return }
            let group = Array(queue.prefix(maxGroup))
            queue.removeFirst(group.count)
            condition.unlock()
            write(group)
        }
    }

    private func write(_ group: [(entries: [JournalEntry], waiter: Waiter)]) {
        let now = clock.now()
        do {
            let fresh = try store.journal(group.map(\.entries), receivedAt: now)
            for (request, result) in zip(group, fresh) { request.waiter.resume(returning: result) }
        } catch where group.count > 1 {
            for request in group { write([request]) }
        } catch {
            group[0].waiter.resume(throwing: error)
        }
    }
}
