@testable import CrescentChannels
import CrescentLua
import Foundation
import Testing

/// Fault tests against a real HTTP server on loopback.
struct DispatcherFaultTests {
    @Test func retriesA500ThenSendsOnce() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.respond(500)])
        defer { gateway.shutdown() }
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(1))
        #expect(outcome.status == .sent)
        #expect(outcome.attempts == 2)
        #expect(outcome.providerId == "msg-2")
        let records = await ledger.records
        #expect(records.map(\.status) == [.retried, .sent])
        #expect(records.allSatisfy { $0.channel == "fake" })
        #expect(records[0].reason?.contains("500") == true)
        // Resending a key that reached `sent` never reaches the server again.
        let again = await dispatcher.send(TestPlugin.message(1))
        #expect(again.status == .duplicate)
        #expect(gateway.requests.count == 2)
        #expect(gateway.acceptedKeys == ["key-1"])
        #expect(gateway.requests.allSatisfy { $0.header("Idempotency-Key") == "key-1" })
    }

    @Test func retriesATimeout() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.hang])
        defer { gateway.shutdown() }
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let started = Date()
        let outcome = await dispatcher.send(TestPlugin.message(2))
        #expect(outcome.status == .sent && outcome.attempts == 2)
        #expect(Date().timeIntervalSince(started) < 3)
        let first = await ledger.records.first
        #expect(first?.reason?.contains("timed out after 300 ms") == true)
    }

    @Test func aSlowGatewayWithinTheTimeoutIsOneAttempt() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.delay(0.1, status: 200)])
        defer { gateway.shutdown() }
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(3))
        #expect(outcome.status == .sent && outcome.attempts == 1)
    }

    @Test func retriesAClosedConnection() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.close, .close])
        defer { gateway.shutdown() }
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(4))
        #expect(outcome.status == .sent && outcome.attempts == 3)
        #expect(await ledger.records.map(\.status) == [.retried, .retried, .sent])
        #expect(gateway.acceptedKeys == ["key-4"])
    }

    @Test func aClientErrorIsNotRetried() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.respond(422, body: "{\"error\":\"bad phone\"}")])
        defer { gateway.shutdown() }
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(5))
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("gateway answered 422") == true)
        #expect(gateway.requests.count == 1)
        #expect(await ledger.records.map(\.status) == [.failed])
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.respond(503), .respond(502), .respond(500)])
        defer { gateway.shutdown() }
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(6))
        #expect(outcome.status == .failed && outcome.attempts == 3)
        #expect(outcome.reason?.hasPrefix("gave up after 3 attempts") == true)
        #expect(await ledger.records.map(\.attempt) == [1, 2, 3])
    }

    @Test func theRateLimitHolds() async throws {
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let manifest = TestPlugin.manifest(perSecond: 20, burst: 2)
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway, manifest: manifest)
        defer { runtime.stop() }
        let start = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        await withTaskGroup(of: Void.self) { group in
            for n in 10..<18 { group.addTask { _ = await dispatcher.send(TestPlugin.message(n)) } }
        }
        let times = gateway.requests.map(\.at).sorted()
        #expect(times.count == 8)
        // 2 at once, then one every 50 ms: the i-th arrival (0-based) is granted no earlier than
        // (i - 1) × 50 ms after the sends began, and arrives later still.
        for i in 2..<times.count {
            #expect(times[i] - start >= Double(i - 1) * 0.05 - 0.002, "request \(i) came too early")
        }
        #expect(Set(gateway.acceptedKeys).count == 8)
    }

    @Test func tokenBucketWithAnInjectedClock() {
        var bucket = TokenBucket(perSecond: 10, burst: 3)
        let waits = (0..<6).map { _ in bucket.reserve(now: 100) }
        #expect(waits.prefix(3).allSatisfy { $0 == 0 })
        #expect(abs(waits[3] - 0.1) < 1e-9 && abs(waits[5] - 0.3) < 1e-9)
        #expect(bucket.reserve(now: 101) == 0) // a second later the bucket has refilled
    }

    @Test func backoffIsSeededFullJitter() {
        let policy = PluginManifest.RetryPolicy(maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000)
        var a = Backoff(policy: policy, random: SeededRandom(seed: 7))
        var b = Backoff(policy: policy, random: SeededRandom(seed: 7))
        let da = (1...5).map { a.delay(afterAttempt: $0) }
        #expect(da == (1...5).map { b.delay(afterAttempt: $0) })
        for (i, d) in da.enumerated() { #expect(d >= 0 && d <= min(1.0, 0.1 * pow(2, Double(i)))) }
    }
}
