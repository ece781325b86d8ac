import CrescentChannels
import CrescentCore
import CrescentPersistence
import Foundation

/// Drains `pending` deliveries from the store through the channel plugins.
///
/// Each pending delivery is composed into a message and sent through the dispatcher, whose
/// ledger must be a ``StoreDeliveryLedger`` on the same store: every attempt is recorded and
/// the delivery moves to `sent` or `failed` in the same transaction. A delivery that cannot
/// be composed (no address for the channel, a template error) is recorded `failed` with the
/// reason and never reaches a plugin. Deliveries for a channel with no loaded plugin, and of
/// playbooks the composer does not know, stay `pending` for a later drain.
///
/// Resumable: after a crash, drain again — only what is still `pending` is sent, and a key
/// that reached `sent` is never sent again (the dispatcher asks the store before each send).
///
/// For example:
/// ```swift
/// let store = try CrescentStore(path: "crm.sqlite")
/// let dispatcher = ChannelDispatcher(ledger: StoreDeliveryLedger(store: store))
/// try await PluginDirectory.start(folder: "plugins", settings: settings).register(on: dispatcher)
/// let outbox = DeliveryOutbox(store: store, dispatcher: dispatcher, composer: composer)
/// let summary = try await outbox.drain(runId: "2026-12-01")
/// summary.lines.forEach { print($0) }   // "sms: 120 sent, 3 failed (first failure: …)"
/// ```
public struct DeliveryOutbox: Sendable {
    public let store: any DeliveryStore
    public let dispatcher: ChannelDispatcher
    public let composer: MessageComposer
    /// Messages in flight at once; each plugin still sends one at a time on its own thread.
    public var concurrency = 16
    private let ledger: StoreDeliveryLedger

    /// Who claims the pending deliveries (one sender per SQLite store: the default).
    public var lease = WorkLease.singleNode

    public init(store: any DeliveryStore, dispatcher: ChannelDispatcher, composer: MessageComposer) {
        self.store = store; self.dispatcher = dispatcher; self.composer = composer
        ledger = StoreDeliveryLedger(store: store)
    }

    /// Sends every pending delivery (of one run when `runId` is given), `batchSize` rows read at a time.
    /// - throws: the store's error when it cannot be read or a compose failure cannot be recorded.
    public func drain(runId: String? = nil, batchSize: Int = 500) async throws -> OutboxSummary {
        var summary = OutboxSummary()
        let routable = Set(await dispatcher.channels)
        let playbooks = composer.playbooks
        var afterId: Int64 = 0
        while true {
            let after = afterId
            let batch = try await store.claimPendingDeliveries(afterId: after, runId: runId, playbooks: playbooks,
                                                               limit: max(1, batchSize), lease: lease)
            guard let last = batch.last else { break }
            afterId = last.id
            for d in batch where !routable.contains(d.channel) { summary.byChannel[d.channel, default: ChannelTally()].unrouted += 1 }
            let outcomes = try await send(batch.filter { routable.contains($0.channel) })
            for (channel, outcome) in outcomes { summary.add(channel: channel, outcome.status, reason: outcome.reason) }
        }
        return summary
    }

    /// Composes and sends one batch, at most `concurrency` at a time.
    private func send(_ batch: [PendingDelivery]) async throws -> [(String, DeliveryOutcome)] {
        try await withThrowingTaskGroup(of: (String, DeliveryOutcome).self) { group in
            var results: [(String, DeliveryOutcome)] = []
            var next = batch.makeIterator()
            func startOne() -> Bool {
                guard let d = next.next() else { return false }
                group.addTask { (d.channel, try await deliver(d)) }
                return true
            }
            for _ in 0..<max(1, concurrency) {
                if !startOne() { break }
            }
            while let result = try await group.next() {
                results.append(result)
                _ = startOne()
            }
            return results
        }
    }

    private func deliver(_ d: PendingDelivery) async throws -> DeliveryOutcome {
        switch composer.compose(d) {
        case .success(let message):
            return await dispatcher.send(message)
        case .failure(let why):
            try await ledger.record(DeliveryRecord(
                idempotencyKey: d.idempotencyKey, memberId: d.memberId, channel: d.channel, plugin: "-", status: .failed,
                attempt: 0, reason: why.description, playbook: d.playbook, runId: d.runId, at: Date().timeIntervalSince1970))
            return DeliveryOutcome(status: .failed, attempts: 0, reason: why.description, providerId: nil)
        }
    }
}
