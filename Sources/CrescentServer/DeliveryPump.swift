import CrescentChannels
import CrescentDelivery
import Logging

/// Sends what the live engine issued through the channel plugins, after each round of
/// events and each scheduler tick.
///
/// Every attempt goes through the dispatcher (retries, rate limits, idempotency keys) into
/// the store's delivery ledger, so a delivery is sent at most once even across a crash; what
/// a crash leaves `pending` is sent by the next drain. Deliveries for a channel with no
/// loaded plugin stay pending.
public struct DeliveryPump: Sendable {
    let engine: LiveEngine
    let dispatcher: ChannelDispatcher
    let logger: Logger

    public init(engine: LiveEngine, dispatcher: ChannelDispatcher, logger: Logger) {
        self.engine = engine; self.dispatcher = dispatcher; self.logger = logger
    }

    public func drain() async {
        do {
            for composer in try await engine.deliveryComposers() {
                var outbox = DeliveryOutbox(store: engine.store, dispatcher: dispatcher, composer: composer)
                // This node's claims: two nodes on one store never send the same delivery.
                outbox.lease = engine.configuration.lease
                let summary = try await outbox.drain()
                for (channel, tally) in summary.byChannel {
                    engine.work.add(.deliveries, tally.sent + tally.failed)
                    for (status, n) in [("sent", tally.sent), ("failed", tally.failed), ("duplicate", tally.duplicate)] where n > 0 {
                        engine.metrics.delivery(channel: channel, status: status, count: n)
                    }
                    for reason in tally.failures { logger.warning("\(channel) delivery failed: \(reason)") }
                }
            }
        } catch {
            logger.error("delivery: \(error)")
        }
    }
}
