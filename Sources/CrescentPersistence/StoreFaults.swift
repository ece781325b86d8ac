import CrescentCore

/// Rows written behind the repositories' back, as an older version, a hand edit or a crash
/// leaves them: what the hostile tests start from, on either store. `package`: for this
/// package's tests, never part of the store's interface.
package protocol StoreFaults: AnyObject {
    /// An outbox row as an older version journaled it, unchecked (any time, any payload).
    func injectPendingEvent(id: String, member: Int64, kind: String, timeSeconds: Int64, payload: String?) throws
    /// Sets how many processing attempts an outbox row shows (a process that died on it).
    func setEventAttempts(id: String, _ attempts: Int) throws
    /// Overwrites a stored member's fields (a change made outside the live API).
    func overwriteMember(_ member: Member) throws
    /// A points row written without replaying the ledger (a bad migration, a hand edit).
    func injectPointsRow(member: Int64, kind: String, delta: Int64, key: String) throws
    /// A bare delivery row in `state` (no issue behind it).
    func injectDelivery(key: String, runId: String, playbook: String, member: Int64, channel: String,
                        state: DeliveryState) throws
    /// Moves a member's deliveries back to `state` (as if the process died between a send and its record).
    func forceDeliveryState(member: Int64, to state: DeliveryState) throws
}
