import CrescentCore

/// The live engine's outbox of accepted events: ingest, claim, finish or dead-letter.
///
/// An event's id (``JournalEntry/eventId``) is its idempotency key: a replayed request
/// changes nothing, and a replay with different content is a ``JournalConflict``.
public protocol EventQueue: AnyObject, Sendable {
    /// Writes every request's entries in ONE transaction (group commit) and returns, per entry,
    /// whether it was new. Orders and member upserts are written with their outbox row, in
    /// the same transaction, so a restart loads them and replays only the triggers.
    /// - throws: ``JournalConflict``; then nothing of any request was written.
    func journal(_ requests: [[JournalEntry]], receivedAt: Timestamp) throws -> [[Bool]]
    /// Accepted events not yet processed, oldest first, after `seq` (read only).
    func pendingEvents(after seq: Int64, limit: Int) throws -> [PendingEvent]
    /// Claims the next batch for `lease` and counts an attempt on each claimed row, committed
    /// before the caller processes them: a row that takes the process down shows attempts on
    /// the next start. A row attempted before is claimed alone (so a poison row is isolated).
    /// While the lease holds no other node is handed these rows; a store with one engine
    /// (SQLite) may ignore it.
    func claimEvents(limit: Int, lease: WorkLease) throws -> [PendingEvent]
    /// Marks events processed (`done`) or dead-lettered (`failed`, never retried) with what
    /// they did, in one transaction.
    func finishEvents(_ finishes: [EventFinish]) throws
    /// How many accepted events wait for processing.
    func pendingEventCount() throws -> Int
    /// How many accepted events were processed.
    func processedEventCount() throws -> Int
    /// How many accepted events were dead-lettered.
    func failedEventCount() throws -> Int
    /// The state (`pending`, `done`, `failed`) and outcome of one event, if it was accepted.
    func eventStatus(id: String) throws -> (state: String, outcome: String?)?
    /// The seqs of those of `events` that are their member's first event of `kind`: no event
    /// of `kind` for the member was accepted or imported before it, in whatever state. Decided
    /// by arrival order in the store, so every node and every restart answers the same
    /// (the `first_app_open` scene).
    func firstEvents(ofKind kind: String, among events: [PendingEvent]) throws -> Set<Int64>
}

/// Scheduled playbook runs: started once, resumed after a crash under the same run id,
/// never started again once finished.
public protocol ScheduledRunStore: AnyObject, Sendable {
    /// Records that a scheduled run starts; true when this caller should run (or resume) it,
    /// false when it finished before. With several nodes exactly one is told true while its
    /// `lease` holds; a store with one engine may ignore the lease.
    func beginScheduledRun(runId: String, script: String, playbook: String, due: Timestamp, at now: Timestamp,
                           lease: WorkLease) throws -> Bool
    /// Records how the run ended.
    func finishScheduledRun(runId: String, state: ScheduledRunState, outcome: String, at now: Timestamp) throws
}
