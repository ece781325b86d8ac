import CrescentCore

/// The kinds of shared work a `crescent serve` node does, as `/metrics` and `/health` count them.
public enum NodeWork: String, Sendable, CaseIterable, Codable {
    /// Accepted events processed (done or dead-lettered).
    case events
    /// Due journey steps claimed and run (one per member and playbook).
    case dueSteps = "due_steps"
    /// Scheduled playbook runs this node started.
    case scheduledRuns = "scheduled_runs"
    /// Deliveries handed to a channel plugin (sent or given up).
    case deliveries
}

/// Per-node tallies of shared work, kept in the store so every node can tell its share of
/// what all nodes did (one row per node and kind, added to, never rewritten).
public protocol NodeWorkLedger: AnyObject, Sendable {
    /// Adds `delta` to `node`'s tallies, in one transaction.
    func addNodeWork(node: String, _ delta: [NodeWork: Int], at now: Timestamp) throws
    /// Every node's tallies: node id → kind → count. Nodes that recorded nothing are absent.
    func nodeWork() throws -> [String: [NodeWork: Int]]
}
