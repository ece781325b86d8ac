import CrescentChannels
import CrescentDelivery
import CrescentEngine
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

/// The store only seeds the context here (the dry-run writes nothing): SQLite is enough.
@Suite("DryRunRouting")
struct DryRunRoutingTests {
    typealias F = DeliveryFixtures

    @Test("the dry-run keeps a bounded sample per channel and routes it through the shipped plugins against fakes")
    func routesSampleThroughPlugins() async throws {
        try await TestStoreKind.sqlite.withScratch { scratch in
            let (_, context) = try F.issuedStore(scratch, members: 9)
            var dry = DryRun(context: context, seed: 1)
            dry.runs = 10
            dry.samplePerChannel = 6
            let result = try dry.run(playbook: "welcome_sms")
            let sample = result.renderedMessages
            #expect(result.steps.first?.byChannel["sms"] == 9)
            #expect(sample.byChannel["sms"]?.count == 6)
            #expect(sample.all.allSatisfy { $0.channel == "sms" && $0.subject == "10 off over 50" })

            let plugins = try PluginDirectory.load(folder: F.repoRoot + "/plugins")
            let byId = Dictionary(uniqueKeysWithValues: context.views.map { ($0.member.id, $0) })
            let routed = await DryRunRouter.route(sample, playbook: "welcome_sms", plugins: plugins,
                                                  environment: [:]) { byId[$0] }
            let sms = try #require(routed.byChannel["sms"])
            #expect(sms.routed == 6)
            let withoutPhone = sample.all.filter { $0.memberId == 4 }.count
            #expect(withoutPhone == 1) // the sample keeps members in audience order: 1...6
            #expect(sms.failed == 1)
            #expect(sms.sent == 5)
            #expect(sms.failures == ["member 4 has no phone for sms"])
        }
    }

    @Test("a channel without a plugin is reported, not routed; a plugin that does not start fails its messages")
    func unroutedAndBrokenPlugins() async throws {
        try await TestStoreKind.sqlite.withScratch { scratch in
            let (_, context) = try F.issuedStore(scratch, members: 3)
            let result = try DryRun(context: context, seed: 1).run(playbook: "welcome_sms")
            let byId = Dictionary(uniqueKeysWithValues: context.views.map { ($0.member.id, $0) })
            let none = await DryRunRouter.route(result.renderedMessages, playbook: "welcome_sms", plugins: []) { byId[$0] }
            #expect(none.byChannel["sms"]?.unrouted == 3)

            let sms = try PluginLoader.load(folder: F.repoRoot + "/plugins/sms")
            let broken = await DryRunRouter.route(result.renderedMessages, playbook: "welcome_sms", plugins: [sms],
                                                  settings: ["sms": ["sender_id": "SHOP", "no_such_key": "x"]],
                                                  environment: [:]) { byId[$0] }
            #expect(broken.byChannel["sms"]?.failed == 3)
            #expect(broken.byChannel["sms"]?.failures.first?.contains("no_such_key") == true)
        }
    }

    @Test("the live composer renders exactly the message the dry-run rendered")
    func composerMatchesDryRun() throws {
        try TestStoreKind.sqlite.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 3)
            let rendered = try #require(try DryRun(context: context, seed: 1).run(playbook: "welcome_sms")
                .renderedMessages.all.first { $0.memberId == 2 })
            let offer = try store.offerVariables(id: try #require(try store.snapshot().deliveries.first { $0.member == 2 }?.offerVariablesId))
            let pending = PendingDelivery(idempotencyKey: F.key(2), runId: F.runId, playbook: "welcome_sms", memberId: 2,
                                          channel: "sms", offer: offer)
            let message = try F.composer(context).compose(pending).get()
            #expect(message.body == rendered.body)
            #expect(message.subject == rendered.subject)
            #expect(message.variables == rendered.variables)
            #expect(message.recipient.phone == "+8613800000002")
            #expect(message.idempotencyKey == F.key(2))

            // The same delivery on e-mail goes to the address; on push the member has no token.
            var email = pending
            email.channel = "email"
            #expect(try F.composer(context).compose(email).get().recipient.email == "m2@example.com")
            var push = pending
            push.channel = "push"
            #expect(try F.composer(context).compose(push) == .failure(ComposeFailure("member 2 has no push_token attribute for push")))
        }
    }

    @Test("a message table gives each member the copy of their own segment, in the dry-run and when sent")
    func messageTablePicksTheMembersSegment() throws {
        let script = F.script.replacingOccurrences(of: "segment \"everyone\" { days_since_join = \">= 0\" }", with: """
            segment "everyone" { days_since_join = ">= 0" }
            segment "even" { where = function(m) return m.id % 2 == 0 end }
            segment "by_three" { where = function(m) return m.id % 3 == 0 end }
            """).replacingOccurrences(of: "message = \"{{name}}, {{coupon_value}} off over {{min_spend}} is yours\",", with: """
            message = { default = "Hi {{name}}", by_three = "Three {{name}}", even = "Even {{name}}" },
            """)
        try TestStoreKind.sqlite.withScratch { scratch in
            let (store, context) = try F.issuedStore(scratch, members: 7, script: script)
            // Declaration order decides between two of the member's segments: `even` before `by_three`.
            let expected: [Int64: String] = [1: "Hi Member 1", 2: "Even Member 2", 3: "Three Member 3", 4: "Even Member 4",
                                             5: "Hi Member 5", 6: "Even Member 6", 7: "Hi Member 7"]
            var dry = DryRun(context: context, seed: 1)
            dry.samplePerChannel = 10
            let rendered = try dry.run(playbook: "welcome_sms").renderedMessages.all
            #expect(Dictionary(uniqueKeysWithValues: rendered.map { ($0.memberId, $0.body) }) == expected)

            let composer = try F.composer(context)
            for d in try store.snapshot().deliveries where d.member != 4 {   // member 4 has no phone
                let pending = PendingDelivery(idempotencyKey: F.key(d.member), runId: F.runId, playbook: "welcome_sms",
                                              memberId: d.member, channel: "sms", offer: try store.offerVariables(id: d.offerVariablesId!))
                #expect(try composer.compose(pending).get().body == expected[d.member], "member \(d.member)")
            }
        }
    }
}
