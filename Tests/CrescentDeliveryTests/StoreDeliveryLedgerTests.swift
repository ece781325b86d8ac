import CrescentCore
import CrescentChannels
import CrescentDelivery
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

@Suite("StoreDeliveryLedger")
struct StoreDeliveryLedgerTests {
    static func pending(_ store: any DataStore, _ keys: [String]) throws {
        for (i, key) in keys.enumerated() {
            try ScratchStore.faults(store).injectDelivery(key: key, runId: "r", playbook: "p", member: Int64(i + 1), channel: "sms", state: .pending)
        }
    }

    static func record(_ key: String, _ status: DeliveryStatus, attempt: Int, reason: String? = nil) -> DeliveryRecord {
        DeliveryRecord(idempotencyKey: key, memberId: 1, channel: "sms", plugin: "sms", status: status, attempt: attempt,
                       reason: reason, providerId: status == .sent ? "msg-\(attempt)" : nil, playbook: "p", runId: "r", at: 1)
    }

    /// The delivery's state and reason.
    static func state(_ store: any DataStore, _ key: String) throws -> [String?] {
        let row = try store.snapshot().deliveries.first { $0.idempotencyKey == key }
        return [row?.state.rawValue, row?.reason]
    }

    @Test("retried keeps a delivery pending, sent moves it to sent, failed to failed; a restarted store still knows what was sent",
          arguments: TestStoreKind.all)
    func transitionsAndReopen(kind: TestStoreKind) async throws {
        try await kind.withScratch { scratch in
        let store = try scratch.open()
        try Self.pending(store, ["a", "b"])
        let ledger = StoreDeliveryLedger(store: store)

        try await ledger.record(Self.record("a", .retried, attempt: 1, reason: "gateway answered 500"))
        #expect(try Self.state(store, "a")[0] == "pending")
        #expect(try await ledger.wasSent(idempotencyKey: "a") == false)
        try await ledger.record(Self.record("a", .sent, attempt: 2))
        #expect(try Self.state(store, "a")[0] == "sent")

        try await ledger.record(Self.record("b", .failed, attempt: 1, reason: "gateway answered 400"))
        #expect(try Self.state(store, "b") == ["failed", "gateway answered 400"])
        // A late failure never demotes a sent delivery.
        try await ledger.record(Self.record("a", .failed, attempt: 3, reason: "late"))
        #expect(try Self.state(store, "a")[0] == "sent")

        let reopened = StoreDeliveryLedger(store: try scratch.open())
        #expect(try await reopened.wasSent(idempotencyKey: "a"))
        #expect(try await reopened.wasSent(idempotencyKey: "b") == false)
        #expect(try await reopened.wasSent(idempotencyKey: "never-seen") == false)
        let attempts = try reopened.attempts(idempotencyKey: "a")
        #expect(attempts.map(\.status) == [.retried, .sent, .failed])
        #expect(attempts.map(\.attempt) == [1, 2, 3])
        #expect(attempts[0] == Self.record("a", .retried, attempt: 1, reason: "gateway answered 500"))
        #expect(attempts[1].providerId == "msg-2")
        }
    }
}
