import CrescentChannels
import CrescentCore
import CrescentDelivery
import CrescentEngine
import CrescentPersistence
import CrescentTestSupport
import Foundation

/// Shared set-up: a store with a few members, one SMS playbook issued into it, and the
/// shipped sms plugin pointed at a loopback gateway.
enum DeliveryFixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let asOf = Day(year: 2026, month: 11, day: 1)
    static let runId = "run-1"

    static let script = """
        segment "everyone" { days_since_join = ">= 0" }
        playbook "welcome_sms" {
          goal = "activate", business_line = "test.delivery", audience = "everyone",
          when = { at = "2026-11-01 03:00" },
          channels = { "sms" },
          offer = coupon { off = 10, min_spend = 50, valid_days = 14 },
          message = "{{name}}, {{coupon_value}} off over {{min_spend}} is yours",
        }
        """

    /// Members 1...n with SMS consent; `noPhone` members have consent but no phone number.
    static func members(_ n: Int, noPhone: Set<Int64> = [4]) -> [Member] {
        (1...Int64(n)).map { id in
            Member(id: id, name: "Member \(id)", phone: noPhone.contains(id) ? nil : "+86138000000\(String(format: "%02d", id))",
                   email: "m\(id)@example.com", joinDate: Day(year: 2025, month: 1, day: 1), consent: ["sms"])
        }
    }

    /// A fresh file path in a new temporary directory.
    static func scratchDir() throws -> String {
        let dir = NSTemporaryDirectory() + "crescent-delivery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The scratch store with `members`, and `script` (the welcome playbook by default) issued as run `runId`.
    static func issuedStore(_ scratch: ScratchStore, members n: Int = 9, script: String = script) throws
        -> (store: any DataStore, context: CampaignContext) {
        let store = try scratch.open()
        try store.insert(members: members(n))
        let context = try CampaignContext(script: script, chunkName: "welcome.lua", storePopulation: try store.loadPopulation(),
                                          dataSource: scratch.db, seed: 1, asOf: asOf)
        _ = try LiveJourneys(context: context, store: store).launch(playbook: "welcome_sms", entryKey: runId,
                                                                    at: Timestamp(day: asOf, hour: 10))
        return (store, context)
    }

    static func composer(_ context: CampaignContext) throws -> MessageComposer { try MessageComposer(context: context) }

    /// The shipped sms plugin, allowed to reach the loopback gateway.
    static func smsPlugin(gateway: FakeHTTPGateway) async throws -> PluginRuntime {
        var plugin = try PluginLoader.load(folder: repoRoot + "/plugins/sms")
        plugin.manifest.allowedHosts = ["127.0.0.1"]
        plugin.manifest.allowedPrivateAddresses = ["127.0.0.1"]
        plugin.manifest.rateLimit = .init(perSecond: 1000, burst: 100)
        return try await PluginRuntime.start(plugin, settings: [
            "gateway_url": "http://127.0.0.1:\(gateway.port)/v1/messages", "api_key": "test-key",
        ], environment: [:])
    }

    /// An outbox on `store` with `runtimes` registered on a dispatcher that records in the store.
    static func outbox(_ store: any DataStore, _ context: CampaignContext, _ runtimes: [PluginRuntime]) async throws -> DeliveryOutbox {
        let dispatcher = ChannelDispatcher(ledger: StoreDeliveryLedger(store: store))
        for r in runtimes { try await dispatcher.register(r) }
        return DeliveryOutbox(store: store, dispatcher: dispatcher, composer: try composer(context))
    }

    static func key(_ member: Int64) -> String { IssueScope(runId: runId, playbook: "welcome_sms").key(member: member) }
}
