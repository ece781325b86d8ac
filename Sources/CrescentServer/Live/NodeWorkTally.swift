import CrescentCore
import CrescentPersistence
import Foundation

/// This node's part of one kind of shared work, against what every node on the store did.
public struct WorkShare: Sendable, Codable, Equatable {
    public var node: Int
    public var all: Int
    /// `node / all`; 0 when nobody did any.
    public var share: Double

    public init(node: Int, all: Int) {
        self.node = node; self.all = all
        share = all == 0 ? 0 : Double(node) / Double(all)
    }
}

/// Counts the shared work this node does and adds it to the store's per-node tallies
/// (``NodeWorkLedger``) in one write per scheduler tick, not one per batch.
///
/// Thread-safe: the engine thread counts events and steps, the delivery pump deliveries.
final class NodeWorkTally: @unchecked Sendable {
    let node: String
    private let lock = NSLock()
    private var unflushed: [NodeWork: Int] = [:]

    init(node: String) { self.node = node }

    func add(_ kind: NodeWork, _ n: Int) {
        guard n > 0 else { return }
        lock.withLock { unflushed[kind, default: 0] += n }
    }

    /// Writes what was counted since the last flush; kept for the next one if the write fails.
    func flush(to store: any NodeWorkLedger, at now: Timestamp) throws {
        let delta = lock.withLock { () -> [NodeWork: Int] in defer { unflushed = [:] }; return unflushed }
        guard !delta.isEmpty else { return }
        do { try store.addNodeWork(node: node, delta, at: now) } catch {
            lock.withLock { unflushed.merge(delta, uniquingKeysWith: +) }
            throw error
        }
    }

    /// Every node's tallies as the store has them, with this node's unflushed counts added.
    func tallies(from store: any NodeWorkLedger) throws -> [String: [NodeWork: Int]] {
        var all = try store.nodeWork()
        let pending = lock.withLock { unflushed }
        all[node, default: [:]].merge(pending, uniquingKeysWith: +)
        return all
    }

    /// This node's share of each kind of work.
    static func shares(of node: String, in tallies: [String: [NodeWork: Int]]) -> [NodeWork: WorkShare] {
        Dictionary(uniqueKeysWithValues: NodeWork.allCases.map { kind in
            (kind, WorkShare(node: tallies[node]?[kind] ?? 0, all: tallies.values.reduce(0) { $0 + ($1[kind] ?? 0) }))
        })
    }
}
