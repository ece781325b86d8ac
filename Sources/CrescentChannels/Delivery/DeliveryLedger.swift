import Foundation
import CrescentCore

/// Where the dispatcher records every outcome, with its channel code.
///
/// The in-memory ledger serves tests and dry-runs; the store adds a SQLite one.
public protocol DeliveryLedger: Sendable {
    func record(_ record: DeliveryRecord) async throws
    /// True when a record with this key already reached `sent` (so it must not be sent again).
    func wasSent(idempotencyKey: String) async throws -> Bool
}

/// A ledger kept in memory, in the order records arrived.
public actor InMemoryDeliveryLedger: DeliveryLedger {
    public private(set) var records: [DeliveryRecord] = []
    private var sentKeys: Set<String> = []

    public init() {}

    public func record(_ record: DeliveryRecord) {
        records.append(record)
        if record.status == .sent { sentKeys.insert(record.idempotencyKey) }
    }

    public func wasSent(idempotencyKey: String) -> Bool { sentKeys.contains(idempotencyKey) }
}
