import CrescentCore
import CrescentPersistence
import PostgresNIO

/// Per-node tallies of shared work (``NodeWorkLedger``).
extension PostgresStore {
    /// Several `crescent serve` nodes may share the database.
    public var sharedByNodes: Bool { true }

    public func addNodeWork(node: String, _ delta: [NodeWork: Int], at now: Timestamp) throws {
        let rows = delta.filter { $0.value != 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
        guard !rows.isEmpty else { return }
        try pool.transaction { s in
            for (kind, n) in rows {
                try s.execute("""
                    INSERT INTO node_work (node, kind, count, updated_at) VALUES (\(node), \(kind.rawValue), \(Int64(n)), \(now.seconds))
                    ON CONFLICT (node, kind) DO UPDATE SET count = node_work.count + excluded.count, updated_at = excluded.updated_at
                    """)
            }
        }
    }

    public func nodeWork() throws -> [String: [NodeWork: Int]] {
        try pool.withSession { s in
            var out: [String: [NodeWork: Int]] = [:]
            for row in try s.query("SELECT node, kind, count FROM node_work") {
                let (node, kind, count) = try row.decode((String, String, Int64).self)
                // A kind a newer version wrote is not this version's to show.
                guard let kind = NodeWork(rawValue: kind) else { continue }
                out[node, default: [:]][kind] = Int(count)
            }
            return out
        }
    }
}
