import CrescentChannels
import CrescentDelivery
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

@Suite("DeliveryOutbox")
struct DeliveryOutboxTests {
    typealias F = DeliveryFixtures

    @Test("every pending delivery is sent exactly once; the gateway sees each key once; a member without a phone fails", arguments: TestStoreKind.all)
    func drainSendsEachPendingOnce(kind: TestStoreKind) async throws {
        try await kind.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 9)
            #expect(try store.deliveryCount(state: .pending) == 9)
            let gateway = try FakeHTTPGateway.start()
            defer { gateway.shutdown() }
            let sms = try await F.smsPlugin(gateway: gateway)
            defer { sms.stop() }

            let summary = try await F.outbox(store, context, [sms]).drain(runId: F.runId, batchSize: 4)
            #expect(summary.byChannel["sms"]?.sent == 8)
            #expect(summary.byChannel["sms"]?.failed == 1)
            #expect(summary.byChannel["sms"]?.failures == ["member 4 has no phone for sms"])
            let expectedKeys = (1...9).filter { $0 != 4 }.map { F.key(Int64($0)) }.sorted()
            #expect(gateway.acceptedKeys.sorted() == expectedKeys)
            #expect(gateway.requests.count == 8)
            #expect(try store.deliveryCount(state: .sent) == 8)
            #expect(try store.snapshot().deliveries.filter { $0.state == .failed && $0.member == 4 && $0.reason?.contains("member 4") == true }.count == 1)
            #expect(try store.snapshot().attempts.filter { $0.status == .sent }.count == 8)
            // The message is the playbook's template filled for the member and the issued offer.
            let first = try #require(gateway.requests.first { $0.header("Idempotency-Key") == F.key(1) })
            #expect(first.body.contains("Member 1, 10 off over 50 is yours"))
            #expect(first.body.contains("+8613800000001"))

            // Draining again sends nothing: nothing is pending any more.
            let again = try await F.outbox(store, context, [sms]).drain()
            #expect(again.byChannel.isEmpty)
            #expect(gateway.requests.count == 8)
        }
    }

    @Test("a restarted process never resends a key the store records as sent", arguments: TestStoreKind.all)
    func restartNeverResends(kind: TestStoreKind) async throws {
        try await kind.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 3)
            let gateway = try FakeHTTPGateway.start()
            defer { gateway.shutdown() }
            let sms = try await F.smsPlugin(gateway: gateway)
            defer { sms.stop() }
            _ = try await F.outbox(store, context, [sms]).drain()
            #expect(gateway.requests.count == 3)
            // As if a crash left a sent delivery's row pending: the attempts still say sent.
            try ScratchStore.faults(store).forceDeliveryState(member: 1, to: .pending)

            let reopened = try scratch.open()
            let summary = try await F.outbox(reopened, context, [sms]).drain()
            #expect(summary.byChannel["sms"]?.duplicate == 1)
            #expect(summary.byChannel["sms"]?.sent == 0)
            #expect(gateway.requests.count == 3)
        }
    }

    @Test("a gateway answering 500 then OK: retried, then sent, both attempts recorded", arguments: TestStoreKind.all)
    func retriesThenSends(kind: TestStoreKind) async throws {
        try await kind.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 1)
            let gateway = try FakeHTTPGateway.start(script: [.respond(500)])
            defer { gateway.shutdown() }
            let sms = try await F.smsPlugin(gateway: gateway)
            defer { sms.stop() }

            let summary = try await F.outbox(store, context, [sms]).drain()
            #expect(summary.byChannel["sms"]?.sent == 1)
            let attempts = try StoreDeliveryLedger(store: store).attempts(idempotencyKey: F.key(1))
            #expect(attempts.map(\.status) == [.retried, .sent])
            #expect(attempts.first?.reason?.contains("500") == true)
            #expect(gateway.acceptedKeys == [F.key(1)])
            #expect(try store.deliveryCount(state: .sent) == 1)
        }
    }

    @Test("a plugin that errors fails every delivery with its reason", arguments: TestStoreKind.all)
    func brokenPluginFails(kind: TestStoreKind) async throws {
        try await kind.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 3)
            let folder = try F.scratchDir() + "/sms"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try """
                name = "sms"
                channel = "sms"
                [rate_limit]
                per_second = 1000
                burst = 100
                [retry]
                max_attempts = 1
                """.write(toFile: folder + "/manifest.toml", atomically: true, encoding: .utf8)
            try "function send(message) error(\"template engine exploded\") end"
                .write(toFile: folder + "/plugin.lua", atomically: true, encoding: .utf8)
            let broken = try await PluginRuntime.start(try PluginLoader.load(folder: folder), environment: [:])
            defer { broken.stop() }

            let summary = try await F.outbox(store, context, [broken]).drain()
            #expect(summary.byChannel["sms"]?.failed == 3)
            #expect(summary.byChannel["sms"]?.failures.contains { $0.contains("template engine exploded") } == true)
            #expect(try store.snapshot().deliveries.filter { $0.state == .failed && $0.reason?.contains("exploded") == true }.count == 3)
            #expect(try store.snapshot().attempts.filter { $0.status == .failed && $0.plugin == "sms" }.count == 3)
        }
    }

    @Test("deliveries for a channel with no plugin stay pending for a later drain", arguments: TestStoreKind.all)
    func unroutedStayPending(kind: TestStoreKind) async throws {
        try await kind.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 3)
            let summary = try await F.outbox(store, context, []).drain()
            #expect(summary.byChannel["sms"]?.unrouted == 3)
            #expect(summary.byChannel["sms"]?.routed == 0)
            #expect(try store.deliveryCount(state: .pending) == 3)
        }
    }
}
